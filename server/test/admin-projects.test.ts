/**
 * GET /admin/projects against the real service (moto behind it): root, a
 * Prism admin in no project, sees every project's counts, whom to ask and the
 * budget's figures; nothing names bob's workstation, its owner or its token,
 * and the overview opens nothing inside a project. Anyone else is refused.
 */
import type { Connection, Workstation } from '../src/contract/api';
import type { BudgetStatus, ProjectOverview } from '../src/contract/projects';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';
import { isSettled, waitForWorkstation } from './support/workstations';

const ROOT = 'root-token-for-overview-tests';
const ALICE = 'alice-token-for-overview-tests';
const BOB = 'bob-token-for-overview-tests';
const CAROL = 'carol-token-for-overview-tests';
const DAVE = 'dave-token-for-overview-tests';

let prism: TestPrism;

beforeAll(async () => {
  const usersFile = writeUsersFile([
    { user: 'root', token: ROOT, roles: ['admin', 'user'] },
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB },
    { user: 'carol', token: CAROL },
    { user: 'dave', token: DAVE }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile });
}, 60_000);

afterAll(async () => {
  await prism?.stop();
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> =>
  requestAs(prism, token, route, method, body);

async function ok(response: Promise<Response>, status = 200): Promise<unknown> {
  const res = await response;
  const body = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${body}`);
  return body ? JSON.parse(body) : null;
}

it('shows root every project with its roles counted, its admins, its budget and its workstations by state, and nothing inside', async () => {
  await ok(as(ALICE, '/projects', 'POST', { name: 'Genomics' }), 201);
  await ok(as(ALICE, '/projects/genomics/members/bob', 'PUT', { role: 'member' }));
  await ok(as(ALICE, '/projects/genomics/members/carol', 'PUT', { role: 'viewer' }));
  await ok(as(ALICE, '/projects/genomics/members/dave', 'PUT', { role: 'admin' }));
  await ok(as(BOB, '/projects', 'POST', { name: 'Imaging' }), 201);
  await ok(as(BOB, '/projects/imaging/members/carol', 'PUT', { role: 'member' }));
  await ok(as(ALICE, '/projects/genomics/budget', 'PUT', { monthlyUsd: 250, hardStop: false }));

  const launched = (await ok(as(BOB, '/instances', 'POST', { name: 'bobs-secret-run', template: 'amazon-linux', arch: 'x86_64', project: 'genomics' }), 202)) as Workstation;
  const workstation = await waitForWorkstation(async () => (await ok(as(BOB, `/instances/${launched.id}`))) as Workstation, isSettled, 90_000);
  expect(workstation).toMatchObject({ phase: 'ready', state: 'running' });
  const connection = (await ok(as(BOB, `/instances/${launched.id}/connection`))) as Connection;
  const jupyterToken = new URL(connection.jupyterUrl as string).searchParams.get('token');
  expect(jupyterToken).toBeTruthy();

  const res = await as(ROOT, '/admin/projects');
  expect(res.status).toBe(200);
  const text = await res.text();
  const overview = JSON.parse(text) as ProjectOverview[];
  const budget = (await ok(as(ALICE, '/projects/genomics/budget'))) as BudgetStatus;

  expect(overview).toEqual([
    {
      id: 'genomics',
      name: 'Genomics',
      createdBy: 'alice',
      createdAt: expect.any(String),
      members: { viewers: 1, members: 1, admins: 2 },
      admins: ['alice', 'dave'],
      budget: { monthlyUsd: 250, spend: expect.any(Number), percent: expect.any(Number), hardStop: false, status: 'ok' },
      workstations: { pending: 0, running: 1, stopping: 0, stopped: 0, hibernated: 0, failed: 0, total: 1 }
    },
    {
      id: 'imaging',
      name: 'Imaging',
      createdBy: 'bob',
      createdAt: expect.any(String),
      members: { viewers: 0, members: 1, admins: 1 },
      admins: ['bob'],
      budget: null,
      workstations: { pending: 0, running: 0, stopping: 0, stopped: 0, hibernated: 0, failed: 0, total: 0 }
    }
  ]);
  // Spend only grows: what root saw is at most what alice reads a moment later.
  expect(overview[0].budget?.spend).toBeLessThanOrEqual(budget.spend);

  // Nothing that names or opens bob's workstation (bob is named only as imaging's admin).
  for (const secret of [launched.id, workstation.instanceId as string, 'bobs-secret-run', jupyterToken as string, new URL(connection.jupyterUrl as string).hostname]) {
    expect(text).not.toContain(secret);
  }
  expect(JSON.stringify(overview[0])).not.toContain('bob');

  // The overview grants nothing inside: root is still a stranger to both projects and the workstation.
  expect((await as(ROOT, '/projects/genomics')).status).toBe(404);
  expect((await as(ROOT, '/instances?project=genomics')).status).toBe(404);
  expect((await as(ROOT, `/instances/${launched.id}`)).status).toBe(404);
  expect((await as(ROOT, '/projects/genomics/budget')).status).toBe(404);

  expect((await as(BOB, `/instances/${launched.id}`, 'DELETE')).status).toBe(200);
}, 150_000);

it('refuses everyone but a Prism admin, project admins included', async () => {
  for (const token of [ALICE, BOB, CAROL]) {
    const res = await as(token, '/admin/projects');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'FORBIDDEN', hint: expect.stringContaining('GET /projects') });
  }
  expect((await prism.api('/admin/projects', { token: 'not-a-token' })).status).toBe(401);
});
