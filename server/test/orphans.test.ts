/**
 * The service and the cloud drifting apart, with the real prism-server
 * process: instances stopped and terminated in the emulator while the
 * service is down show so after its restart (records and event history);
 * when its database is lost, its instances become orphans an admin adopts
 * back into their owner's list or terminates.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeInstancesCommand, EC2Client, StopInstancesCommand, TerminateInstancesCommand, type Instance } from '@aws-sdk/client-ec2';
import type { Orphan, Workstation } from '../src/contract/api';
import type { WorkstationEvent } from '../src/contract/events';
import { emulatorEc2, startMoto, type Moto } from './support/moto';
import { spawnPrism, type PrismProcess } from './support/prism-process';

let moto: Moto;
let ec2: EC2Client;
let prism: PrismProcess | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-orphans-'));
const ids: Record<'stopped' | 'terminated' | 'running', string> = { stopped: '', terminated: '', running: '' };

beforeAll(async () => {
  moto = await startMoto();
  ec2 = emulatorEc2(moto.endpoint);
}, 60_000);

afterAll(async () => {
  for (const id of Object.values(ids)) {
    if (id) await prism?.api(`/instances/${id}`, { method: 'DELETE' }).catch(() => undefined);
  }
  await prism?.kill();
  ec2?.destroy();
  await moto?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function instanceOf(launchId: string): Promise<Instance> {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:prism:launch', Values: [launchId] }] }));
  return (out.Reservations ?? []).flatMap(r => r.Instances ?? [])[0];
}

async function json<T>(route: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await (prism as PrismProcess).api(route, init);
  return { status: res.status, body: (await res.json()) as T };
}

async function untilSettled(id: string): Promise<Workstation> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { body } = await json<Workstation>(`/instances/${id}`);
    if (body.phase === 'ready' || body.phase === 'failed' || Date.now() > deadline) return body;
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** The service reconciles in the background once it answers (after halting emulated machines found off). */
async function untilState(id: string, state: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await json<Workstation>(`/instances/${id}`);
    if (body.state === state || Date.now() > deadline) return body.state;
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

it('shows instances stopped and terminated behind its back while it was down, in the records and the event history', async () => {
  prism = await spawnPrism(moto.endpoint, dataDir);
  for (const key of Object.keys(ids) as (keyof typeof ids)[]) {
    const { body } = await json<{ id: string }>('/instances', {
      method: 'POST',
      body: JSON.stringify({ name: `drift-${key}`, template: 'amazon-linux', arch: 'arm64' })
    });
    ids[key] = body.id;
  }
  for (const id of Object.values(ids)) expect(await untilSettled(id)).toMatchObject({ phase: 'ready', state: 'running' });
  await prism.kill();

  await ec2.send(new StopInstancesCommand({ InstanceIds: [(await instanceOf(ids.stopped)).InstanceId!] }));
  await ec2.send(new TerminateInstancesCommand({ InstanceIds: [(await instanceOf(ids.terminated)).InstanceId!] }));
  prism = await spawnPrism(moto.endpoint, dataDir);

  for (const [key, id] of Object.entries(ids)) {
    expect(await untilState(id, key)).toBe(key);
  }
  for (const key of ['stopped', 'terminated'] as const) {
    const { body: events } = await json<WorkstationEvent[]>(`/instances/${ids[key]}/events`);
    const states = events.flatMap(e => (e.kind === 'state' ? [e.state] : []));
    expect(states.slice(-2)).toEqual(['running', key]);
  }
});

it('lists the instances of a lost database as orphans, adopts one into its owner’s list, and terminates another', async () => {
  await prism?.kill();
  for (const file of fs.readdirSync(dataDir).filter(name => name.startsWith('prism.sqlite'))) {
    fs.rmSync(path.join(dataDir, file));
  }
  prism = await spawnPrism(moto.endpoint, dataDir);
  expect((await json<Workstation[]>('/instances')).body).toEqual([]);

  const { status, body: orphans } = await json<Orphan[]>('/orphans');
  expect(status).toBe(200);
  // The terminated one is gone for good; the stopped and running ones are orphans.
  expect(orphans.map(o => [o.launchId, o.state]).sort()).toEqual(
    [
      [ids.stopped, 'stopped'],
      [ids.running, 'running']
    ].sort()
  );
  const running = orphans.find(o => o.launchId === ids.running)!;
  expect(running).toMatchObject({ name: 'drift-running', template: 'amazon-linux', instanceType: 't4g.medium' });
  expect(running.owner).toBeTruthy();
  expect(running.launchTime).toMatch(/^\d{4}-\d\d-\d\dT/);

  const adopted = await json<Workstation>(`/orphans/${running.instanceId}/adopt`, { method: 'POST' });
  expect(adopted.status).toBe(201);
  expect(adopted.body).toMatchObject({ id: ids.running, name: 'drift-running', owner: running.owner, phase: 'ready', state: 'running' });
  expect((await json<Workstation[]>('/instances')).body.map(w => w.id)).toEqual([ids.running]);

  const stopped = orphans.find(o => o.launchId === ids.stopped)!;
  const terminated = await json<{ state: string }>(`/orphans/${stopped.instanceId}`, { method: 'DELETE' });
  expect(terminated).toMatchObject({ status: 200, body: { state: 'terminated' } });
  expect(['shutting-down', 'terminated']).toContain((await instanceOf(ids.stopped)).State?.Name);
  expect((await json<Orphan[]>('/orphans')).body).toEqual([]);
  ids.stopped = '';
  ids.terminated = '';
});
