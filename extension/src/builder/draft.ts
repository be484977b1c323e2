/**
 * The builder's form state, the YAML it stands for, and where in the form a
 * line of that YAML comes from (so a diagnostic is shown beside its field).
 */
import {
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  parseDocument,
  stringify,
  type Node
} from 'yaml';

import type { Arch } from '../../../server/src/contract/events';
import { ARCHES, PACKAGE_KINDS, type PackageKind } from './schema-fields';

export type PackageLists = Record<PackageKind, string[]>;

/** One service as typed: the port stays text until it is a number. */
export interface IServiceDraft {
  name: string;
  port: string;
  healthPath: string;
}

/** One size: its name and an instance type per arch (empty: not offered). */
export interface ISizeDraft {
  name: string;
  types: Record<Arch, string>;
}

/** Everything the builder's form holds. */
export interface ITemplateDraft {
  inherits: string;
  name: string;
  title: string;
  description: string;
  version: string;
  packages: PackageLists;
  archPackages: Record<Arch, PackageLists>;
  services: IServiceDraft[];
  sizes: ISizeDraft[];
  defaultSize: string;
}

export function emptyPackages(): PackageLists {
  return Object.fromEntries(
    PACKAGE_KINDS.map(({ kind }) => [kind, []])
  ) as unknown as PackageLists;
}

export function emptyDraft(inherits: string): ITemplateDraft {
  return {
    inherits,
    name: '',
    title: '',
    description: '',
    version: '1.0.0',
    packages: emptyPackages(),
    archPackages: Object.fromEntries(
      ARCHES.map(arch => [arch, emptyPackages()])
    ) as Record<Arch, PackageLists>,
    services: [],
    sizes: [],
    defaultSize: ''
  };
}

/**
 * The template the draft stands for, as YAML. `name` and `version` are
 * always written, so a blank one is reported at its own field.
 */
export function draftToYaml(draft: ITemplateDraft): string {
  const data: Record<string, unknown> = {
    name: draft.name.trim(),
    title: draft.title.trim() || undefined,
    description: draft.description.trim() || undefined,
    version: draft.version.trim(),
    inherits: draft.inherits || undefined,
    sizes: sizesOf(draft.sizes),
    defaultSize: draft.defaultSize || undefined,
    packages: packagesOf(draft.packages),
    archPackages: nonEmpty(
      Object.fromEntries(
        ARCHES.map(arch => [arch, packagesOf(draft.archPackages[arch])])
      )
    ),
    services: draft.services.length
      ? draft.services.map(s => ({
          name: s.name.trim(),
          port: /^\d+$/.test(s.port.trim()) ? Number(s.port) : s.port.trim(),
          healthPath: s.healthPath.trim()
        }))
      : undefined
  };
  return stringify(nonEmpty(data) ?? {}, { lineWidth: 0 });
}

/**
 * Each line of `yamlText` that starts a key or a list item, with that
 * node's path (`packages.pip.0`, `services.1.port`, `sizes.small.arm64`).
 * The service places a diagnostic at the start of the key it is about.
 */
export function fieldsByPosition(yamlText: string): Map<string, string> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter });
  const positions = new Map<string, string>();
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `${line}:${col}`;
  };
  const walk = (node: unknown, path: string[]): void => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isScalar(pair.key) && pair.key.range) {
          const inner = [...path, String(pair.key.value)];
          positions.set(at(pair.key.range[0]), inner.join('.'));
          walk(pair.value, inner);
        }
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, index) => {
        const inner = [...path, String(index)];
        const range = (item as Node | null)?.range;
        if (range && !positions.has(at(range[0]))) {
          positions.set(at(range[0]), inner.join('.'));
        }
        walk(item, inner);
      });
    }
  };
  walk(doc.contents, []);
  return positions;
}

function packagesOf(lists: PackageLists): Record<string, string[]> | undefined {
  return nonEmpty(
    Object.fromEntries(
      PACKAGE_KINDS.map(({ kind }) => [kind, lists[kind].length ? lists[kind] : undefined])
    )
  );
}

function sizesOf(sizes: ISizeDraft[]): Record<string, Record<string, string>> | undefined {
  return nonEmpty(
    Object.fromEntries(
      sizes.map(size => [
        size.name.trim(),
        Object.fromEntries(
          ARCHES.filter(arch => size.types[arch].trim()).map(arch => [
            arch,
            size.types[arch].trim()
          ])
        )
      ])
    )
  );
}

/** The object without its undefined values; undefined when none are left. */
function nonEmpty<T>(object: Record<string, T | undefined>): Record<string, T> | undefined {
  const entries = Object.entries(object).filter(([, value]) => value !== undefined);
  return entries.length ? (Object.fromEntries(entries) as Record<string, T>) : undefined;
}
