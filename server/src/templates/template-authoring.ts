/**
 * Saving a new template version into the library's folder: checked as the
 * library would check it, written as `<name>-<version>.yaml` (never over an
 * existing file), then the library reloads so it can be launched at once.
 * With a project scope the file goes to `projects/<project>/` instead; who
 * may save where is the route's business.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { PrismError } from '../domain/errors';
import type { Template, TemplateDiagnostic } from '../domain/template';
import { PROJECTS_FOLDER } from './project-templates';
import type { TemplateLibrary } from './template-library';

/** Where a version is saved: the library (everyone), or one project's templates. */
export interface SaveScope {
  project?: string;
}

export type SaveOutcome = { template: Template } | { diagnostics: TemplateDiagnostic[] };

export interface TemplateAuthoring {
  /**
   * @returns the saved template, or why it cannot be saved.
   * @throws {PrismError} TEMPLATE_VERSION_EXISTS when that name and version are taken;
   *   TEMPLATE_NAME_TAKEN when the name belongs to another scope (the library, another project).
   */
  saveTemplateVersion(yamlText: string, scope?: SaveScope): Promise<SaveOutcome>;
}

export function createTemplateAuthoring(library: TemplateLibrary): TemplateAuthoring {
  return {
    async saveTemplateVersion(yamlText, scope = {}) {
      const draft = nameAndVersion(yamlText);
      const folder = scope.project === undefined ? '' : path.join(PROJECTS_FOLDER, scope.project);
      // Checked before validating, which would only say the file is left out.
      if (draft) checkNameScope(library, draft.name, scope);
      const fileName = path.join(folder, draft ? `${draft.name}-${draft.version}.yaml` : 'template.yaml');
      const diagnostics = library.validate(yamlText, fileName);
      // A clean file has a schema-checked name and version: safe in a file name.
      if (diagnostics.length > 0 || !draft) return { diagnostics };
      if (library.versions(draft.name).includes(draft.version)) throw versionExists(draft);

      const file = path.join(library.dir, fileName);
      await fs.mkdir(path.dirname(file), { recursive: true });
      try {
        await fs.writeFile(file, yamlText, { encoding: 'utf8', flag: 'wx' });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw versionExists(draft);
        throw error;
      }
      await library.reload();
      const template = library.get(draft.name, draft.version);
      if (template) return { template };
      // The folder changed under us (a parent went away): take the file back out.
      const problems = library.diagnostics.filter(d => d.file === file);
      await fs.rm(file, { force: true });
      await library.reload();
      return { diagnostics: problems };
    }
  };
}

function nameAndVersion(yamlText: string): { name: string; version: string } | null {
  try {
    const data: unknown = parse(yamlText);
    if (typeof data !== 'object' || data === null) return null;
    const { name, version } = data as Record<string, unknown>;
    return typeof name === 'string' && typeof version === 'string' ? { name, version } : null;
  } catch {
    return null;
  }
}

/** A name belongs to one scope, so a launch's `template: NAME` means one template. */
function checkNameScope(library: TemplateLibrary, name: string, scope: SaveScope): void {
  const newest = library.versions(name).at(-1);
  const existing = newest === undefined ? undefined : library.get(name, newest);
  if (!existing || existing.project === scope.project) return;
  // A project's name is not told to those outside it; the service's admins saving to the library may know it.
  const owner = existing.project === undefined ? 'the library' : scope.project === undefined ? `project '${existing.project}'` : 'another project';
  throw new PrismError(
    'TEMPLATE_NAME_TAKEN',
    409,
    'Template name taken',
    `'${name}' is a template of ${owner}; ${scope.project === undefined ? 'the library' : `project '${scope.project}'`} cannot hold another template of that name.`,
    scope.project === undefined
      ? `Pick another name for the library's template.`
      : `Pick another name (e.g. ${scope.project}-${name}); to build on '${name}', keep \`inherits: ${name}\`.`
  );
}

function versionExists({ name, version }: { name: string; version: string }): PrismError {
  return new PrismError(
    'TEMPLATE_VERSION_EXISTS',
    409,
    'Template version exists',
    `The library already holds ${name} ${version}.`,
    `Bump the version (e.g. ${bumped(version)}) and save again; a saved version is never overwritten.`
  );
}

function bumped(version: string): string {
  const [major, minor, patch] = version.split(/[.-]/).map(Number);
  return [major, minor, Number.isFinite(patch) ? patch + 1 : 1].join('.');
}
