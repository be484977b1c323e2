/**
 * A project's idle rule end to end, as two people of a small team
 * (PRISM_USERS_FILE): alice, the project's admin, shortens it and turns it
 * off, by the API and by the real `prism` binary; bob, a member, reads it but
 * may not change it.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { ProjectIdle } from '../src/contract/projects';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';

const PRISM_BIN = path.resolve(__dirname, '..', 'bin', 'prism.js');
const ALICE = 'alice-token-for-prism-tests';
const BOB = 'bob-token-for-prism-tests';

let prism: TestPrism;

beforeAll(async () => {
  const usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile });
  await as(ALICE, '/projects', 'POST', { name: 'Genomics' });
  await as(ALICE, '/projects/genomics/members/bob', 'PUT', { role: 'member' });
}, 60_000);

afterAll(async () => {
  await prism?.stop();
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> =>
  requestAs(prism, token, route, method, body);

function prismCli(token: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [PRISM_BIN, ...args], { env: { ...process.env, PRISM_URL: prism.service.url, PRISM_TOKEN: token } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

it('has no override until an admin sets one', async () => {
  const res = await as(BOB, '/projects/genomics/idle');
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({ project: 'genomics', override: null, setBy: null, setAt: null });
});

it('lets the admin shorten the rule, and shows it to members', async () => {
  const set = await as(ALICE, '/projects/genomics/idle', 'PUT', { afterMinutes: 20, action: 'hibernate' });
  expect(set.status).toBe(200);
  expect(await set.json()).toMatchObject({ project: 'genomics', override: { afterMinutes: 20, action: 'hibernate' }, setBy: 'alice' });
  expect(await (await as(BOB, '/projects/genomics/idle')).json()).toMatchObject({ override: { afterMinutes: 20, action: 'hibernate' } });
});

it('refuses a member with 403 FORBIDDEN and a hint, a stranger with 404, and a bad rule with 400', async () => {
  const byBob = await as(BOB, '/projects/genomics/idle', 'PUT', { disabled: true });
  expect(byBob.status).toBe(403);
  expect(await byBob.json()).toMatchObject({ code: 'FORBIDDEN', hint: 'Ask a project admin (alice) to make you an admin.' });
  expect((await as(BOB, '/projects/nowhere/idle')).status).toBe(404);
  const bad = await as(ALICE, '/projects/genomics/idle', 'PUT', { afterMinutes: 0, action: 'sleep' });
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({ code: 'INVALID_REQUEST' });
});

it('prism projects idle shows, changes (keeping the rest) and turns off the rule', async () => {
  const shown = await prismCli(BOB, ['projects', 'idle', 'genomics']);
  expect(shown.code).toBe(0);
  expect(shown.stdout).toContain('genomics: after 20 min, hibernate; the rest from each template (set by alice');

  const changed = await prismCli(ALICE, ['projects', 'idle', 'genomics', '--after', '45', '--json']);
  expect(changed.code).toBe(0);
  expect((JSON.parse(changed.stdout) as ProjectIdle).override).toEqual({ afterMinutes: 45, action: 'hibernate' });

  const off = await prismCli(ALICE, ['projects', 'idle', 'genomics', '--off']);
  expect(off.stdout).toContain('genomics: idle stops are off for the project');
  expect(await (await as(BOB, '/projects/genomics/idle')).json()).toMatchObject({ override: { disabled: true } });

  const refused = await prismCli(BOB, ['projects', 'idle', 'genomics', '--after', '10', '--json']);
  expect(refused.code).toBe(1);
  expect(JSON.parse(refused.stdout)).toMatchObject({ error: { code: 'FORBIDDEN' } });
});
