/**
 * `inherits:`: a child template takes its parent's keys, overrides the
 * mappings it sets and appends to the lists it sets.
 */
import type { TemplateDiagnostic } from './diagnostic';
import { diagnosticAt, type TemplateFile } from './template-file';

type Data = Record<string, unknown>;

/** The parent's data with the child's laid over it. */
export function mergeTemplateData(parent: Data, child: Data): Data {
  const merged: Data = { ...parent };
  for (const [key, value] of Object.entries(child)) {
    merged[key] = mergeValue(parent[key], value);
  }
  return merged;
}

function mergeValue(parent: unknown, child: unknown): unknown {
  if (isPlainObject(parent) && isPlainObject(child)) return mergeTemplateData(parent, child);
  if (Array.isArray(parent) && Array.isArray(child)) return appendList(parent, child);
  return child;
}

/** Appends, without doubles; a child's list entry with a parent's `name` replaces it in place. */
function appendList(parent: unknown[], child: unknown[]): unknown[] {
  const merged = [...parent];
  for (const item of child) {
    const index = merged.findIndex(existing => sameEntry(existing, item));
    if (index === -1) merged.push(item);
    else merged[index] = item;
  }
  return merged;
}

function sameEntry(a: unknown, b: unknown): boolean {
  if (isPlainObject(a) && isPlainObject(b)) return a.name !== undefined && a.name === b.name;
  return a === b;
}

function isPlainObject(value: unknown): value is Data {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type Chain = { files: TemplateFile[] } | { diagnostic: TemplateDiagnostic };

/**
 * The file and its ancestors, child first. `parentOf` gives the file a
 * template name stands for (its newest version), or undefined; `isSound`
 * tells whether a file passed its own checks.
 */
export function inheritanceChain(
  file: TemplateFile,
  /** `child` asks, so a lookup can hide parents the child may not inherit from (another project's). */
  parentOf: (name: string, child: TemplateFile) => TemplateFile | undefined,
  isSound: (file: TemplateFile) => boolean
): Chain {
  const files = [file];
  const seen = new Set([String(file.data?.name)]);
  let current = file;
  while (typeof current.data?.inherits === 'string') {
    const parentName = current.data.inherits;
    if (seen.has(parentName)) {
      const loop = [...files.map(f => String(f.data?.name)), parentName].join(' → ');
      return {
        diagnostic: diagnosticAt(
          current,
          ['inherits'],
          `Templates inherit from each other in a circle: ${loop}.`,
          `Remove \`inherits: ${parentName}\` here, or from one of the others in the circle.`
        )
      };
    }
    const parent = parentOf(parentName, current);
    if (!parent || !isSound(parent)) {
      return {
        diagnostic: diagnosticAt(
          current,
          ['inherits'],
          parent ? `Parent template "${parentName}" has errors of its own.` : `There is no template named "${parentName}" to inherit from.`,
          parent ? `Fix ${parent.file} first.` : 'Name an existing template, or add that template to the templates folder.'
        )
      };
    }
    seen.add(parentName);
    files.push(parent);
    current = parent;
  }
  return { files };
}

/** The chain's data merged, root ancestor first. */
export function mergeChain(files: TemplateFile[]): Data {
  return files
    .map(file => file.data ?? {})
    .reduceRight<Data>((merged, data) => mergeTemplateData(merged, data), {});
}
