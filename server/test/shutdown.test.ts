/**
 * Graceful shutdown with a real prism-server process: SIGTERM in the middle
 * of a launch drains (no new work: 503 SHUTTING_DOWN, /health `draining`),
 * tells open sockets why, and exits 0 within its bound (main.ts exits 1 past
 * it); the next start finishes the launch with one instance. And /health's
 * checks say which part is degraded.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { Health, Workstation } from '../src/contract/api';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { emulatorEc2, startMoto, type Moto } from './support/moto';
import { startPrism } from './support/prism';
import { spawnPrism, type PrismProcess } from './support/prism-process';
import { connectSocket, instancesOfLaunch, waitForWorkstation } from './support/workstations';

let moto: Moto;
let proxy: FaultProxy;
let ec2: EC2Client;
let dataDir: string;
const running: PrismProcess[] = [];

beforeAll(async () => {
  moto = await startMoto();
  // Slow AWS answers keep the launch busy long enough to be caught mid-way.
  proxy = await startFaultProxy({ upstream: moto.endpoint, delayMs: 150 });
  ec2 = emulatorEc2(moto.endpoint);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-shutdown-'));
}, 90_000);

afterAll(async () => {
  for (const p of running) await p.kill().catch(() => undefined);
  ec2?.destroy();
  await proxy?.close();
  await moto?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const start = async (): Promise<PrismProcess> => {
  const prism = await spawnPrism(moto.endpoint, dataDir, { PRISM_AWS_ENDPOINT: proxy.url, PRISM_SHUTDOWN_GRACE_SECONDS: '3' });
  running.push(prism);
  return prism;
};

const read = async (prism: PrismProcess, id: string): Promise<Workstation> => (await (await prism.api(`/instances/${id}`)).json()) as Workstation;

it('SIGTERM mid-launch refuses new work, tells sockets, exits 0; the next start finishes the launch with one instance', async () => {
  const first = await start();
  const heard: string[] = [];
  const socket = await connectSocket(first.url, () => ({ token: first.token }), { listen: event => heard.push(event) });
  const disconnected = new Promise<string>(resolve => socket.once('disconnect', reason => resolve(reason)));

  const launched = await first.api('/instances', { method: 'POST', body: JSON.stringify({ name: 'interrupted', template: 'amazon-linux', arch: 'arm64' }) });
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as { id: string };
  const midway = await waitForWorkstation(() => read(first, id), w => ['run-instance', 'wait-running', 'bootstrap'].includes(w.phase), 60_000);
  expect(midway.phase).not.toBe('ready');

  const exited = first.terminate();
  // While it drains it still answers: reads work, new launches are refused, /health says draining.
  let health: { status: string } | undefined;
  let refused: Response | undefined;
  for (let i = 0; i < 40 && health?.status !== 'draining'; i++) {
    health = (await (await first.api('/health')).json()) as { status: string };
    if (health.status !== 'draining') await new Promise(resolve => setTimeout(resolve, 50));
  }
  expect(health?.status).toBe('draining');
  refused = await first.api('/instances', { method: 'POST', body: JSON.stringify({ name: 'too-late', template: 'amazon-linux', arch: 'arm64' }) });
  expect(refused.status).toBe(503);
  expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await refused.json()) as { code: string; hint: string };
  expect(problem.code).toBe('SHUTTING_DOWN');
  expect(problem.hint).not.toBe('');
  // A client reconnecting at once is told to come back to the next start.
  await expect(connectSocket(first.url, () => ({ token: first.token }))).rejects.toThrow(/SHUTTING_DOWN/);

  expect(await disconnected).toBe('io server disconnect');
  expect(heard).toContain('service:shutting-down');
  expect(await exited).toBe(0);

  const second = await start();
  const finished = await waitForWorkstation(() => read(second, id), w => w.phase === 'ready' || w.phase === 'failed', 150_000);
  expect(finished.phase).toBe('ready');
  expect(await instancesOfLaunch(ec2, id)).toHaveLength(1);
  const all = (await (await second.api('/instances')).json()) as Workstation[];
  expect(all.map(w => w.name)).toEqual(['interrupted']);
  expect(await second.terminate()).toBe(0);
}, 300_000);

it('/health names the part that is degraded: the report inbox while S3 refuses its bucket, then ok', async () => {
  const healthMoto = await startMoto();
  const healthProxy = await startFaultProxy({ upstream: healthMoto.endpoint });
  const refused = healthProxy.addRule({ service: 's3', action: /^(CreateBucket|HeadBucket)$/, fault: { kind: 'error5xx' } });
  const prism = await startPrism(
    { PRISM_AWS_ENDPOINT: healthProxy.url, PRISM_REPORT_CHANNEL: 's3', PRISM_AWS_MAX_ATTEMPTS: '1' },
    { moto: healthMoto }
  );
  try {
    const degraded = (await (await prism.api('/health', { token: null })).json()) as Health;
    expect(degraded.status).toBe('degraded');
    expect(degraded.cloud.reachable).toBe(true);
    expect(degraded.checks?.reportInbox).toMatchObject({ status: 'degraded', hint: expect.stringContaining('bucket') });
    expect(degraded.checks?.database).toMatchObject({ status: 'ok' });
    expect(degraded.checks?.eventLoop?.detail).toMatch(/median [\d.]+ ms/);
    expect(degraded.checks?.reportCollection).toBeDefined();

    refused.remove();
    const healed = (await (await prism.api('/health', { token: null })).json()) as Health;
    expect(healed.checks?.reportInbox).toMatchObject({ status: 'ok', detail: expect.stringContaining('s3://prism-') });
    expect(healed.status).toBe('ok');
  } finally {
    await prism.stop();
    await healthProxy.close();
  }
}, 120_000);
