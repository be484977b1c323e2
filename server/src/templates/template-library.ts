/**
 * The research templates of one folder: every `*.yaml` file read and parsed
 * in parallel, checked against the schema, inheritance applied, and each
 * problem reported where the author can fix it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Template } from '../domain/template';
import type { TemplateCatalog } from '../domain/ports';
import type { TemplateDiagnostic } from './diagnostic';
import { inheritanceChain, mergeChain } from './inheritance';
import { resolveTemplate } from './resolve-template';
import { checkSchema } from './schema-check';
import { compareVersions } from './semver';
import { diagnosticAt, parseTemplateFile, type TemplateFile } from './template-file';

export type { TemplateDiagnostic } from './diagnostic';

export interface TemplateLibraryContents {
  /** Every valid template, every version, by name then version. */
  templates: Template[];
  diagnostics: TemplateDiagnostic[];
}

export async function loadTemplateLibrary(dir: string): Promise<TemplateLibraryContents> {
  const loaded = await readTemplateFiles(dir);
  if ('diagnostic' in loaded) return { templates: [], diagnostics: [loaded.diagnostic] };
  return checkTemplateFiles(loaded.files);
}

/** Diagnostics for one file's text, its parents looked up in `library` when given. */
export function validateTemplateText(yamlText: string, fileName: string, library?: TemplateLibrary): TemplateDiagnostic[] {
  const candidate = parseTemplateFile(yamlText, fileName);
  const others = (library?.files ?? []).filter(file => !sameTemplateVersion(file, candidate));
  return checkTemplateFiles([...others, candidate]).diagnostics.filter(d => d.file === fileName);
}

export class TemplateLibrary implements TemplateCatalog {
  private contents: TemplateLibraryContents = { templates: [], diagnostics: [] };
  /** @internal the parsed files, for validating a new file against its parents. */
  files: TemplateFile[] = [];

  private constructor(readonly dir: string) {}

  static async open(dir: string): Promise<TemplateLibrary> {
    const library = new TemplateLibrary(dir);
    await library.reload();
    return library;
  }

  get diagnostics(): TemplateDiagnostic[] {
    return this.contents.diagnostics;
  }

  /** Reads the folder again; the old templates stay served until the new ones are ready. */
  async reload(): Promise<void> {
    const loaded = await readTemplateFiles(this.dir);
    if ('diagnostic' in loaded) {
      this.files = [];
      this.contents = { templates: [], diagnostics: [loaded.diagnostic] };
    } else {
      this.files = loaded.files;
      this.contents = checkTemplateFiles(loaded.files);
    }
  }

  /** The newest version of each template. */
  list(): Template[] {
    const newest = new Map<string, Template>();
    for (const template of this.contents.templates) newest.set(template.name, template);
    return [...newest.values()];
  }

  get(name: string, version?: string): Template | undefined {
    const versions = this.contents.templates.filter(template => template.name === name);
    return version === undefined ? versions[versions.length - 1] : versions.find(t => t.version === version);
  }

  versions(name: string): string[] {
    return this.contents.templates.filter(template => template.name === name).map(template => template.version);
  }

  validate(yamlText: string, fileName: string): TemplateDiagnostic[] {
    return validateTemplateText(yamlText, fileName, this);
  }
}

async function readTemplateFiles(dir: string): Promise<{ files: TemplateFile[] } | { diagnostic: TemplateDiagnostic }> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter(name => /\.ya?ml$/.test(name)).sort();
  } catch (error) {
    return {
      diagnostic: {
        file: dir,
        line: 1,
        column: 1,
        message: `Cannot read the templates folder: ${(error as Error).message}`,
        hint: 'Set PRISM_TEMPLATES_DIR to a folder of template .yaml files.'
      }
    };
  }
  const files = await Promise.all(
    names.map(async name => {
      const file = path.join(dir, name);
      return parseTemplateFile(await fs.readFile(file, 'utf8'), file);
    })
  );
  return { files };
}

function checkTemplateFiles(files: TemplateFile[]): TemplateLibraryContents {
  const diagnostics: TemplateDiagnostic[] = [];
  const sound = new Set<TemplateFile>();
  for (const file of files) {
    const problems = [...file.diagnostics, ...checkSchema(file)];
    diagnostics.push(...problems);
    if (problems.length === 0) sound.add(file);
  }
  for (const [index, file] of files.entries()) {
    const earlier = files.slice(0, index).find(other => sameTemplateVersion(other, file));
    if (earlier && sound.has(file)) {
      sound.delete(file);
      diagnostics.push(
        diagnosticAt(file, ['version'], `${earlier.file} already defines ${String(file.data?.name)} ${String(file.data?.version)}.`, 'Give this file a new version, or remove one of the two.')
      );
    }
  }

  const newestByName = new Map<string, TemplateFile>();
  for (const file of files) {
    const name = file.data?.name;
    if (typeof name !== 'string') continue;
    const current = newestByName.get(name);
    if (!current || compareVersions(String(file.data?.version), String(current.data?.version)) > 0) newestByName.set(name, file);
  }

  const templates: Template[] = [];
  for (const file of files.filter(f => sound.has(f))) {
    const chain = inheritanceChain(file, name => newestByName.get(name), f => sound.has(f));
    if ('diagnostic' in chain) {
      diagnostics.push(chain.diagnostic);
      continue;
    }
    const resolved = resolveTemplate(chain.files, mergeChain(chain.files));
    if (resolved.template) templates.push(resolved.template);
    else diagnostics.push(...resolved.diagnostics);
  }
  templates.sort((a, b) => a.name.localeCompare(b.name) || compareVersions(a.version, b.version));
  return { templates, diagnostics: distinct(diagnostics) };
}

function sameTemplateVersion(a: TemplateFile, b: TemplateFile): boolean {
  return a.data !== undefined && a.data.name === b.data?.name && a.data.version === b.data?.version;
}

/** A parent's problem is found again through each child: report it once. */
function distinct(diagnostics: TemplateDiagnostic[]): TemplateDiagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter(d => {
    const key = `${d.file}:${d.line}:${d.column}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
