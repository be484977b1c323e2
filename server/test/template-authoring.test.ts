/**
 * POST /templates, the visual builder's Save: a clean template becomes a new
 * version in the templates folder and is listed and launchable at once; an
 * invalid one or a taken version is refused with the reason and a hint.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TemplateSummary } from '../src/contract/api';
import type { Problem } from '../src/contract/events';
import type { TemplateDiagnostic } from '../src/domain/template';
import { startPrism, type TestPrism } from './support/prism';

const TEMPLATES = path.resolve(__dirname, '..', '..', 'templates');

let prism: TestPrism;
let templatesDir: string;

beforeAll(async () => {
  templatesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-templates-'));
  fs.cpSync(TEMPLATES, templatesDir, { recursive: true });
  prism = await startPrism({ PRISM_TEMPLATES_DIR: templatesDir });
}, 60_000);

afterAll(async () => {
  await prism?.stop();
  fs.rmSync(templatesDir, { recursive: true, force: true });
});

const lab = (name: string, version = '1.0.0'): string =>
  [`name: ${name}`, `version: "${version}"`, 'inherits: amazon-linux', 'packages:', '  pip: [duckdb]', ''].join('\n');

function save(yaml: string): Promise<Response> {
  return prism.api('/templates', { method: 'POST', body: JSON.stringify({ yaml }) });
}

async function problemOf(res: Response): Promise<Problem & { diagnostics?: TemplateDiagnostic[] }> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as Problem & { diagnostics?: TemplateDiagnostic[] };
}

it('saves a clean template as <name>-<version>.yaml and lists it at once', async () => {
  const res = await save(lab('duck-lab'));
  expect(res.status).toBe(201);
  const summary = (await res.json()) as TemplateSummary;
  expect(summary).toMatchObject({ name: 'duck-lab', version: '1.0.0', arches: ['arm64', 'x86_64'], services: ['jupyter'] });
  expect(fs.readFileSync(path.join(templatesDir, 'duck-lab-1.0.0.yaml'), 'utf8')).toBe(lab('duck-lab'));

  const listed = (await (await prism.api('/templates')).json()) as TemplateSummary[];
  expect(listed.map(t => t.name)).toContain('duck-lab');
  const resolved = (await (await prism.api('/templates/duck-lab')).json()) as { packages: { pip: string[] } };
  expect(resolved.packages.pip).toEqual(expect.arrayContaining(['jupyterlab', 'duckdb']));
});

it('refuses the same name and version with 409 and a hint to bump the version', async () => {
  expect((await save(lab('twice-lab'))).status).toBe(201);
  const res = await save(lab('twice-lab'));
  expect(res.status).toBe(409);
  const problem = await problemOf(res);
  expect(problem.code).toBe('TEMPLATE_VERSION_EXISTS');
  expect(problem.hint).toContain('1.0.1');

  expect((await save(lab('twice-lab', '1.0.1'))).status).toBe(201);
  const listed = (await (await prism.api('/templates')).json()) as TemplateSummary[];
  expect(listed.find(t => t.name === 'twice-lab')?.version).toBe('1.0.1');
});

it('refuses to overwrite a library template under its own version', async () => {
  const shipped = /^version: "?([^"\s]+)"?$/m.exec(fs.readFileSync(path.join(templatesDir, 'python-ml.yaml'), 'utf8'))![1];
  const res = await save(lab('python-ml', shipped));
  expect(res.status).toBe(409);
  expect((await problemOf(res)).code).toBe('TEMPLATE_VERSION_EXISTS');
});

it('refuses an invalid template with 422, its diagnostics and hints, and writes nothing', async () => {
  const before = fs.readdirSync(templatesDir).sort();
  const res = await save(lab('Bad-Lab'));
  expect(res.status).toBe(422);
  const problem = await problemOf(res);
  expect(problem.code).toBe('TEMPLATE_INVALID');
  expect(problem.diagnostics).toEqual([
    expect.objectContaining({ line: 1, hint: expect.stringContaining('lower-case') })
  ]);
  expect(problem.hint).toContain('lower-case');
  expect(fs.readdirSync(templatesDir).sort()).toEqual(before);
});

it('refuses a template whose parent does not exist', async () => {
  const res = await save(lab('orphan-lab').replace('amazon-linux', 'no-such-parent'));
  expect(res.status).toBe(422);
  expect((await problemOf(res)).diagnostics?.[0]?.message).toMatch(/no-such-parent/);
});

it('refuses a caller without a token', async () => {
  const res = await prism.api('/templates', { method: 'POST', body: JSON.stringify({ yaml: lab('anon-lab') }), token: null });
  expect(res.status).toBe(401);
});

it('launches a saved template on arm64 to ready', async () => {
  expect((await save(lab('launch-lab'))).status).toBe(201);
  const res = await prism.api('/instances', {
    method: 'POST',
    body: JSON.stringify({ name: 'saved-template-ws', template: 'launch-lab', arch: 'arm64' })
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const deadline = Date.now() + 120_000;
  let state = { phase: '', templateVersion: '' };
  while (Date.now() < deadline) {
    state = (await (await prism.api(`/instances/${id}`)).json()) as typeof state;
    if (state.phase === 'ready' || state.phase === 'failed') break;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  expect(state).toMatchObject({ phase: 'ready', templateVersion: '1.0.0' });
  await prism.api(`/instances/${id}`, { method: 'DELETE' });
});
