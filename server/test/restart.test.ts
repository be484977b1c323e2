/**
 * A crash loses no launch and makes no duplicate instance: prism-server is
 * killed mid-launch and started again on the same data; the launch resumes
 * and reaches ready with exactly one instance in the emulator.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Workstation } from '../src/contract/api';
import { LAUNCH_PHASES, type LaunchPhase } from '../src/contract/events';
import { emulatorEc2, startMoto, type Moto } from './support/moto';
import { spawnPrism } from './support/prism-process';

let moto: Moto;
let ec2: EC2Client;
const dataDirs: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  ec2 = emulatorEc2(moto.endpoint);
}, 60_000);

afterAll(async () => {
  ec2?.destroy();
  await moto?.stop();
  dataDirs.forEach(dir => fs.rmSync(dir, { recursive: true, force: true }));
});

async function liveInstancesOf(launchId: string): Promise<number> {
  const out = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:prism:launch', Values: [launchId] },
        { Name: 'instance-state-name', Values: ['pending', 'running', 'stopping', 'stopped'] }
      ]
    })
  );
  return (out.Reservations ?? []).flatMap(r => r.Instances ?? []).length;
}

async function waitFor(
  get: () => Promise<Workstation>,
  done: (w: Workstation) => boolean,
  timeoutMs: number
): Promise<Workstation> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const workstation = await get();
    if (done(workstation) || Date.now() > deadline) return workstation;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

const reached = (phase: LaunchPhase) => (w: Workstation) =>
  w.phase === 'failed' || LAUNCH_PHASES.indexOf(w.phase as never) >= LAUNCH_PHASES.indexOf(phase as never);

it.each([
  ['right after the launch was accepted', 'validate' as LaunchPhase],
  ['once the instance was requested', 'wait-running' as LaunchPhase]
])('resumes a launch when the service is killed %s', async (_when, killAt) => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-restart-'));
  dataDirs.push(dataDir);
  const first = await spawnPrism(moto.endpoint, dataDir);
  const res = await first.api('/instances', {
    method: 'POST',
    body: JSON.stringify({ name: `survivor-${killAt}`, template: 'amazon-linux', arch: 'arm64' })
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const get = (api: typeof first.api) => async () => (await (await api(`/instances/${id}`)).json()) as Workstation;
  const before = await waitFor(get(first.api), reached(killAt), 30_000);
  expect(before.phase).not.toBe('ready');
  await first.kill();

  const second = await spawnPrism(moto.endpoint, dataDir);
  try {
    const after = await waitFor(get(second.api), w => w.phase === 'ready' || w.phase === 'failed', 120_000);
    expect(after.error ?? null).toBeNull();
    expect(after).toMatchObject({ phase: 'ready', state: 'running' });
    expect(await liveInstancesOf(id)).toBe(1);
    const connection = (await (await second.api(`/instances/${id}/connection`)).json()) as { jupyterUrl: string };
    const lab = new URL(connection.jupyterUrl);
    expect((await fetch(`${lab.origin}/api/status?token=${lab.searchParams.get('token')}`)).status).toBe(200);
  } finally {
    await second.api(`/instances/${id}`, { method: 'DELETE' });
    await second.kill();
  }
});
