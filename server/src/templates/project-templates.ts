/**
 * Project templates: the files under `<templates folder>/projects/<project>/`.
 * Their project's members alone see and launch them; they may inherit from
 * the library's templates and their own project's, and a name belongs to one
 * scope only, so that `template: NAME` in a launch is never ambiguous.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TemplateDiagnostic } from './diagnostic';
import { diagnosticAt, type TemplateFile } from './template-file';

export const PROJECTS_FOLDER = 'projects';

/** Which project a file belongs to, from its place under `dir`; undefined for the library's own files. */
export type ProjectOfFile = (file: string) => string | undefined;

export function projectOfFileIn(dir: string): ProjectOfFile {
  return file => {
    const parts = path.relative(dir, path.resolve(dir, file)).split(path.sep);
    return parts.length === 3 && parts[0] === PROJECTS_FOLDER ? parts[1] : undefined;
  };
}

/** `projects/<project>/<file>.yaml` for every project folder; none when there is no `projects/` folder. */
export async function projectTemplateNames(dir: string): Promise<string[]> {
  const projects = await fs.readdir(path.join(dir, PROJECTS_FOLDER), { withFileTypes: true }).catch(() => []);
  const perProject = await Promise.all(
    projects
      .filter(entry => entry.isDirectory())
      .map(async entry => {
        const names = await fs.readdir(path.join(dir, PROJECTS_FOLDER, entry.name)).catch(() => []);
        return names.filter(name => /\.ya?ml$/.test(name)).map(name => path.join(PROJECTS_FOLDER, entry.name, name));
      })
  );
  return perProject.flat();
}

/**
 * Project files whose name another scope (the library, another project)
 * already uses: reported and left out, the library's file winning.
 */
export function scopeConflicts(files: TemplateFile[], projectOf: ProjectOfFile): { conflicted: Set<TemplateFile>; diagnostics: TemplateDiagnostic[] } {
  const conflicted = new Set<TemplateFile>();
  const diagnostics: TemplateDiagnostic[] = [];
  for (const file of files) {
    const project = projectOf(file.file);
    const name = file.data?.name;
    if (project === undefined || typeof name !== 'string') continue;
    const other = files.find(f => f.data?.name === name && projectOf(f.file) !== project);
    if (!other) continue;
    conflicted.add(file);
    const owner = projectOf(other.file);
    diagnostics.push(
      diagnosticAt(
        file,
        ['name'],
        owner === undefined ? `'${name}' is a library template (${other.file}).` : `'${name}' is a template of project '${owner}'.`,
        `Name this template differently (e.g. ${project}-${name}); a project template cannot take the name of another.`
      )
    );
  }
  return { conflicted, diagnostics };
}

/** A child inherits from the library's templates and from its own project's. */
export function mayInherit(projectOf: ProjectOfFile, child: TemplateFile, parent: TemplateFile): boolean {
  const parentProject = projectOf(parent.file);
  return parentProject === undefined || parentProject === projectOf(child.file);
}
