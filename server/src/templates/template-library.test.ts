import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadTemplateLibrary, TemplateLibrary, validateTemplateText } from './template-library';

const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', '..', 'templates');

async function folderWith(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prism-templates-'));
  await Promise.all(Object.entries(files).map(([name, text]) => fs.writeFile(path.join(dir, name), text)));
  return dir;
}

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
packages:
  system: [git]
services:
  - {name: jupyter, port: 8888, healthPath: /api}
`;

describe('the research templates shipped with Prism', () => {
  it('all load without a diagnostic; the Amazon Linux ones on both arches with Jupyter on 8888', async () => {
    const { templates, diagnostics } = await loadTemplateLibrary(TEMPLATES_DIR);
    expect(diagnostics).toEqual([]);
    expect(templates.map(t => t.name)).toEqual(expect.arrayContaining(['amazon-linux', 'bioinformatics', 'python-ml', 'r-rstudio']));
    for (const template of templates.filter(t => ['amazon-linux', 'bioinformatics', 'python-ml', 'r-rstudio'].includes(t.name))) {
      expect(template.arches).toEqual(['arm64', 'x86_64']);
      expect(template.image.arm64.ssmParameter).toBe('/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64');
      expect(template.image.x86_64.namePattern).toBe('al2023-ami-2023.*-kernel-*-x86_64');
      expect(template.services).toContainEqual({ name: 'jupyter', port: 8888, healthPath: '/api' });
      expect(template.sizes.small).toEqual({ arm64: 't4g.medium', x86_64: 't3.medium' });
    }
  });

  it('gives R memory-optimised sizes and RStudio on 8787 on top of the Amazon Linux base', async () => {
    const library = await TemplateLibrary.open(TEMPLATES_DIR);
    const r = library.get('r-rstudio')!;
    expect(r.sizes.medium).toEqual({ arm64: 'r7g.large', x86_64: 'r7i.large' });
    expect(r.sizes.small).toEqual({ arm64: 't4g.medium', x86_64: 't3.medium' });
    expect(r.services.map(s => [s.name, s.port])).toEqual([['jupyter', 8888], ['rstudio', 8787]]);
    expect(r.packages.conda).toEqual(expect.arrayContaining(['r-base', 'r-tidyverse', 'r-irkernel']));
    expect(library.get('bioinformatics')!.condaChannels).toEqual(['conda-forge', 'bioconda']);
  });
});

describe('a broken template', () => {
  it('names the file, line and column of a mistyped key, and suggests the right one', () => {
    const text = BASE.replace('defaultSize: small', 'defaultSise: small');
    const diagnostics = validateTemplateText(text, 'base.yaml');
    expect(diagnostics).toContainEqual(
      expect.objectContaining({ file: 'base.yaml', line: 10, column: 1, hint: 'Did you mean "defaultSize"?' })
    );
  });

  it('points at a nested key with the wrong type and says what to write', () => {
    const text = BASE.replace('{name: jupyter, port: 8888,', '{name: jupyter, port: eighty,');
    const [diagnostic] = validateTemplateText(text, 'base.yaml');
    expect(diagnostic).toMatchObject({ line: 16, column: 21, hint: 'Give the TCP port as a number, e.g. 8888.' });
    expect(diagnostic.message).toContain('"port" should be an integer');
  });

  it('reports a size without an instance type for a declared arch at that size', () => {
    const text = BASE.replace('small: {arm64: t4g.medium, x86_64: t3.medium}', 'small: {arm64: t4g.medium}');
    expect(validateTemplateText(text, 'base.yaml')).toEqual([
      {
        file: 'base.yaml',
        line: 9,
        column: 3,
        message: 'Size "small" has no instance type for x86_64.',
        hint: 'Add `x86_64: m7i.large` (or the type you want) under sizes.small, or drop x86_64 from arches.'
      }
    ]);
  });

  it('refuses an x86_64 instance type listed under arm64', () => {
    const text = BASE.replace('arm64: t4g.medium', 'arm64: m7i.large');
    const [diagnostic] = validateTemplateText(text, 'base.yaml');
    expect(diagnostic).toMatchObject({ line: 9, column: 11, message: 'm7i.large is an x86_64 instance type, listed under arm64.' });
  });

  it('places YAML syntax errors and explains tabs', () => {
    const [diagnostic] = validateTemplateText('name: x\nversion: 1.0.0\nsizes:\n\tsmall: {}\n', 'tabs.yaml');
    expect(diagnostic).toMatchObject({ file: 'tabs.yaml', line: 4, column: 1 });
    expect(diagnostic.hint).toMatch(/spaces/);
  });

  it('asks for a quoted semantic version when the version reads as a number', () => {
    const [diagnostic] = validateTemplateText(BASE.replace('version: 1.0.0', 'version: 1.0'), 'base.yaml');
    expect(diagnostic).toMatchObject({ line: 3, column: 1, hint: 'Use a semantic version in quotes, e.g. "1.2.0".' });
  });

  it('suggests the arch meant by a misspelt one', () => {
    const [diagnostic] = validateTemplateText(BASE.replace('arches: [arm64, x86_64]', 'arches: [arm64, x86-64]'), 'base.yaml');
    expect(diagnostic).toMatchObject({ line: 4, column: 17, hint: 'Did you mean "x86_64"?' });
  });
});

describe('inheritance', () => {
  it('lets a child override maps and append to lists, at any depth', async () => {
    const dir = await folderWith({
      'base.yaml': BASE,
      'middle.yaml': 'name: middle\nversion: 1.0.0\ninherits: base\ntitle: Middle\npackages: {system: [htop], conda: [numpy]}\n',
      'leaf.yaml': [
        'name: leaf',
        'version: 2.1.0',
        'inherits: middle',
        'sizes:',
        '  small: {arm64: t4g.large}',
        '  large: {arm64: m7g.2xlarge, x86_64: m7i.2xlarge}',
        'packages: {system: [git, tmux]}',
        'services:',
        '  - {name: jupyter, port: 8888, healthPath: /lab}',
        '  - {name: rstudio, port: 8787, healthPath: /}',
        ''
      ].join('\n')
    });
    const { templates, diagnostics } = await loadTemplateLibrary(dir);
    expect(diagnostics).toEqual([]);
    const leaf = templates.find(t => t.name === 'leaf')!;
    expect(leaf).toMatchObject({ title: 'Middle', version: '2.1.0', user: 'ec2-user' });
    expect(leaf.sizes).toEqual({
      small: { arm64: 't4g.large', x86_64: 't3.medium' },
      large: { arm64: 'm7g.2xlarge', x86_64: 'm7i.2xlarge' }
    });
    expect(leaf.packages).toEqual({ system: ['git', 'htop', 'tmux'], conda: ['numpy'], pip: [] });
    expect(leaf.services).toEqual([
      { name: 'jupyter', port: 8888, healthPath: '/lab' },
      { name: 'rstudio', port: 8787, healthPath: '/' }
    ]);
  });

  it('detects a cycle and says where to break it', async () => {
    const dir = await folderWith({
      'a.yaml': 'name: alpha\nversion: 1.0.0\ninherits: beta\n',
      'b.yaml': 'name: beta\nversion: 1.0.0\ninherits: alpha\n'
    });
    const { templates, diagnostics } = await loadTemplateLibrary(dir);
    expect(templates).toEqual([]);
    expect(diagnostics).toEqual([
      expect.objectContaining({
        file: path.join(dir, 'b.yaml'),
        line: 3,
        column: 1,
        message: 'Templates inherit from each other in a circle: alpha → beta → alpha.',
        hint: 'Remove `inherits: alpha` here, or from one of the others in the circle.'
      }),
      expect.objectContaining({ file: path.join(dir, 'a.yaml'), line: 3, column: 1 })
    ]);
  });

  it('reports a missing parent at the inherits key', async () => {
    const dir = await folderWith({ 'child.yaml': 'name: child\nversion: 1.0.0\ninherits: nowhere\n' });
    const { diagnostics } = await loadTemplateLibrary(dir);
    expect(diagnostics).toEqual([expect.objectContaining({ line: 3, column: 1, message: 'There is no template named "nowhere" to inherit from.' })]);
  });

  it('validates a new template against the library it will join', async () => {
    const library = await TemplateLibrary.open(TEMPLATES_DIR);
    const child = 'name: geo\ntitle: Geospatial\nversion: 0.1.0\ninherits: python-ml\npackages: {conda: [gdal]}\n';
    expect(library.validate(child, 'geo.yaml')).toEqual([]);
    expect(validateTemplateText(child, 'geo.yaml')).toHaveLength(1);
  });
});

describe('versions', () => {
  it('serves the newest version by default and an older one on request', async () => {
    const dir = await folderWith({
      'base.yaml': BASE,
      'base-1.1.yaml': BASE.replace('version: 1.0.0', 'version: 1.1.0').replace('rootVolumeGiB: 30', 'rootVolumeGiB: 50')
    });
    const library = await TemplateLibrary.open(dir);
    expect(library.list().map(t => [t.name, t.version])).toEqual([['base', '1.1.0']]);
    expect(library.get('base', '1.0.0')?.rootVolumeGiB).toBe(30);
    expect(library.versions('base')).toEqual(['1.0.0', '1.1.0']);

    await fs.writeFile(path.join(dir, 'base-2.yaml'), BASE.replace('version: 1.0.0', 'version: 2.0.0'));
    await library.reload();
    expect(library.get('base')?.version).toBe('2.0.0');
  });
});
