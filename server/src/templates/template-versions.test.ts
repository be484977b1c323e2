import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openTestDatabase } from '../store/testing/test-database';
import { SqlTemplateVersions } from '../store/template-version-store';
import { TemplateLibrary } from './template-library';

const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', '..', 'templates');

async function copyOfTemplates(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'prism-versions-'));
  await fs.cp(TEMPLATES_DIR, dir, { recursive: true });
  return dir;
}

async function addVersion(dir: string, version: string, change: (text: string) => string = t => t): Promise<string> {
  const text = await fs.readFile(path.join(dir, 'amazon-linux.yaml'), 'utf8');
  const file = path.join(dir, `amazon-linux-${version}.yaml`);
  await fs.writeFile(file, change(text.replace(/^version: .*$/m, `version: ${version}`)));
  return file;
}

describe('template versions', () => {
  it('offers the newest version, and an admin can choose an older one', async () => {
    const dir = await copyOfTemplates();
    await addVersion(dir, '1.1.0');
    const library = await TemplateLibrary.open(dir);
    expect(library.list().find(t => t.name === 'amazon-linux')?.version).toBe('1.1.0');

    library.setCurrent('amazon-linux', '1.0.0');
    expect(library.list().find(t => t.name === 'amazon-linux')?.version).toBe('1.0.0');
    expect(library.history('amazon-linux')).toEqual([
      { version: '1.1.0', loadedAt: expect.any(String), current: false },
      { version: '1.0.0', loadedAt: expect.any(String), current: true }
    ]);
  });

  it('refuses to make a version current that was never loaded, naming those that were', async () => {
    const library = await TemplateLibrary.open(await copyOfTemplates());
    expect(() => library.setCurrent('amazon-linux', '9.9.9')).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_NOT_FOUND', hint: 'Versions of amazon-linux: 1.0.0.' })
    );
  });

  it('keeps serving a template whose file stops parsing, until it parses again', async () => {
    const dir = await copyOfTemplates();
    const file = path.join(dir, 'amazon-linux.yaml');
    const library = await TemplateLibrary.open(dir);
    await fs.writeFile(file, 'name: amazon-linux\nversion: [1.0\n');
    const reload = await library.reload();
    expect(reload.diagnostics.map(d => d.file)).toContain(file);
    expect(library.get('amazon-linux')?.version).toBe('1.0.0');
  });

  it('keeps a version launchable in the database after its file is removed and the service restarts', async () => {
    const dir = await copyOfTemplates();
    const database = path.join(dir, 'prism.sqlite');
    const beforeRestart = openTestDatabase(database);
    const file = await addVersion(dir, '1.1.0', t => t.replace('rootVolumeGiB: 30', 'rootVolumeGiB: 50'));
    const first = await TemplateLibrary.open(dir, new SqlTemplateVersions(beforeRestart));
    expect(first.get('amazon-linux', '1.1.0')?.rootVolumeGiB).toBe(50);

    await fs.rm(file);
    beforeRestart.close();
    const afterRestart = openTestDatabase(database);
    const again = await TemplateLibrary.open(dir, new SqlTemplateVersions(afterRestart));
    expect(again.get('amazon-linux')?.version).toBe('1.0.0');
    expect(again.get('amazon-linux', '1.1.0')?.rootVolumeGiB).toBe(50);
    expect(again.versions('amazon-linux')).toEqual(['1.0.0', '1.1.0']);
    afterRestart.close();
  });

  it('reports a version whose file changed without a new version number', async () => {
    const dir = await copyOfTemplates();
    const library = await TemplateLibrary.open(dir);
    const file = path.join(dir, 'amazon-linux.yaml');
    await fs.writeFile(file, (await fs.readFile(file, 'utf8')).replace('rootVolumeGiB: 30', 'rootVolumeGiB: 40'));
    expect(await library.reload()).toMatchObject({ newVersions: [], changedVersions: ['amazon-linux@1.0.0'] });
    expect(library.get('amazon-linux', '1.0.0')?.rootVolumeGiB).toBe(40);
  });
});
