/**
 * The commands that need no service: they run the template engine on files,
 * with parents looked up in the templates folder (PRISM_TEMPLATES_DIR).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Template, TemplateDiagnostic } from '../domain/template';
import { unifiedDiff } from '../templates/diff';
import { resolveTemplateText, TemplateLibrary } from '../templates/template-library';
import { resolvedTemplateYaml } from '../templates/template-yaml';
import { CliError } from './cli-error';
import { printJson, type Output } from './output';

/** Prints each problem as `file:line:column: message` and its hint; false when there was one. */
export async function validateFiles(files: string[], templatesDir: string, out: Output): Promise<boolean> {
  const library = await TemplateLibrary.open(templatesDir);
  const diagnostics =
    files.length === 0
      ? library.diagnostics
      : (await Promise.all(files.map(async file => library.validate(await readFile(file), file)))).flat();
  if (out.json) {
    printJson(out, { valid: diagnostics.length === 0, diagnostics });
  } else {
    printDiagnostics(diagnostics, out);
    const checked = files.length === 0 ? `the templates in ${shown(templatesDir)}` : files.map(shown).join(', ');
    out.print(diagnostics.length === 0 ? `No problems in ${checked}.` : `${diagnostics.length} problem(s) in ${checked}.`);
  }
  return diagnostics.length === 0;
}

export function printDiagnostics(diagnostics: TemplateDiagnostic[], out: Output): void {
  for (const d of diagnostics) out.print(`${shown(d.file)}:${d.line}:${d.column}: ${d.message}\n  hint: ${d.hint}`);
}

function reportProblems(diagnostics: TemplateDiagnostic[], out: Output): void {
  if (out.json) printJson(out, { valid: false, diagnostics });
  else printDiagnostics(diagnostics, out);
}

/** Writes `<dir>/<name>.yaml`, a child of `parent` at version 0.1.0 that validates as written. */
export async function scaffoldTemplate(name: string, parentName: string, dir: string, templatesDir: string, out: Output): Promise<boolean> {
  const library = await TemplateLibrary.open(templatesDir);
  const parent = library.get(parentName);
  if (!parent) {
    throw new CliError(
      'No such template',
      `There is no template '${parentName}' in ${shown(templatesDir)}.`,
      `Choose one of: ${library.list().map(t => t.name).join(', ')}.`,
      'TEMPLATE_NOT_FOUND'
    );
  }
  const file = path.join(dir, `${name}.yaml`);
  const text = scaffoldText(name, parent);
  const diagnostics = library.validate(text, file);
  if (diagnostics.length > 0) {
    reportProblems(diagnostics, out);
    return false;
  }
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(file, text, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
    throw new CliError('File exists', `${shown(file)} is already there.`, 'Choose another NAME, or --dir for another folder; scaffold never overwrites.', 'FILE_EXISTS');
  });
  if (out.json) printJson(out, { file, name, version: '0.1.0', inherits: parent.name });
  else out.print(`Wrote ${shown(file)}: ${name} 0.1.0, inheriting ${parent.name} ${parent.version}.\nCheck it with: prism templates validate ${shown(file)}`);
  return true;
}

function scaffoldText(name: string, parent: Template): string {
  const [size, types] = Object.entries(parent.sizes)[0];
  return `# ${name}: built on ${parent.name} (${parent.title}).
# Everything not written here comes from ${parent.name}: a map written here
# replaces that key's value, a list is appended to the parent's.
name: ${name}
title: ${JSON.stringify(`${parent.title} — ${name}`)}
description: >-
  Say in a sentence or two what a researcher gets on this workstation.
version: 0.1.0
inherits: ${parent.name}

# What to install on every arch (appended to ${parent.name}'s):
# packages:
#   system: []        # dnf on Amazon Linux, apt on Ubuntu
#   conda: []         # e.g. [python=3.12, numpy]
#   pip: []
# What differs per arch (a package missing on Graviton goes under x86_64 only):
# archPackages:
#   x86_64: {pip: []}
# condaChannels: [conda-forge]

# Sizes: each maps every arch to an instance type of that arch.
# sizes:
#   ${size}: {${Object.entries(types).map(([arch, type]) => `${arch}: ${type}`).join(', ')}}
# defaultSize: ${parent.defaultSize}

# More services (appended; Jupyter on 8888 comes from ${parent.name}):
# services:
#   - {name: my-service, port: 8080, healthPath: /}

# Shell commands run as root after the packages:
# setup:
#   - echo "ready"
`;
}

/** A unified diff of what two template files resolve to. */
export async function diffFiles(a: string, b: string, templatesDir: string, out: Output): Promise<boolean> {
  const library = await TemplateLibrary.open(templatesDir);
  const problems: TemplateDiagnostic[] = [];
  const resolve = async (file: string): Promise<Template | undefined> => {
    const { template, diagnostics } = resolveTemplateText(await readFile(file), file, library);
    problems.push(...diagnostics);
    return template;
  };
  const [before, after] = [await resolve(a), await resolve(b)];
  if (!before || !after) {
    reportProblems(problems, out);
    return false;
  }
  const diff = unifiedDiff(resolvedTemplateYaml(before), resolvedTemplateYaml(after), shown(a), shown(b));
  if (out.json) printJson(out, { from: a, to: b, diff });
  else out.print(diff || `${shown(a)} and ${shown(b)} resolve to the same template.`);
  return true;
}

async function readFile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    throw new CliError('Cannot read file', `${file}: ${(error as Error).message}`, 'Check the path; give template files as FILE.yaml.', 'FILE_UNREADABLE');
  }
}

/** Paths under the working folder as relative ones, as a person typed them. */
export function shown(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file;
}
