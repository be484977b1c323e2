/**
 * The research templates of one folder: every `*.yaml` file read and parsed
 * in parallel, checked against the schema, inheritance applied, and each
 * problem reported where the author can fix it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Template } from '../domain/template';
import { notFound } from '../domain/errors';
import type { TemplateVersionStore, VersionedTemplateCatalog } from '../domain/ports';
import type { TemplateDiagnostic } from './diagnostic';
import { inheritanceChain, mergeChain } from './inheritance';
import { MemoryVersionStore } from './memory-version-store';
import { mayInherit, projectOfFileIn, projectTemplateNames, scopeConflicts, type ProjectOfFile } from './project-templates';
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
  return checkTemplateFiles(loaded.files, projectOfFileIn(dir));
}

/** Diagnostics for one file's text, its parents looked up in `library` when given. */
export function validateTemplateText(yamlText: string, fileName: string, library?: TemplateLibrary): TemplateDiagnostic[] {
  const candidate = parseTemplateFile(yamlText, fileName);
  const others = (library?.files ?? []).filter(file => !sameTemplateVersion(file, candidate));
  return checkTemplateFiles([...others, candidate], projectsOf(library)).diagnostics.filter(d => d.file === fileName);
}

/** The template one file's text resolves to (for `prism templates diff` of local files), or why it does not. */
export function resolveTemplateText(
  yamlText: string,
  fileName: string,
  library?: TemplateLibrary
): { template: Template | undefined; diagnostics: TemplateDiagnostic[] } {
  const candidate = parseTemplateFile(yamlText, fileName);
  const others = (library?.files ?? []).filter(file => !sameTemplateVersion(file, candidate));
  const { templates, diagnostics } = checkTemplateFiles([...others, candidate], projectsOf(library));
  return { template: templates.find(t => t.source.file === fileName), diagnostics: diagnostics.filter(d => d.file === fileName) };
}

/** What one reload found, for the log. */
export interface TemplateReload {
  /** `name@version` seen for the first time. */
  newVersions: string[];
  /** `name@version` whose file now says something else than when it was first loaded. */
  changedVersions: string[];
  diagnostics: TemplateDiagnostic[];
}

export interface TemplateVersionInfo {
  version: string;
  loadedAt: string;
  current: boolean;
}

/**
 * The folder's templates, plus every version ever loaded from it (kept in
 * `versions`, the database in the service), so a version stays launchable
 * after its file changed or went. The folder decides which templates are
 * offered; an admin's choice, else the newest, decides which version.
 */
export class TemplateLibrary implements VersionedTemplateCatalog {
  private contents: TemplateLibraryContents = { templates: [], diagnostics: [] };
  /** @internal the parsed files, for validating a new file against its parents. */
  files: TemplateFile[] = [];

  private constructor(
    readonly dir: string,
    private readonly kept: TemplateVersionStore
  ) {}

  static async open(dir: string, versions: TemplateVersionStore = new MemoryVersionStore()): Promise<TemplateLibrary> {
    const library = new TemplateLibrary(dir, versions);
    await library.reload();
    return library;
  }

  get diagnostics(): TemplateDiagnostic[] {
    return this.contents.diagnostics;
  }

  /**
   * Reads the folder again. The old templates stay served until the new ones
   * are ready, and a file that does not parse now (an editor mid-save) keeps
   * serving what it served before.
   */
  async reload(): Promise<TemplateReload> {
    const loaded = await readTemplateFiles(this.dir);
    if ('diagnostic' in loaded) {
      this.contents = { templates: this.contents.templates, diagnostics: [loaded.diagnostic] };
      return { newVersions: [], changedVersions: [], diagnostics: this.contents.diagnostics };
    }
    const fresh = checkTemplateFiles(loaded.files, projectOfFileIn(this.dir));
    const broken = new Set(fresh.diagnostics.map(d => d.file));
    const stillServed = this.contents.templates.filter(
      old => broken.has(old.source.file) && !fresh.templates.some(t => t.name === old.name && t.version === old.version)
    );
    this.files = loaded.files;
    this.contents = { templates: sortTemplates([...fresh.templates, ...stillServed]), diagnostics: fresh.diagnostics };
    return { ...this.keepVersions(fresh.templates, loaded.texts), diagnostics: fresh.diagnostics };
  }

  /** The current version of each template in the folder. */
  list(): Template[] {
    const names = [...new Set(this.contents.templates.map(t => t.name))];
    return names.map(name => this.get(name)).filter((t): t is Template => t !== undefined);
  }

  /** `version`, from the folder or kept; without one, the current version. */
  get(name: string, version?: string): Template | undefined {
    const inFolder = this.contents.templates.filter(template => template.name === name);
    if (version !== undefined) return inFolder.find(t => t.version === version) ?? this.kept.find(name, version)?.template;
    if (inFolder.length === 0) return undefined;
    const chosen = this.kept.currentVersion(name);
    return (chosen !== undefined ? this.get(name, chosen) : undefined) ?? inFolder[inFolder.length - 1];
  }

  /** Every version of `name` ever loaded, oldest first. */
  versions(name: string): string[] {
    const all = new Set([...this.kept.list(name).map(v => v.version), ...this.contents.templates.filter(t => t.name === name).map(t => t.version)]);
    return [...all].sort(compareVersions);
  }

  history(name: string): TemplateVersionInfo[] | undefined {
    const versions = this.kept.list(name).sort((a, b) => compareVersions(b.version, a.version));
    if (versions.length === 0) return undefined;
    const current = this.get(name)?.version;
    return versions.map(v => ({ version: v.version, loadedAt: v.loadedAt, current: v.version === current }));
  }

  setCurrent(name: string, version: string): void {
    if (!this.get(name, version)) {
      const known = this.versions(name);
      throw notFound(
        'template',
        `${name} ${version}`,
        known.length > 0 ? `Versions of ${name}: ${known.join(', ')}.` : `Choose one of: ${this.list().map(t => t.name).join(', ')}.`
      );
    }
    this.kept.setCurrentVersion(name, version);
  }

  validate(yamlText: string, fileName: string): TemplateDiagnostic[] {
    return validateTemplateText(yamlText, fileName, this);
  }

  private keepVersions(templates: Template[], texts: Map<string, string>): Omit<TemplateReload, 'diagnostics'> {
    const outcome: Omit<TemplateReload, 'diagnostics'> = { newVersions: [], changedVersions: [] };
    const loadedAt = new Date().toISOString();
    for (const template of templates) {
      const sourceYaml = texts.get(template.source.file) ?? '';
      const kept = this.kept.keep({ name: template.name, version: template.version, template, sourceYaml, loadedAt });
      if (kept === 'new') outcome.newVersions.push(`${template.name}@${template.version}`);
      if (kept === 'changed') outcome.changedVersions.push(`${template.name}@${template.version}`);
    }
    return outcome;
  }
}

async function readTemplateFiles(
  dir: string
): Promise<{ files: TemplateFile[]; texts: Map<string, string> } | { diagnostic: TemplateDiagnostic }> {
  let names: string[];
  try {
    names = [...(await fs.readdir(dir)).filter(name => /\.ya?ml$/.test(name)), ...(await projectTemplateNames(dir))].sort();
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
  const texts = new Map<string, string>();
  await Promise.all(
    names.map(async name => {
      const file = path.join(dir, name);
      // A file removed between listing and reading is simply gone (the watcher reloads again).
      const text = await fs.readFile(file, 'utf8').catch(() => undefined);
      if (text !== undefined) texts.set(file, text);
    })
  );
  const files = [...texts.keys()].sort().map(file => parseTemplateFile(texts.get(file) ?? '', file));
  return { files, texts };
}

/** A library's files answer which project each belongs to; without a library, none does. */
function projectsOf(library: TemplateLibrary | undefined): ProjectOfFile {
  return library ? projectOfFileIn(library.dir) : () => undefined;
}

function checkTemplateFiles(files: TemplateFile[], projectOf: ProjectOfFile): TemplateLibraryContents {
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

  const scopes = scopeConflicts(files, projectOf);
  diagnostics.push(...scopes.diagnostics);
  for (const file of scopes.conflicted) sound.delete(file);

  const newestByName = new Map<string, TemplateFile>();
  for (const file of files.filter(f => !scopes.conflicted.has(f))) {
    const name = file.data?.name;
    if (typeof name !== 'string') continue;
    const current = newestByName.get(name);
    if (!current || compareVersions(String(file.data?.version), String(current.data?.version)) > 0) newestByName.set(name, file);
  }

  const templates: Template[] = [];
  for (const file of files.filter(f => sound.has(f))) {
    const parentOf = (name: string, child: TemplateFile): TemplateFile | undefined => {
      const parent = newestByName.get(name);
      return parent && mayInherit(projectOf, child, parent) ? parent : undefined;
    };
    const chain = inheritanceChain(file, parentOf, f => sound.has(f));
    if ('diagnostic' in chain) {
      diagnostics.push(chain.diagnostic);
      continue;
    }
    const resolved = resolveTemplate(chain.files, mergeChain(chain.files));
    const project = projectOf(file.file);
    if (resolved.template) templates.push(project === undefined ? resolved.template : { ...resolved.template, project });
    else diagnostics.push(...resolved.diagnostics);
  }
  return { templates: sortTemplates(templates), diagnostics: distinct(diagnostics) };
}

function sortTemplates(templates: Template[]): Template[] {
  return templates.sort((a, b) => a.name.localeCompare(b.name) || compareVersions(a.version, b.version));
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
