/**
 * Idle detection end to end: the real agent, written by the generated
 * bootstrap, runs beside the emulated workstation's real Jupyter and reports
 * every 2 s; a template whose rule acts after 12 idle seconds (fractional
 * minutes, the same rule as in production) warns a real socket.io client,
 * then stops the workstation in moto — unless someone keeps it running.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { IdleEvent, WorkstationEvent, WorkstationState } from '../src/contract/events';
import { emulatorEc2 } from './support/moto';
import { startPrism, type PrismClientSocket, type TestPrism } from './support/prism';

const REPO_TEMPLATES = path.resolve(__dirname, '..', '..', 'templates');
const QUICKLY_IDLE = `name: quickly-idle
title: Quickly idle
description: Amazon Linux with an idle rule that acts after 12 seconds.
version: 1.0.0
inherits: amazon-linux
idle:
  afterMinutes: 0.2
  warnMinutes: 0.1
  # The emulated workstation shares two loaded cores with the tests; 50% keeps "quiet" honest there.
  cpuPercentBelow: 50
`;
const READY_MS = 120_000;
const IDLE_WINDOW_MS = 12_000;

let prism: TestPrism;
let ec2: EC2Client;
let templatesDir: string;
let socket: PrismClientSocket;
const previousInterval = process.env.PRISM_AGENT_INTERVAL_SECONDS;

beforeAll(async () => {
  templatesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-idle-templates-'));
  fs.cpSync(REPO_TEMPLATES, templatesDir, { recursive: true });
  fs.writeFileSync(path.join(templatesDir, 'quickly-idle.yaml'), QUICKLY_IDLE);
  // The boot emulator hands this to the sandboxed bootstrap, which gives it to the agent.
  process.env.PRISM_AGENT_INTERVAL_SECONDS = '2';
  prism = await startPrism({ PRISM_TEMPLATES_DIR: templatesDir });
  ec2 = emulatorEc2(prism.moto.endpoint);
  socket = prism.socket();
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
}, 60_000);

afterAll(async () => {
  if (previousInterval === undefined) delete process.env.PRISM_AGENT_INTERVAL_SECONDS;
  else process.env.PRISM_AGENT_INTERVAL_SECONDS = previousInterval;
  ec2?.destroy();
  await prism?.stop();
  fs.rmSync(templatesDir, { recursive: true, force: true });
});

/** Launches and resolves with its id once ready; states and idle warnings are collected from the start. */
async function launchReady(name: string): Promise<{ id: string; states: WorkstationState[]; warnings: IdleEvent[] }> {
  const states: WorkstationState[] = [];
  const warnings: IdleEvent[] = [];
  let id = '';
  socket.on('instance:state', e => e.id === id && states.push(e.state));
  socket.on('instance:idle-warning', e => e.id === id && warnings.push(e));
  const res = await prism.api('/instances', { method: 'POST', body: JSON.stringify({ name, template: 'quickly-idle', arch: 'arm64' }) });
  expect(res.status).toBe(202);
  ({ id } = (await res.json()) as { id: string });
  await until(async () => (await workstation(id)).phase === 'ready', READY_MS, `${name} ready`);
  return { id, states, warnings };
}

async function workstation(id: string): Promise<{ state: WorkstationState; phase: string }> {
  return (await (await prism.api(`/instances/${id}`)).json()) as { state: WorkstationState; phase: string };
}

async function events(id: string): Promise<WorkstationEvent[]> {
  return (await (await prism.api(`/instances/${id}/events`)).json()) as WorkstationEvent[];
}

async function ec2State(id: string): Promise<string | undefined> {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:prism:launch', Values: [id] }] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

it('warns the owner, then stops a workstation whose agent reports no busy kernel, with the reason in its history', async () => {
  const { id, states, warnings } = await launchReady('left-idle');
  await until(() => warnings.length > 0, 60_000, 'the idle warning');
  expect(warnings[0]).toMatchObject({ kind: 'idle', id, status: 'warning', action: 'stop' });
  expect(Date.parse(warnings[0].actAt)).toBeGreaterThan(Date.now() - 1000);

  await until(() => states.includes('stopped'), 60_000, 'the idle stop');
  expect(states.slice(states.indexOf('stopping'))).toEqual(['stopping', 'stopped']);
  expect(await ec2State(id)).toBe('stopped');
  const acted = (await events(id)).find((e): e is IdleEvent => e.kind === 'idle' && e.status === 'acted');
  expect(acted?.action).toBe('stop');
  expect(acted?.reason).toMatch(/^idle \d+ s: no busy kernel, no terminal, no SSH, no running job, CPU \d+%$/);
  expect(warnings).toHaveLength(1);
}, READY_MS + 120_000);

it('is not stopped within the window when kept running after the warning', async () => {
  const { id, states, warnings } = await launchReady('kept-running');
  await until(() => warnings.length > 0, 60_000, 'the idle warning');
  const res = await prism.api(`/instances/${id}/keep-running`, { method: 'POST', body: JSON.stringify({ hours: 1, reason: 'a long fit' }) });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ kind: 'idle', status: 'postponed', by: expect.any(String), reason: expect.stringContaining('a long fit') });

  // Twice the rule's window, with the agent still reporting idle every 2 s.
  await new Promise(resolve => setTimeout(resolve, 2 * IDLE_WINDOW_MS));
  expect(states).not.toContain('stopping');
  expect((await workstation(id)).state).toBe('running');
  expect(await ec2State(id)).toBe('running');
  expect((await events(id)).some(e => e.kind === 'idle' && e.status === 'acted')).toBe(false);
  await prism.api(`/instances/${id}`, { method: 'DELETE' });
}, READY_MS + 120_000);

it('refuses a keep-running of more than 24 hours with a hint', async () => {
  const res = await prism.api('/instances/ws-none/keep-running', { method: 'POST', body: JSON.stringify({ hours: 48 }) });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ code: 'INVALID_REQUEST', hint: expect.any(String) });
});
