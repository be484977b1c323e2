/**
 * Project templates end to end, as two people (PRISM_USERS_FILE): alice, a
 * plain user, saves a template into her project; it is hers and her
 * project's to see and launch, and for bob, outside it, it does not exist.
 * As a viewer bob sees it but cannot save into the project.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TemplateSummary } from '../src/contract/api';
import type { Problem } from '../src/contract/events';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';

const TEMPLATES = path.resolve(__dirname, '..', '..', 'templates');
const ALICE = 'alice-token-for-prism-tests';
const BOB = 'bob-token-for-prism-tests';

let prism: TestPrism;
let templatesDir: string;
let usersFile: string;

beforeAll(async () => {
  usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB }
  ]);
  templatesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-templates-'));
  fs.cpSync(TEMPLATES, templatesDir, { recursive: true });
  prism = await startPrism({ PRISM_USERS_FILE: usersFile, PRISM_TEMPLATES_DIR: templatesDir });
}, 60_000);

afterAll(async () => {
  await prism?.stop();
  fs.rmSync(templatesDir, { recursive: true, force: true });
  fs.rmSync(path.dirname(usersFile), { recursive: true, force: true });
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> =>
  requestAs(prism, token, route, method, body);

const lab = (name: string): string =>
  [`name: ${name}`, 'version: "1.0.0"', 'inherits: amazon-linux', 'packages:', '  pip: [pysam]', ''].join('\n');

const saveIn = (token: string, project: string, yaml: string): Promise<Response> => as(token, '/templates', 'POST', { yaml, scope: { project } });

const names = async (token: string): Promise<string[]> => ((await (await as(token, '/templates')).json()) as TemplateSummary[]).map(t => t.name);

it("saves a member's template into her project's folder, listed for her with its project and not for bob", async () => {
  expect((await as(ALICE, '/projects', 'POST', { name: 'Genomics' })).status).toBe(201);
  const res = await saveIn(ALICE, 'genomics', lab('seq-lab'));
  expect(res.status).toBe(201);
  expect(await res.json()).toMatchObject({ name: 'seq-lab', version: '1.0.0', project: 'genomics' });
  expect(fs.readFileSync(path.join(templatesDir, 'projects', 'genomics', 'seq-lab-1.0.0.yaml'), 'utf8')).toBe(lab('seq-lab'));

  const listed = (await (await as(ALICE, '/templates')).json()) as TemplateSummary[];
  expect(listed.find(t => t.name === 'seq-lab')).toMatchObject({ project: 'genomics' });
  expect(listed.find(t => t.name === 'amazon-linux')).not.toHaveProperty('project');
  expect(await names(BOB)).not.toContain('seq-lab');
  expect(await names(BOB)).toContain('amazon-linux');
  expect((await as(BOB, '/templates/seq-lab')).status).toBe(404);
  expect((await as(BOB, '/templates/seq-lab/versions')).status).toBe(404);
});

it('refuses bob a launch of the project template as if it did not exist', async () => {
  const res = await as(BOB, '/instances', 'POST', { name: 'not-mine', template: 'seq-lab', arch: 'arm64' });
  expect(res.status).toBe(404);
  const problem = (await res.json()) as Problem;
  expect(problem.code).toBe('TEMPLATE_NOT_FOUND');
  expect(problem.hint).not.toContain('seq-lab');
});

it('refuses a save into a project bob is not in (404) and a name the library holds (409)', async () => {
  const stranger = await saveIn(BOB, 'genomics', lab('bob-lab'));
  expect(stranger.status).toBe(404);
  expect(await stranger.json()).toMatchObject({ code: 'PROJECT_NOT_FOUND', hint: expect.any(String) });

  const shadow = await saveIn(ALICE, 'genomics', lab('python-ml'));
  expect(shadow.status).toBe(409);
  expect(await shadow.json()).toMatchObject({ code: 'TEMPLATE_NAME_TAKEN', hint: expect.stringContaining('genomics-python-ml') });
});

it('shows a viewer the template but refuses his save with 403 and a hint', async () => {
  expect((await as(ALICE, '/projects/genomics/members/bob', 'PUT', { role: 'viewer' })).status).toBe(200);
  expect(await names(BOB)).toContain('seq-lab');
  const res = await saveIn(BOB, 'genomics', lab('viewer-lab'));
  expect(res.status).toBe(403);
  expect(await res.json()).toMatchObject({ code: 'FORBIDDEN', hint: 'Ask a project admin (alice) to make you a member.' });
  expect(fs.existsSync(path.join(templatesDir, 'projects', 'genomics', 'viewer-lab-1.0.0.yaml'))).toBe(false);
});

it('launches the project template for a member, in the project, to ready', async () => {
  const res = await as(ALICE, '/instances', 'POST', { name: 'seq-ws', template: 'seq-lab', arch: 'arm64', project: 'genomics' });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const deadline = Date.now() + 120_000;
  let state = { phase: '', template: '', project: '' };
  while (Date.now() < deadline) {
    state = (await (await as(ALICE, `/instances/${id}`)).json()) as typeof state;
    if (state.phase === 'ready' || state.phase === 'failed') break;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  expect(state).toMatchObject({ phase: 'ready', template: 'seq-lab', project: 'genomics' });
  await as(ALICE, `/instances/${id}`, 'DELETE');
}, 150_000);
