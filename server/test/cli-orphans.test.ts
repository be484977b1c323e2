/**
 * The real `prism` binary handling orphans: a real prism-server process on
 * moto loses its database and restarts; `prism orphans list` shows its
 * instances, `prism orphans adopt` gives one its record back and
 * `prism orphans terminate --yes` terminates the other in moto.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Orphan, Workstation } from '../src/contract/api';
import { emulatorEc2, startMoto, type Moto } from './support/moto';
import { spawnPrism, type PrismProcess } from './support/prism-process';

const PRISM_BIN = path.resolve(__dirname, '..', 'bin', 'prism.js');

let moto: Moto;
let ec2: EC2Client;
let prism: PrismProcess | undefined;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-cli-orphans-'));
const launched: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  ec2 = emulatorEc2(moto.endpoint);
}, 60_000);

afterAll(async () => {
  // Terminating halts the adopted workstation's emulated machine, which would outlive the test.
  if (launched[0]) await prism?.api(`/instances/${launched[0]}`, { method: 'DELETE' });
  await prism?.kill();
  ec2?.destroy();
  await moto?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Its stdin is a pipe, not a terminal: nobody to ask for a confirmation. */
function prismCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    const service = prism as PrismProcess;
    const child = spawn(process.execPath, [PRISM_BIN, ...args], { env: { ...process.env, PRISM_URL: service.url, PRISM_TOKEN: service.token } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

async function ec2State(launchId: string): Promise<string | undefined> {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:prism:launch', Values: [launchId] }] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

async function untilReady(id: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    const ws = (await (await (prism as PrismProcess).api(`/instances/${id}`)).json()) as Workstation;
    if (ws.phase === 'ready' || ws.phase === 'failed') return;
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

it('launches two workstations, then loses its database and restarts with no record of them', async () => {
  prism = await spawnPrism(moto.endpoint, dataDir);
  for (const name of ['kept', 'dropped']) {
    const res = await prism.api('/instances', { method: 'POST', body: JSON.stringify({ name, template: 'amazon-linux', arch: 'arm64' }) });
    launched.push(((await res.json()) as Workstation).id);
  }
  for (const id of launched) await untilReady(id);
  await prism.kill();
  for (const file of fs.readdirSync(dataDir).filter(name => name.startsWith('prism.sqlite'))) fs.rmSync(path.join(dataDir, file));
  prism = await spawnPrism(moto.endpoint, dataDir);
  expect(await (await prism.api('/instances')).json()).toEqual([]);
}, 180_000);

it('prism orphans list shows both, as a table and as JSON', async () => {
  const table = await prismCli(['orphans', 'list']);
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/^instance\s+launch id\s+name\s+owner/);
  for (const id of launched) expect(table.stdout).toContain(id);

  const listed = await prismCli(['orphans', 'list', '--json']);
  const orphans = JSON.parse(listed.stdout) as Orphan[];
  expect(orphans.map(o => o.launchId).sort()).toEqual([...launched].sort());
  expect(orphans.find(o => o.launchId === launched[0])).toMatchObject({ name: 'kept', template: 'amazon-linux', state: 'running' });
});

it('prism orphans adopt gives one its record back, in its owner’s list', async () => {
  const [orphan] = (JSON.parse((await prismCli(['orphans', 'list', '--json'])).stdout) as Orphan[]).filter(o => o.launchId === launched[0]);
  const adopted = await prismCli(['orphans', 'adopt', orphan.instanceId, '--json']);
  expect(adopted.code).toBe(0);
  expect(JSON.parse(adopted.stdout)).toMatchObject({ id: launched[0], name: 'kept', phase: 'ready', state: 'running' });
  expect((await prismCli(['list', '--names'])).stdout.trim()).toBe('kept');
});

it('prism orphans terminate asks first, and with --yes terminates the other in moto', async () => {
  const [orphan] = JSON.parse((await prismCli(['orphans', 'list', '--json'])).stdout) as Orphan[];
  expect(orphan.launchId).toBe(launched[1]);

  const unasked = await prismCli(['orphans', 'terminate', orphan.instanceId]);
  expect(unasked.code).toBe(1);
  expect(unasked.stderr).toContain('Pass --yes');
  expect(await ec2State(launched[1])).toBe('running');

  const terminated = await prismCli(['orphans', 'terminate', orphan.instanceId, '--yes']);
  expect(terminated.code).toBe(0);
  expect(terminated.stdout.trim()).toBe(`${orphan.instanceId} (${launched[1]}): terminated`);
  expect(['shutting-down', 'terminated']).toContain(await ec2State(launched[1]));
  expect((await prismCli(['orphans', 'list'])).stdout).toContain('No orphans');
});

it('prism orphans adopt of an unknown instance says so with a hint, also in --json', async () => {
  const missing = await prismCli(['orphans', 'adopt', 'i-0000000000000000', '--json']);
  expect(missing.code).toBe(1);
  expect(JSON.parse(missing.stdout)).toMatchObject({ error: { code: 'ORPHAN_NOT_FOUND', hint: expect.any(String) } });
});

it('completion offers the orphans commands', async () => {
  const bash = await prismCli(['completion', 'bash']);
  expect(bash.stdout).toContain('orphans) options="--yes');
  expect(bash.stdout).toContain('choices="list adopt terminate"');
});
