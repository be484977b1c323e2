/**
 * Puts catalog templates into the local library folder, all or nothing: the
 * new files are first checked beside copies of the library's own in a
 * staging folder, with the template engine that loads the library, so a
 * child is checked against the parent installed with it. Only when every
 * new file is sound are they written, as `<name>-<version>.yaml`, and the
 * library reloaded.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { CatalogFile, TemplateInstaller } from '../domain/catalog';
import type { TemplateDiagnostic } from '../domain/template';
import { diagnosticAt, parseTemplateFile } from '../templates/template-file';
import { loadTemplateLibrary, type TemplateLibrary } from '../templates/template-library';

const TEMPLATE_FILE = /\.ya?ml$/;

export function createTemplateInstaller(library: TemplateLibrary): TemplateInstaller {
  // Two installs at once would each check without the other's files.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    install(files) {
      const run = queue.then(() => installNow(library, files));
      queue = run.catch(() => undefined);
      return run;
    }
  };
}

async function installNow(library: TemplateLibrary, files: CatalogFile[]): ReturnType<TemplateInstaller['install']> {
  const staging = await fs.mkdtemp(path.join(os.tmpdir(), 'prism-catalog-'));
  try {
    const local = (await fs.readdir(library.dir)).filter(name => TEMPLATE_FILE.test(name));
    await Promise.all(local.map(name => fs.copyFile(path.join(library.dir, name), path.join(staging, name))));
    await Promise.all(files.map(file => fs.writeFile(path.join(staging, fileNameOf(file)), file.text)));

    const { diagnostics } = await loadTemplateLibrary(staging);
    const problems = files.flatMap(file => [
      ...identityMismatch(file),
      ...diagnostics
        .filter(d => d.file === path.join(staging, fileNameOf(file)))
        .map(d => ({ ...d, file: file.path }))
    ]);
    if (problems.length > 0) return { diagnostics: problems, written: [] };

    const written = [];
    for (const file of files) {
      const target = path.join(library.dir, fileNameOf(file));
      // A name the library does not read until it is complete.
      const partial = path.join(library.dir, `.${fileNameOf(file)}.partial`);
      await fs.writeFile(partial, file.text);
      await fs.rename(partial, target);
      written.push({ name: file.name, version: file.version, file: target });
    }
    await library.reload();
    return { diagnostics: [], written };
  } finally {
    await fs.rm(staging, { recursive: true, force: true });
  }
}

function fileNameOf(file: CatalogFile): string {
  return `${file.name}-${file.version}.yaml`;
}

/** The index must name the file's own name and version, or the file name would lie. */
function identityMismatch(file: CatalogFile): TemplateDiagnostic[] {
  const parsed = parseTemplateFile(file.text, file.path);
  if (!parsed.data) return [];
  const problems: TemplateDiagnostic[] = [];
  if (parsed.data.name !== file.name) {
    problems.push(diagnosticAt(parsed, ['name'], `The catalog lists this file as '${file.name}', but it is named '${String(parsed.data.name)}'.`, 'The index entry and the file must give the same name.'));
  }
  if (String(parsed.data.version) !== file.version) {
    problems.push(diagnosticAt(parsed, ['version'], `The catalog lists this file as version ${file.version}, but it says ${String(parsed.data.version)}.`, 'The index entry and the file must give the same version.'));
  }
  return problems;
}
