/**
 * A crash loses no launch and makes no duplicate instance, whatever phase it
 * was in: prism-server (its own process) is killed with SIGKILL the moment a
 * real socket.io client sees a launch enter each phase, and started again on
 * the same data. One launch per phase, each begun in the next service life,
 * so nine kills cost nine short lives. Every launch then ends ready with
 * exactly one instance ever made for it and a Jupyter that answers. A tenth
 * launch fails and is killed while cleaning up after itself: it ends failed
 * with its own reason, nothing running and no role left. The watching client
 * reconnects to each new life with the last event it saw and ends with every
 * launch's history exactly: nothing missed, nothing twice.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import type { Connection, Workstation } from '../src/contract/api';
import { EventCursor, LAUNCH_PHASES, type LaunchPhase, type WorkstationEvent } from '../src/contract/events';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { emulatorEc2, startMoto, type Moto } from './support/moto';
import { spawnPrism, type PrismProcess } from './support/prism-process';
import { connectSocket, instancesOfLaunch, isSettled, waitForWorkstation } from './support/workstations';

/** Launches resumed by the last life must settle within this (they overlap, on a loaded machine). */
const SETTLE_TIMEOUT_MS = 240_000;
const PHASE_TIMEOUT_MS = 90_000;
const JUPYTER_TIMEOUT_MS = 60_000;
const ALL_STATES = ['pending', 'running', 'shutting-down', 'terminated', 'stopping', 'stopped'];

let moto: Moto;
/** Every life talks to moto through the fault proxy, so one can be given a slow IAM. */
let proxy: FaultProxy;
let endpoint: string;
let ec2: EC2Client;
let iam: IAMClient;
let dataDir: string;
let last: PrismProcess | undefined;
const launches: { killedAt: LaunchPhase; id: string }[] = [];
/** The one client watching across every life, as the extension would. */
const cursor = new EventCursor();
const heard: WorkstationEvent[] = [];

function watch(life: PrismProcess) {
  return connectSocket(life.url, () => cursor.auth({ token: life.token }), {
    listen: (name, payload) => {
      cursor.hear(name, payload);
      if (name.startsWith('instance:')) heard.push(payload as WorkstationEvent);
    }
  });
}

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy({ upstream: moto.endpoint });
  endpoint = proxy.url;
  ec2 = emulatorEc2(moto.endpoint);
  iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-crash-'));
}, 60_000);

afterAll(async () => {
  // Terminating halts each emulated machine (its bootstrap, Jupyter and agent).
  await Promise.all(launches.map(({ id }) => last?.api(`/instances/${id}`, { method: 'DELETE' })));
  await last?.kill();
  ec2?.destroy();
  iam?.destroy();
  await proxy?.close();
  await moto?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** The moment to kill: an event of the launch on the socket, or a call of the service reaching the proxy. */
type KillWhen = { event: (event: WorkstationEvent) => boolean } | { call: string };

/**
 * Starts a service life, launches one workstation in it and kills the service
 * at the moment `when` picks.
 */
async function launchAndKill(name: string, body: object, when: KillWhen, what: string): Promise<string> {
  const life = await spawnPrism(endpoint, dataDir);
  const socket = await watch(life);
  try {
    let id: string | undefined;
    const early: WorkstationEvent[] = [];
    const killed = new Promise<void>((resolve, reject) => {
      const kill = (): void => {
        clearTimeout(timer);
        clearInterval(calls);
        void life.kill().then(resolve);
      };
      const timer = setTimeout(() => reject(new Error(`no ${what} in ${PHASE_TIMEOUT_MS} ms`)), PHASE_TIMEOUT_MS);
      const calls = setInterval(() => {
        if ('call' in when && proxy.calls().some(c => c.action === when.call)) kill();
      }, 20);
      const hear = (event: WorkstationEvent): void => {
        if (id === undefined) {
          // 'validate' is sent before the POST answers with the id.
          early.push(event);
          return;
        }
        if (event.id !== id) return;
        if ('event' in when && when.event(event)) {
          kill();
        } else if (event.kind === 'progress' && event.phase === 'failed') {
          clearTimeout(timer);
          clearInterval(calls);
          reject(new Error(`the launch failed before ${what}: ${event.message}`));
        }
      };
      socket.onAny((eventName: string, payload: unknown) => {
        if (eventName.startsWith('instance:')) hear(payload as WorkstationEvent);
      });
      void life
        .api('/instances', { method: 'POST', body: JSON.stringify({ name, template: 'amazon-linux', arch: 'arm64', ...body }) })
        .then(async res => {
          if (res.status !== 202) throw new Error(`POST /instances answered ${res.status}: ${await res.text()}`);
          id = ((await res.json()) as { id: string }).id;
          early.splice(0).forEach(hear);
        })
        .catch(reject);
    });
    await killed;
    return id as string;
  } finally {
    socket.disconnect();
  }
}

const entering = (phase: LaunchPhase): KillWhen => ({ event: event => event.kind === 'progress' && event.phase === phase });

it('resumes every launch, or finishes failing it, exactly once, whatever phase the service was killed in', async () => {
  for (const phase of LAUNCH_PHASES) {
    launches.push({ killedAt: phase, id: await launchAndKill(`crash-at-${phase}`, {}, entering(phase), `'${phase}' event`) });
  }
  // A launch that fails (its dataset's bucket does not exist), killed while cleaning up after
  // itself: its TerminateInstances is on the way (slowed down, so the kill lands there).
  proxy.resetCalls();
  proxy.addRule({ service: 'ec2', action: 'TerminateInstances', count: 1, fault: { kind: 'delay', ms: 3_000 } });
  const failing = await launchAndKill(
    'crash-while-failing',
    { datasets: [{ s3: { bucket: 'no-such-bucket', readOnly: true } }] },
    { call: 'TerminateInstances' },
    'clean-up after the failure'
  );
  expect(heard.filter(e => e.id === failing && (e.kind === 'log' ? e.line.includes('costs nothing') : e.kind === 'progress' && e.phase === 'failed'))).toEqual([]);
  launches.push({ killedAt: 'failed', id: failing });

  last = await spawnPrism(endpoint, dataDir);
  const service = last;
  const socket = await watch(service);
  const outcomes = await Promise.all(
    launches.map(async ({ killedAt, id }) => {
      const get = async (): Promise<Workstation> => (await (await service.api(`/instances/${id}`)).json()) as Workstation;
      const workstation = await waitForWorkstation(get, isSettled, SETTLE_TIMEOUT_MS);
      return {
        killedAt,
        phase: workstation.phase,
        error: workstation.error?.code ?? null,
        everMade: (await instancesOfLaunch(ec2, id, ALL_STATES)).length,
        live: (await instancesOfLaunch(ec2, id)).length,
        jupyter: workstation.phase === 'ready' ? await jupyterAnswers(service, id) : false,
        role: await roleExists(id)
      };
    })
  );
  expect(outcomes).toEqual([
    // Every launch resumed to ready: one instance ever made for it, its Jupyter answering.
    ...LAUNCH_PHASES.map(killedAt => ({ killedAt, phase: 'ready', error: null, everMade: 1, live: 1, jupyter: true, role: false })),
    // The failing one finished failing with its own reason, and left nothing running nor its role.
    { killedAt: 'failed', phase: 'failed', error: 'BOOTSTRAP_FAILED', everMade: 1, live: 0, jupyter: false, role: false }
  ]);

  // Each launch's events as the client heard them, across ten crashes, are its kept history.
  const settledHeard = (id: string): boolean =>
    heard.some(e => e.id === id && e.kind === 'progress' && (e.phase === 'ready' || e.phase === 'failed'));
  const deadline = Date.now() + 10_000;
  while (!launches.every(({ id }) => settledHeard(id)) && Date.now() < deadline) await new Promise(r => setTimeout(r, 100));
  socket.disconnect();
  const upTo = Math.max(...heard.map(e => e.seq as number));
  for (const { id } of launches) {
    const kept = ((await (await service.api(`/instances/${id}/events`)).json()) as WorkstationEvent[]).filter(e => (e.seq as number) <= upTo);
    expect(heard.filter(e => e.id === id)).toEqual(kept);
    expect(settledHeard(id)).toBe(true);
  }
}, 600_000);

async function roleExists(id: string): Promise<boolean> {
  try {
    await iam.send(new GetRoleCommand({ RoleName: `prism-ws-${id}` }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException') return false;
    throw error;
  }
}

/**
 * The workstation's Jupyter answers through its connection. An emulated
 * machine is powered on again by the restarted service (its bootstrap re-runs),
 * so a workstation that was ready before the crash may take a moment.
 */
async function jupyterAnswers(service: PrismProcess, id: string): Promise<boolean> {
  const deadline = Date.now() + JUPYTER_TIMEOUT_MS;
  for (;;) {
    const connection = (await (await service.api(`/instances/${id}/connection`)).json()) as Connection;
    if (connection.jupyterUrl) {
      const lab = new URL(connection.jupyterUrl);
      const status = await fetch(`${lab.origin}/api/status?token=${lab.searchParams.get('token')}`).then(
        res => res.status,
        () => null
      );
      if (status === 200) return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}
