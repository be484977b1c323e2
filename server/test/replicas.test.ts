/**
 * Two replicas behind one port serve one user (docs/replicas.md): two real
 * prism-server processes on one database and one Redis, behind a round-robin
 * TCP balancer, the workstations phoning home through the balancer too. Alice
 * launches a project workstation on replica A; her socket and her teammate
 * Bob's are connected to replica B and hear A's events through Redis; Bob is
 * removed from the project through A and his socket on B stops hearing it.
 * Replica A is then killed mid-bootstrap: B claims the launch once A's lease
 * expired and finishes it, with one instance made, every phase in order and no
 * event missed on Alice's socket, and REST through the one port answering
 * throughout; B then runs the scheduled jobs. Before that, a launch driven
 * by A and terminated through B stops on A rather than waiting for a machine
 * that will not report again.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Workstation } from '../src/contract/api';
import { LAUNCH_PHASES, type WorkstationEvent } from '../src/contract/events';
import { emulatorEc2, startMoto, type Moto } from './support/moto';
import { writeUsersFile, type PrismClientSocket } from './support/prism';
import { spawnPrism, type PrismProcess } from './support/prism-process';
import { startRedis, type TestRedis } from './support/redis';
import { startRoundRobinProxy, type RoundRobinProxy } from './support/round-robin-proxy';
import { connectSocket, instancesOfLaunch } from './support/workstations';
import { createTestDatabase, type TestDatabase } from './support/postgres';

/** pg-native's synchronous client, as support/postgres.ts uses it (it ships no types). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PgClient = require('pg-native') as new () => { connectSync(url: string): void; querySync(sql: string, values: unknown[]): unknown[]; end(): void };

const ALICE = { user: 'alice', token: 'alice-replicas-token' };
const BOB = { user: 'bob', token: 'bob-replicas-token' };
/** Short, so the survivor takes over in seconds; renewed every third of it. */
const LEASE_SECONDS = 4;
const READY_TIMEOUT_MS = 120_000;
const ALL_STATES = ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'];

let moto: Moto;
let redis: TestRedis;
let database: TestDatabase;
let balancer: RoundRobinProxy;
let ec2: EC2Client;
let dataDir: string;
let replicaA: PrismProcess;
let replicaB: PrismProcess;
const sockets: PrismClientSocket[] = [];

beforeAll(async () => {
  moto = await startMoto();
  redis = await startRedis();
  ec2 = emulatorEc2(moto.endpoint);
  // One data folder: the emulated machines' sandboxes live there, as real machines live in one cloud.
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-replicas-'));
  database = createTestDatabase();
  balancer = await startRoundRobinProxy();
  const usersFile = writeUsersFile([ALICE, BOB]);
  const replica = (id: string): Promise<PrismProcess> =>
    spawnPrism(moto.endpoint, dataDir, {
      PRISM_REDIS_URL: redis.url,
      PRISM_REPLICA_ID: id,
      PRISM_LEASE_SECONDS: String(LEASE_SECONDS),
      PRISM_USERS_FILE: usersFile,
      // Workstations reach the service where users do: through the balancer, to either replica
      // (without the trailing slash: the emulator hands it to the bootstrap as it is).
      PRISM_REPORT_URL: balancer.url.replace(/\/$/, ''),
      PRISM_LOG_LEVEL: 'info'
    }, { logFile: path.join(dataDir, `${id}.log`), databaseUrl: database.url });
  // One after the other: the first one makes the schema.
  replicaA = await replica('replica-a');
  replicaB = await replica('replica-b');
  balancer.use([replicaA, replicaB].map(r => ({ host: '127.0.0.1', port: Number(new URL(r.url).port) })));
}, 120_000);

afterAll(async () => {
  sockets.forEach(socket => socket.close());
  await replicaB?.api(`/instances`).catch(() => undefined);
  for (const r of [replicaA, replicaB]) await r?.kill().catch(() => undefined);
  await balancer?.close();
  await stopEmulatedMachines();
  await redis?.stop();
  await moto?.stop();
  ec2?.destroy();
  database?.drop();
});

/** The emulated machines outlive the killed services (a machine outlives its spawner): halt them as the emulator does. */
async function stopEmulatedMachines(): Promise<void> {
  const sandboxes = path.join(dataDir ?? '', 'emulated-workstations');
  if (!dataDir || !fs.existsSync(sandboxes)) return;
  for (const launch of fs.readdirSync(sandboxes)) {
    for (const pidFile of ['bootstrap.pid', 'root/run/jupyter.pid', 'root/run/agent.pid']) {
      const file = path.join(sandboxes, launch, pidFile);
      if (!fs.existsSync(file)) continue;
      const pid = Number(fs.readFileSync(file, 'utf8').trim());
      for (const target of pidFile === 'bootstrap.pid' ? [-pid, pid] : [pid]) {
        try {
          process.kill(target, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    }
  }
}

/** Who holds lease `name` now, read from the database the replicas share. */
function leaseHolder(name: string): string | null {
  const client = new PgClient();
  client.connectSync(database.url);
  try {
    const rows = client.querySync('SELECT holder FROM leases WHERE name = $1 AND expires_at > $2', [name, Date.now()]) as { holder: string }[];
    return rows[0]?.holder ?? null;
  } finally {
    client.end();
  }
}

/** One request on a connection of its own through the balancer, as a browser's next request may be. */
function throughBalancer(route: string, token: string, method = 'GET', body?: unknown): Promise<{ status: number; json: unknown }> {
  const url = new URL(`api/v1${route}`, balancer.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent: false, headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Connection: 'close' } },
      res => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', chunk => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null }));
      }
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A socket on one replica itself, hearing every workstation event. */
async function watchOn(replica: PrismProcess, token: string, heard: WorkstationEvent[]): Promise<PrismClientSocket> {
  const socket = await connectSocket(replica.url, () => ({ token }), {
    listen: (name, payload) => {
      if (name.startsWith('instance:')) heard.push(payload as WorkstationEvent);
    }
  });
  sockets.push(socket);
  return socket;
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs = READY_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

it('stops driving a launch on one replica when it is terminated through the other', async () => {
  const launched = await replicaA.api('/instances', {
    method: 'POST',
    headers: { Authorization: `Bearer ${ALICE.token}` },
    body: JSON.stringify({ name: 'terminated-elsewhere', template: 'amazon-linux', arch: 'arm64' })
  });
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as Workstation;
  expect(leaseHolder(`launch:${id}`)).toBe('replica-a');
  await until('the launch to wait for its bootstrap', async () => {
    const w = (await throughBalancer(`/instances/${id}`, ALICE.token)).json as Workstation;
    return w.phase === 'bootstrap' ? true : undefined;
  });

  const terminated = await replicaB.api(`/instances/${id}`, { method: 'DELETE', headers: { Authorization: `Bearer ${ALICE.token}` } });
  expect(terminated.status).toBe(200);
  // A hears of it through the database, stops waiting for the machine's reports and lets the launch go.
  await until('replica A to let the launch go', () => (leaseHolder(`launch:${id}`) === null ? true : undefined), 30_000);
  expect((await throughBalancer(`/instances/${id}`, ALICE.token)).json).toMatchObject({ state: 'terminated' });
  expect(await instancesOfLaunch(ec2, id)).toEqual([]);
});

it('finishes a launch on the surviving replica after the one driving it is killed, and shares events and rooms between them', async () => {
  const project = await throughBalancer('/projects', ALICE.token, 'POST', { name: 'Replicas', description: 'two services, one port' });
  expect(project.status).toBe(201);
  const projectId = (project.json as { id: string }).id;
  expect((await throughBalancer(`/projects/${projectId}/members/bob`, ALICE.token, 'PUT', { role: 'member' })).status).toBe(200);

  const aliceHeard: WorkstationEvent[] = [];
  const bobHeard: WorkstationEvent[] = [];
  await watchOn(replicaB, ALICE.token, aliceHeard);
  await watchOn(replicaB, BOB.token, bobHeard);

  // REST through the one port, on a fresh connection each time, all along; the kill waits for the request in flight.
  const answers: number[] = [];
  let polling = true;
  let paused = false;
  let inFlight: Promise<unknown> = Promise.resolve();
  let id = '';
  const poller = (async () => {
    while (polling) {
      if (id && !paused) {
        inFlight = throughBalancer(`/instances/${id}`, ALICE.token).then(
          r => answers.push(r.status),
          () => answers.push(0)
        );
        await inFlight;
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  })();

  // Asked of replica A itself, so that A drives it.
  const launched = await replicaA.api('/instances', {
    method: 'POST',
    headers: { Authorization: `Bearer ${ALICE.token}` },
    body: JSON.stringify({ name: 'survives-a-replica', template: 'amazon-linux', arch: 'arm64', project: projectId })
  });
  expect(launched.status).toBe(202);
  id = ((await launched.json()) as Workstation).id;
  expect(leaseHolder(`launch:${id}`)).toBe('replica-a');

  // A's events reach both sockets on B through Redis: Alice's own room and the project's room Bob is in.
  await until('the bootstrap phase heard on replica B', () => (aliceHeard.some(e => e.id === id && e.kind === 'progress' && e.phase === 'bootstrap') ? true : undefined));
  await until('Bob hearing the project workstation on replica B', () => (bobHeard.some(e => e.id === id) ? true : undefined));

  // Removed through A: his socket on B leaves the project's room, so what A publishes next no longer reaches him.
  const removal = await replicaA.api(`/projects/${projectId}/members/bob`, { method: 'DELETE', headers: { Authorization: `Bearer ${ALICE.token}` } });
  expect(removal.status).toBeLessThan(300);
  const history = async (): Promise<WorkstationEvent[]> => (await throughBalancer(`/instances/${id}/events`, ALICE.token)).json as WorkstationEvent[];
  const seqAtRemoval = Math.max(...(await history()).map(e => e.seq ?? 0));

  // A dies between two of the poller's requests, in the middle of the bootstrap.
  // The scheduled jobs run on one replica: the first to start.
  expect(leaseHolder('scheduled-jobs')).toBe('replica-a');
  paused = true;
  await inFlight;
  await replicaA.kill();
  const servedBeforeKill = balancer.served();
  expect(((await throughBalancer(`/instances/${id}`, ALICE.token)).json as Workstation).phase).not.toBe('ready');
  paused = false;

  const ready = await until('the launch to be ready on the survivor', async () => {
    const { json } = await throughBalancer(`/instances/${id}`, ALICE.token);
    const w = json as Workstation;
    if (w.phase === 'failed') throw new Error(`the launch failed: ${JSON.stringify(w.error)}`);
    return w.phase === 'ready' ? w : undefined;
  });
  polling = false;
  await poller;

  expect(ready).toMatchObject({ state: 'running', phase: 'ready' });
  expect(leaseHolder(`launch:${id}`)).toBeNull();
  await until('replica B to run the scheduled jobs', () => (leaseHolder('scheduled-jobs') === 'replica-b' ? true : undefined), 10_000);
  // One instance, ever, for the launch: the survivor resumed A's instead of making its own.
  expect((await instancesOfLaunch(ec2, id, ALL_STATES)).map(i => i.State?.Name)).toEqual(['running']);

  // Alice's socket on B heard the whole launch: every kept event once, in order, and the phases in order.
  const kept = (await history()).filter(e => e.kind !== 'idle');
  await until('the last events to reach the socket', () => (aliceHeard.filter(e => e.id === id).length >= kept.length ? true : undefined), 10_000);
  const heardSeqs = aliceHeard.filter(e => e.id === id).map(e => e.seq);
  expect(heardSeqs).toEqual(kept.map(e => e.seq));
  const phases = aliceHeard.flatMap(e => (e.id === id && e.kind === 'progress' ? [e.phase] : []));
  expect([...new Set(phases)]).toEqual([...LAUNCH_PHASES]);
  expect(phases[phases.length - 1]).toBe('ready');
  // B resumed it once, from its record: the instance was there, so it went on from waiting for it to run.
  expect(phases.filter(phase => phase === 'wait-running')).toHaveLength(2);
  expect(phases.filter(phase => phase === 'run-instance')).toHaveLength(1);

  // Bob heard the launch while he was a member and nothing published after his removal.
  expect(bobHeard.some(e => e.id === id && (e.seq ?? 0) <= seqAtRemoval)).toBe(true);
  expect(bobHeard.filter(e => (e.seq ?? 0) > seqAtRemoval)).toEqual([]);
  expect(aliceHeard.some(e => e.id === id && (e.seq ?? 0) > seqAtRemoval)).toBe(true);

  // Both replicas served the one port before A died, and every request through it was answered.
  expect(servedBeforeKill.every(n => n > 0)).toBe(true);
  expect(answers.length).toBeGreaterThan(0);
  expect(answers.filter(status => status !== 200)).toEqual([]);
});
