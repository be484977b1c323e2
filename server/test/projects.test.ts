/**
 * Projects and budgets end to end, as two people of a small team
 * (PRISM_USERS_FILE): alice makes a project and adds bob; bob's workstation
 * in it is tagged in moto and seen by alice; a tiny budget with a hard stop
 * notifies bob's real socket.io client and refuses his next launch.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { CostReport, Workstation } from '../src/contract/api';
import type { BudgetEvent, BudgetStatus } from '../src/contract/projects';
import { emulatorEc2 } from './support/moto';
import { requestAs, startPrism, writeUsersFile, type PrismClientSocket, type TestPrism } from './support/prism';

const PRISM_BIN = path.resolve(__dirname, '..', 'bin', 'prism.js');
const ALICE = 'alice-token-for-prism-tests';
const BOB = 'bob-token-for-prism-tests';
// The dearest type in the price table ($1.624/h), so the project spends its first cent in seconds.
const DEAR = { template: 'amazon-linux', arch: 'x86_64', instanceType: 'g5.4xlarge', project: 'genomics' };

let prism: TestPrism;
let ec2: EC2Client;
let bobSocket: PrismClientSocket;
const budgetEvents: BudgetEvent[] = [];

beforeAll(async () => {
  const usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile });
  ec2 = emulatorEc2(prism.moto.endpoint);
}, 60_000);

afterAll(async () => {
  ec2?.destroy();
  await prism?.stop();
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> =>
  requestAs(prism, token, route, method, body);

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

it('lets alice make a project and add bob, who then has it in GET /me, his open socket in its room', async () => {
  const created = await as(ALICE, '/projects', 'POST', { name: 'Genomics', description: 'Sequencing runs' });
  expect(created.status).toBe(201);
  expect(await created.json()).toMatchObject({ id: 'genomics', role: 'admin', members: [{ user: 'alice', role: 'admin' }] });

  const byBob = await as(BOB, '/projects/genomics/members/bob', 'PUT', { role: 'admin' });
  expect(byBob.status).toBe(404);
  expect(await byBob.json()).toMatchObject({ code: 'PROJECT_NOT_FOUND', hint: expect.any(String) });

  // Connected before he is added: the open connection joins the project's room when he is.
  bobSocket = prism.socket({ token: BOB });
  bobSocket.on('project:budget', event => budgetEvents.push(event));
  await new Promise<void>((resolve, reject) => {
    bobSocket.on('connect', resolve);
    bobSocket.on('connect_error', reject);
  });
  expect((await as(ALICE, '/projects/genomics/members/bob', 'PUT', { role: 'member' })).status).toBe(200);
  expect(await (await as(BOB, '/me')).json()).toMatchObject({ user: 'bob', projects: ['genomics'] });
  expect(await (await as(BOB, '/projects')).json()).toEqual([expect.objectContaining({ id: 'genomics', role: 'member' })]);

  const forbidden = await as(BOB, '/projects/genomics/budget', 'PUT', { monthlyUsd: 100, hardStop: false });
  expect(forbidden.status).toBe(403);
  expect(await forbidden.json()).toMatchObject({ code: 'FORBIDDEN', hint: 'Ask a project admin (alice) to make you an admin.' });

});

it('refuses bob’s launch with BUDGET_EXCEEDED once a hard-stop budget is spent, after telling his socket', async () => {
  const launched = await as(BOB, '/instances', 'POST', { ...DEAR, name: 'first-run' });
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as { id: string };
  const tags = async (): Promise<Record<string, string>> => {
    const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:prism:launch', Values: [id] }] }));
    return Object.fromEntries((out.Reservations?.[0]?.Instances?.[0]?.Tags ?? []).map(t => [t.Key, t.Value]));
  };
  await until(async () => (await tags())['prism:project'] !== undefined, 60_000, 'the instance in moto');
  expect(await tags()).toMatchObject({ 'prism:project': 'genomics', 'prism:owner': 'bob' });

  // alice sees bob's workstation through the project, not in her own list.
  expect(((await (await as(ALICE, '/instances?project=genomics')).json()) as Workstation[]).map(w => w.id)).toEqual([id]);
  expect(await (await as(ALICE, '/instances')).json()).toEqual([]);

  await until(
    async () => ((await (await as(BOB, '/costs')).json()) as CostReport).byProject.genomics?.spend >= 0.01,
    60_000,
    'the project’s first cent'
  );
  const set = await as(ALICE, '/projects/genomics/budget', 'PUT', { monthlyUsd: 0.01, hardStop: true });
  expect(set.status).toBe(200);
  const status = (await set.json()) as BudgetStatus;
  expect(status).toMatchObject({ monthlyUsd: 0.01, hardStop: true, graceMinutes: 15, thresholdsReached: [50, 80, 100], exceeded: true });
  expect(status.spend).toBeGreaterThanOrEqual(0.01);

  await until(() => budgetEvents.length === 3, 10_000, 'three budget events on bob’s socket');
  expect(budgetEvents.map(e => [e.project, e.status, e.threshold, e.monthlyUsd])).toEqual([
    ['genomics', 'reached', 50, 0.01],
    ['genomics', 'reached', 80, 0.01],
    ['genomics', 'reached', 100, 0.01]
  ]);
  expect(budgetEvents[2]).toMatchObject({ action: 'hibernate', actAt: status.hibernateAt });
  expect(Date.parse(budgetEvents[2].actAt as string) - Date.parse(budgetEvents[2].at)).toBe(15 * 60_000);
  expect(await (await as(BOB, '/projects/genomics/events')).json()).toEqual(budgetEvents);

  const refused = await as(BOB, '/instances', 'POST', { ...DEAR, name: 'second-run' });
  expect(refused.status).toBe(402);
  expect(await refused.json()).toMatchObject({
    code: 'BUDGET_EXCEEDED',
    detail: expect.stringMatching(/^Project 'genomics' has spent \$\d+\.\d\d of its \$0\.01 monthly budget/),
    hint: 'Ask a project admin (alice) to raise the budget (prism budget genomics --set USD) or turn off the hard stop (--no-hard-stop).'
  });
  // Nothing was recorded or launched for the refused request.
  expect(((await (await as(BOB, '/instances')).json()) as Workstation[]).map(w => w.name)).toEqual(['first-run']);

  expect((await as(BOB, `/instances/${id}`, 'DELETE')).status).toBe(200);
}, 180_000);

it('hides the project from someone not in it', async () => {
  const res = await prism.api('/projects/genomics');
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
});

/** The real `prism` binary, as `token`'s user. */
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

it('prism projects and prism budget: create, add a member, set a budget and turn its hard stop off; a viewer cannot launch in it', async () => {
  expect((await prismCli(ALICE, ['projects', 'create', 'Field trials'])).stdout).toMatch(/^Project field-trials created; you are its admin/);
  expect((await prismCli(ALICE, ['projects', 'add-member', 'field-trials', 'bob', '--role', 'viewer'])).stdout).toMatch(/bob +viewer/);
  expect((await prismCli(BOB, ['projects', 'list'])).stdout).toMatch(/field-trials +Field trials +viewer/);

  const none = await prismCli(BOB, ['budget', 'field-trials']);
  expect(none.code).toBe(1);
  expect(none.stderr).toContain('hint: Project \'field-trials\' has no budget; a project admin sets one');

  const set = await prismCli(ALICE, ['budget', 'field-trials', '--set', '250', '--hard-stop']);
  expect(set.code).toBe(0);
  expect(set.stdout).toMatch(/^field-trials: \$0\.00 of \$250\.00 this month \(0 %\), projected \$0\.00 by \d{4}-\d\d-01\n/);
  expect(set.stdout).toContain('hard stop: on — at 100 % new launches are refused and running workstations hibernate 15 min after the warning');

  const off = await prismCli(ALICE, ['budget', 'field-trials', '--no-hard-stop', '--json']);
  expect(JSON.parse(off.stdout)).toMatchObject({ monthlyUsd: 250, hardStop: false, setBy: 'alice' });

  const viewerLaunch = await prismCli(BOB, ['launch', 'amazon-linux', '--arch', 'arm64', '--name', 'not-mine', '--project', 'field-trials', '--no-wait']);
  expect(viewerLaunch.code).toBe(1);
  expect(viewerLaunch.stderr).toContain("You are a viewer of project 'field-trials'; this needs member.");

  const refused = await prismCli(BOB, ['budget', 'field-trials', '--set', '1']);
  expect(refused.code).toBe(1);
  expect(refused.stderr).toContain('hint: Ask a project admin (alice) to make you an admin.');
});
