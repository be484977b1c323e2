import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadTemplateLibrary } from './template-library';

const BASE = `name: base
title: Base
version: 1.0.0
arches: [arm64, x86_64]
image:
  arm64: {ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64}
  x86_64: {ssmParameter: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}
sizes:
  small: {arm64: t4g.medium, x86_64: t3.medium}
defaultSize: small
user: ec2-user
rootVolumeGiB: 30
services:
  - {name: jupyter, port: 8888, healthPath: /api}
`;

const child = (name: string, parent: string): string => `name: ${name}\nversion: 1.0.0\ninherits: ${parent}\n`;

/** A templates folder with `files` at their relative paths (`projects/<id>/x.yaml` for a project's). */
async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prism-templates-'));
  for (const [name, text] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await fs.writeFile(path.join(dir, name), text);
  }
  return dir;
}

it("loads a project's templates with their project, inheriting from the library and their own project", async () => {
  const dir = await folderWith({
    'base.yaml': BASE,
    'projects/genomics/seq.yaml': child('seq', 'base'),
    'projects/genomics/seq-gpu.yaml': child('seq-gpu', 'seq')
  });
  const { templates, diagnostics } = await loadTemplateLibrary(dir);
  expect(diagnostics).toEqual([]);
  expect(templates.map(t => [t.name, t.project])).toEqual([
    ['base', undefined],
    ['seq', 'genomics'],
    ['seq-gpu', 'genomics']
  ]);
});

it("refuses a project template that takes a library template's name, and inheriting across scopes", async () => {
  const dir = await folderWith({
    'base.yaml': BASE,
    'lib-child.yaml': child('lib-child', 'seq'),
    'projects/genomics/base.yaml': child('base', 'base').replace('1.0.0', '2.0.0'),
    'projects/genomics/seq.yaml': child('seq', 'base'),
    'projects/physics/borrowed.yaml': child('borrowed', 'seq')
  });
  const { templates, diagnostics } = await loadTemplateLibrary(dir);
  expect(templates.map(t => `${t.name}@${t.version}:${t.project ?? 'library'}`)).toEqual(['base@1.0.0:library', 'seq@1.0.0:genomics']);
  expect(diagnostics.find(d => d.file.endsWith(path.join('genomics', 'base.yaml')))).toMatchObject({
    message: expect.stringContaining("'base' is a library template"),
    hint: expect.stringContaining('genomics-base')
  });
  expect(diagnostics.map(d => path.basename(d.file))).toEqual(expect.arrayContaining(['lib-child.yaml', 'borrowed.yaml']));
});
