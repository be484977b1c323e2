/**
 * The whole service on PostgreSQL (PRISM_DATABASE_URL), as its own process:
 * a launch killed with SIGKILL mid-bootstrap resumes in the next life from the
 * database alone (no SQLite file is ever made), and the watching client
 * replays exactly what it missed. Then two service processes on the one
 * database get launches into the same project at once, and the project's
 * allocation holds across them. The database's password is in no log line,
 * nor is a wrong one when the service cannot connect.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Workstation } from '../src/contract/api';
import { EventCursor, LAUNCH_PHASES, type WorkstationEvent } from '../src/contract/events';
import { emulatorEc2, startMoto, type Moto } from './support/moto';
import { createTestDatabase, type TestDatabase } from './support/postgres';
import { writeUsersFile } from './support/prism';
import { spawnPrism, type PrismProcess } from './support/prism-process';
import { connectSocket, instancesOfLaunch, isSettled, waitForWorkstation } from './support/workstations';

const ALICE = { user: 'alice', token: 'alice-postgres-token' };
const BOB = { user: 'bob', token: 'bob-postgres-token' };
const READY_TIMEOUT_MS = 180_000;

let moto: Moto;
let ec2: EC2Client;
let database: TestDatabase;
let usersFile: string;
let logFile: string;
const dataDirs: string[] = [];
const lives: PrismProcess[] = [];

function dataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-pg-service-'));
  dataDirs.push(dir);
  return dir;
}

async function life(dir: string): Promise<PrismProcess> {
  const started = await spawnPrism(moto.endpoint, dir, { PRISM_USERS_FILE: usersFile, PRISM_LOG_LEVEL: 'debug' }, { databaseUrl: database.url, logFile });
  lives.push(started);
  return started;
}

function as(life: PrismProcess, who: { token: string }, route: string, method = 'GET', body?: unknown): Promise<Response> {
  return fetch(`${life.url}api/v1${route}`, {
    method,
    headers: { Authorization: `Bearer ${who.token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) })
  });
}

const workstation = async (life: PrismProcess, who: { token: string }, id: string): Promise<Workstation> =>
  (await (await as(life, who, `/instances/${id}`)).json()) as Workstation;

beforeAll(async () => {
  // Its own role with a random password, which the logs must never show.
  database = createTestDatabase({ ownRole: true });
  moto = await startMoto();
  ec2 = emulatorEc2(moto.endpoint);
  usersFile = writeUsersFile([ALICE, BOB]);
  logFile = path.join(dataDir(), 'prism.log');
}, 60_000);

afterAll(async () => {
  await Promise.all(lives.map(l => l.kill()));
  ec2?.destroy();
  await moto?.stop();
  database?.drop();
  dataDirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true }));
  fs.rmSync(path.dirname(usersFile), { recursive: true, force: true });
});

it('resumes a launch killed mid-bootstrap from PostgreSQL alone, and the client replays exactly what it missed', async () => {
  const dir = dataDir();
  const first = await life(dir);
  const cursor = new EventCursor();
  const heard: WorkstationEvent[] = [];
  const listen = (name: string, payload: unknown): void => {
    cursor.hear(name, payload);
    if (name.startsWith('instance:')) heard.push(payload as WorkstationEvent);
  };
  const watching = await connectSocket(first.url, () => cursor.auth({ token: ALICE.token }), { listen });
  const bootstrapping = new Promise<void>(resolve =>
    watching.onAny((_name: string, payload: { kind?: string; phase?: string }) => {
      if (payload?.kind === 'progress' && payload.phase === 'bootstrap') resolve();
    })
  );
  const launched = await as(first, ALICE, '/instances', 'POST', { name: 'on-postgres', template: 'amazon-linux', arch: 'arm64' });
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as { id: string };
  await bootstrapping;
  await first.kill();
  watching.disconnect();

  const second = await life(dir);
  const rejoined = await connectSocket(second.url, () => cursor.auth({ token: ALICE.token }), { listen });
  const ready = await waitForWorkstation(() => workstation(second, ALICE, id), isSettled, READY_TIMEOUT_MS);
  rejoined.disconnect();

  expect(ready).toMatchObject({ phase: 'ready', state: 'running', error: null });
  expect(await instancesOfLaunch(ec2, id)).toHaveLength(1);
  // Nothing was kept beside the database: the data folder has no SQLite file.
  expect(fs.readdirSync(dir).filter(name => name.startsWith('prism.sqlite'))).toEqual([]);

  const kept = (await (await as(second, ALICE, `/instances/${id}/events`)).json()) as WorkstationEvent[];
  const phases = kept.flatMap(e => (e.kind === 'progress' ? [e.phase] : []));
  expect([...new Set(phases)]).toEqual(LAUNCH_PHASES);
  const seqs = kept.map(e => e.seq as number);
  expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  // Heard across both lives, the replay included: every kept event of the launch once, in order.
  const heardOfLaunch = heard.filter(e => e.id === id && e.seq !== undefined).map(e => e.seq);
  expect(heardOfLaunch).toEqual(seqs);
  // Terminating halts the emulated machine (its bootstrap, Jupyter and agent), which would outlive the test.
  expect((await as(second, ALICE, `/instances/${id}`, 'DELETE')).status).toBe(200);
});

it('holds a project’s allocation with two service processes on one database taking launches at once', async () => {
  const [a, b] = await Promise.all([life(dataDir()), life(dataDir())]);
  expect((await as(a, ALICE, '/projects', 'POST', { name: 'Genomics' })).status).toBe(201);
  expect((await as(b, ALICE, '/projects/genomics/members/bob', 'PUT', { role: 'member' })).status).toBe(200);
  expect((await as(a, ALICE, '/projects/genomics/policy', 'PUT', { maxWorkstations: 2 })).status).toBe(200);

  const launch = (replica: PrismProcess, n: number) =>
    as(replica, BOB, '/instances', 'POST', { name: `shared-${n}`, template: 'amazon-linux', arch: 'arm64', size: 'small', project: 'genomics' });
  const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(n => launch(n % 2 ? a : b, n)));
  expect(answers.map(r => r.status).sort()).toEqual([202, 202, 409, 409, 409, 409]);
  for (const refused of answers.filter(r => r.status === 409)) {
    expect(await refused.json()).toMatchObject({ code: 'ALLOCATION_EXCEEDED' });
  }
  // Either process sees the same two, through the shared database.
  const listed = async (replica: PrismProcess) =>
    ((await (await as(replica, BOB, '/instances?project=genomics')).json()) as Workstation[]).map(w => w.name).sort();
  expect(await listed(a)).toHaveLength(2);
  expect(await listed(b)).toEqual(await listed(a));
  const accepted = (await Promise.all(answers.filter(r => r.status === 202).map(r => r.json()))) as { id: string }[];
  await Promise.all(accepted.map(({ id }) => as(a, BOB, `/instances/${id}`, 'DELETE')));
});

it('stops at start with a hint when PostgreSQL refuses the password, and no log shows the password, right or wrong', async () => {
  const wrong = new URL(database.url);
  wrong.password = 'wrong-password-4c1d0e9a';
  await expect(spawnPrism(moto.endpoint, dataDir(), {}, { databaseUrl: wrong.toString(), logFile })).rejects.toThrow('exited at start');
  const log = fs.readFileSync(logFile, 'utf8');
  expect(log).toContain('Prism cannot connect to PostgreSQL');
  expect(log).toContain('Check PRISM_DATABASE_URL');
  expect(log).toContain('prism-server listening');
  const password = new URL(database.url).password;
  expect(password.length).toBeGreaterThanOrEqual(24);
  expect(log.includes(password)).toBe(false);
  expect(log.includes(wrong.password)).toBe(false);
});
