/**
 * The real `prism` binary (server/bin/prism.js, the built server/dist) living
 * with a workstation: launch with live progress, list, stop, start, costs,
 * terminate, against a real prism-server process on moto.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { CostReport, Workstation } from '../src/contract/api';
import { startMoto, type Moto } from './support/moto';
import { spawnPrism, type PrismProcess } from './support/prism-process';

const PRISM_BIN = path.resolve(__dirname, '..', 'bin', 'prism.js');

let moto: Moto;
let prism: PrismProcess;
let ec2: EC2Client;
let dataDir: string;

beforeAll(async () => {
  moto = await startMoto();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-cli-ws-'));
  prism = await spawnPrism(moto.endpoint, dataDir);
  ec2 = new EC2Client({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}, 60_000);

afterAll(async () => {
  ec2?.destroy();
  await prism?.kill();
  await moto?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Its stdin and stdout are pipes, not a terminal: the plain progress lines. */
function prismCli(args: string[]): Promise<Run> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [PRISM_BIN, ...args], {
      env: { ...process.env, PRISM_URL: prism.url, PRISM_TOKEN: prism.token }
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

async function ec2State(id: string): Promise<string | undefined> {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:prism:launch', Values: [id] }] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

async function listed(): Promise<Workstation[]> {
  const run = await prismCli(['list', '--json']);
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Workstation[];
}

describe('a workstation from launch to terminate', () => {
  let id: string;

  it('launch follows the launch with progress lines and an ETA up to 100% and ready', async () => {
    const run = await prismCli(['launch', 'amazon-linux', '--arch', 'arm64', '--name', 'cli-ws']);
    expect(run.stderr).not.toMatch(/hint:/);
    expect(run.code).toBe(0);
    const progress = run.stderr.split('\n').filter(line => /^cli-ws: +\d+% /.test(line));
    const percents = progress.map(line => Number(/(\d+)%/.exec(line)?.[1]));
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(progress.some(line => /ETA \d/.test(line))).toBe(true);
    expect(progress.at(-1)).toMatch(/^cli-ws: 100% ready/);
    expect(run.stderr).toMatch(/^cli-ws \| /m);
    expect(run.stdout).toMatch(/cli-ws is ready \(ws-[^,]+, /);
    id = (await listed()).find(w => w.name === 'cli-ws')!.id;
    expect(await ec2State(id)).toBe('running');
  });

  it('list shows it in a table, and its name for completion', async () => {
    const table = await prismCli(['list']);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^cli-ws +${id} +amazon-linux@\\S+ +arm64 +\\S+ +running +ready +\\$`, 'm'));
    const names = await prismCli(['list', '--names']);
    expect(names.stdout.split('\n')).toContain('cli-ws');
  });

  it('stop and start by name change the state in the cloud', async () => {
    const stop = await prismCli(['stop', 'cli-ws']);
    expect(stop.code).toBe(0);
    expect(stop.stdout).toMatch(new RegExp(`^cli-ws \\(${id}\\): (stopping|stopped)`));
    expect(await ec2State(id)).toBe('stopped');
    const start = await prismCli(['start', id, '--json']);
    expect(start.code).toBe(0);
    expect(JSON.parse(start.stdout)).toMatchObject({ id, name: 'cli-ws', state: expect.stringMatching(/pending|running/) });
    expect(await ec2State(id)).toBe('running');
  });

  it('connect --print prints the SSH command and runs nothing', async () => {
    const run = await prismCli(['connect', 'cli-ws', '--print']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^ssh -i \S+ \S+@\S+$/);
  });

  it('costs shows the workstation and a total', async () => {
    const run = await prismCli(['costs']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^workstation +state +\$\/h +spend +projected month-end +savings$/m);
    expect(run.stdout).toMatch(/^cli-ws +(pending|running) +\$\d+\.\d{4} +\$\d+\.\d\d +\$\d+\.\d\d +\$\d+\.\d\d$/m);
    expect(run.stdout).toMatch(/^total +\$\d+\.\d\d +\$\d+\.\d\d +\$\d+\.\d\d$/m);
    const json = await prismCli(['costs', '--json']);
    const report = JSON.parse(json.stdout) as CostReport;
    expect(report.workstations.map(w => w.name)).toContain('cli-ws');
    expect(report.total.projectedMonthEnd).toBeGreaterThan(0);
  });

  it('terminate asks first when there is no --yes, and terminates with it', async () => {
    const asked = await prismCli(['terminate', 'cli-ws']);
    expect(asked.code).toBe(1);
    expect(asked.stderr).toMatch(/hint: Pass --yes/);
    expect(await ec2State(id)).toBe('running');
    const run = await prismCli(['terminate', 'cli-ws', '--yes']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/: terminated/);
    expect(await ec2State(id)).toBe('terminated');
    expect((await prismCli(['list', '--names'])).stdout.split('\n')).not.toContain('cli-ws');
  });
});

it('launch --no-wait prints the id at once', async () => {
  const run = await prismCli(['launch', 'amazon-linux', '--arch', 'x86_64', '--name', 'cli-nowait', '--no-wait']);
  expect(run.code).toBe(0);
  const id = run.stdout.trim();
  expect(id).toMatch(/^ws-/);
  expect((await listed()).map(w => w.id)).toContain(id);
  await prismCli(['terminate', id, '--yes']);
});

it('a template the service does not offer prints the problem and its hint, and exits 1', async () => {
  const run = await prismCli(['launch', 'pyhton-ml', '--arch', 'arm64']);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^No such template: .*pyhton-ml/m);
  expect(run.stderr).toMatch(/hint: .*python-ml/);
  const json = await prismCli(['launch', 'pyhton-ml', '--arch', 'arm64', '--json']);
  expect(json.code).toBe(1);
  expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'TEMPLATE_NOT_FOUND', hint: expect.stringContaining('python-ml') } });
});

it('a workstation nobody has is named in the problem', async () => {
  const run = await prismCli(['stop', 'no-such-ws']);
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^No such workstation: .*'no-such-ws'/m);
});

it.each(['bash', 'zsh'])('completion %s mentions the commands and completes names with prism list --names', async shell => {
  const run = await prismCli(['completion', shell]);
  expect(run.code).toBe(0);
  for (const command of ['launch', 'list', 'stop', 'start', 'hibernate', 'resize', 'connect', 'terminate', 'costs', 'templates']) {
    expect(run.stdout).toContain(command);
  }
  expect(run.stdout).toContain('--no-wait');
  expect(run.stdout).toContain('prism list --names');
});
