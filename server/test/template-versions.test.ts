/**
 * Template versions through the API, on a templates folder the test edits
 * while the service runs: a new version appears without a restart, a launch
 * can pin a version (even one whose file is gone), an admin rolls back.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TemplateDiff, TemplateSummary, TemplateVersion, Workstation } from '../src/contract/api';
import { startPrism, type TestPrism } from './support/prism';

const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates');

let prism: TestPrism;
let templatesDir: string;

beforeAll(async () => {
  templatesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-templates-'));
  fs.cpSync(TEMPLATES_DIR, templatesDir, { recursive: true });
  prism = await startPrism({ PRISM_TEMPLATES_DIR: templatesDir });
}, 60_000);

afterAll(async () => {
  await prism?.stop();
  fs.rmSync(templatesDir, { recursive: true, force: true });
});

/** amazon-linux at `version`, with a bigger root disk so the two versions differ. */
function writeAmazonLinux(version: string, rootVolumeGiB: number): string {
  const text = fs
    .readFileSync(path.join(TEMPLATES_DIR, 'amazon-linux.yaml'), 'utf8')
    .replace(/^version: .*$/m, `version: ${version}`)
    .replace(/^rootVolumeGiB: .*$/m, `rootVolumeGiB: ${rootVolumeGiB}`);
  const file = path.join(templatesDir, `amazon-linux-${version}.yaml`);
  fs.writeFileSync(file, text);
  return file;
}

async function json<T>(route: string, init?: RequestInit): Promise<T> {
  const res = await prism.api(route, init);
  expect(res.ok).toBe(true);
  return (await res.json()) as T;
}

async function offeredVersion(name: string): Promise<string | undefined> {
  return (await json<TemplateSummary[]>('/templates')).find(t => t.name === name)?.version;
}

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > deadline) return value;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

async function launchAndTerminate(name: string, version: string): Promise<Workstation> {
  const res = await prism.api('/instances', {
    method: 'POST',
    body: JSON.stringify({ name, template: 'amazon-linux', version, arch: 'arm64' })
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const record = await json<Workstation>(`/instances/${id}`);
  await prism.api(`/instances/${id}`, { method: 'DELETE' });
  return record;
}

let newFile: string;

it('offers a version added to the folder without a restart', async () => {
  expect(await offeredVersion('amazon-linux')).toBe('1.0.0');
  newFile = writeAmazonLinux('1.1.0', 50);
  expect(await eventually(() => offeredVersion('amazon-linux'), v => v === '1.1.0')).toBe('1.1.0');
  const versions = await json<TemplateVersion[]>('/templates/amazon-linux/versions');
  expect(versions).toEqual([
    { version: '1.1.0', loadedAt: expect.any(String), current: true },
    { version: '1.0.0', loadedAt: expect.any(String), current: false }
  ]);
});

it('diffs two versions line by line', async () => {
  const { diff } = await json<TemplateDiff>('/templates/amazon-linux/diff?from=1.0.0&to=1.1.0');
  expect(diff).toContain('--- amazon-linux@1.0.0\n+++ amazon-linux@1.1.0\n');
  expect(diff).toContain('\n-version: 1.0.0\n');
  expect(diff).toContain('\n+version: 1.1.0\n');
  expect(diff).toContain('\n-rootVolumeGiB: 30\n+rootVolumeGiB: 50\n');
});

it('launches a pinned older version and records it', async () => {
  const record = await launchAndTerminate('pinned-old', '1.0.0');
  expect(record.templateVersion).toBe('1.0.0');
});

it('lets an admin roll back the version offered by default', async () => {
  const res = await prism.api('/templates/amazon-linux/current', { method: 'PUT', body: JSON.stringify({ version: '1.0.0' }) });
  expect(res.status).toBe(200);
  expect(await offeredVersion('amazon-linux')).toBe('1.0.0');
  const versions = await json<TemplateVersion[]>('/templates/amazon-linux/versions');
  expect(versions.filter(v => v.current).map(v => v.version)).toEqual(['1.0.0']);
});

it('refuses to roll back to a version that was never loaded, listing those that were', async () => {
  const res = await prism.api('/templates/amazon-linux/current', { method: 'PUT', body: JSON.stringify({ version: '3.0.0' }) });
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ code: 'TEMPLATE_NOT_FOUND', hint: 'Versions of amazon-linux: 1.0.0, 1.1.0.' });
});

it('keeps a version launchable after its file is removed', async () => {
  fs.rmSync(newFile);
  // A later version added in the same edit shows when the folder was read again.
  writeAmazonLinux('1.2.0', 60);
  await eventually(
    () => json<TemplateVersion[]>('/templates/amazon-linux/versions'),
    versions => versions.some(v => v.version === '1.2.0')
  );
  const template = await json<{ version: string; rootVolumeGiB: number }>('/templates/amazon-linux?version=1.1.0');
  expect(template).toMatchObject({ version: '1.1.0', rootVolumeGiB: 50 });
  const record = await launchAndTerminate('pinned-removed', '1.1.0');
  expect(record.templateVersion).toBe('1.1.0');
});
