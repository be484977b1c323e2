/**
 * The real `prism` binary (server/bin/prism.js, the built server/dist) on
 * files, and against a real service on the emulator.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TemplateSummary } from '../src/contract/api';
import { pricePerHour } from '../src/domain/price-table';
import { startPrism, type TestPrism } from './support/prism';

const PRISM_BIN = path.resolve(__dirname, '..', 'bin', 'prism.js');
const TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates');

let prism: TestPrism;
let work: string;
let templatesDir: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-cli-'));
  templatesDir = path.join(work, 'templates');
  fs.cpSync(TEMPLATES_DIR, templatesDir, { recursive: true });
  fs.writeFileSync(
    path.join(templatesDir, 'amazon-linux-1.1.0.yaml'),
    fs.readFileSync(path.join(TEMPLATES_DIR, 'amazon-linux.yaml'), 'utf8').replace(/^version: .*$/m, 'version: 1.1.0').replace(/^rootVolumeGiB: .*$/m, 'rootVolumeGiB: 50')
  );
  prism = await startPrism({ PRISM_TEMPLATES_DIR: templatesDir });
}, 60_000);

afterAll(async () => {
  await prism?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the binary without blocking this process, which serves the API it calls. */
function prismCli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [PRISM_BIN, ...args], {
      cwd: work,
      env: { ...process.env, PRISM_TEMPLATES_DIR: templatesDir, PRISM_URL: prism.service.url, PRISM_TOKEN: prism.service.token, ...env }
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', code => resolve({ code, stdout, stderr }));
  });
}

describe('on files', () => {
  it('validate prints the line, column and hint of a mistake and exits 1', async () => {
    fs.writeFileSync(path.join(work, 'broken.yaml'), 'name: broken\ntitle: Broken\nversion: 1.0.0\ninherits: amazon-linux\ndefaultSise: small\n');
    const run = await prismCli(['templates', 'validate', 'broken.yaml']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('broken.yaml:5:1: Unknown key "defaultSise"');
    expect(run.stdout).toContain('  hint: Did you mean "defaultSize"?');
  });

  it('validate with no file checks the whole templates folder', async () => {
    const run = await prismCli(['templates', 'validate', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ valid: true, diagnostics: [] });
  });

  it('scaffold writes a child template at 0.1.0 that validates clean', async () => {
    const scaffold = await prismCli(['templates', 'scaffold', 'my-ml', '--from', 'python-ml', '--dir', 'drafts']);
    expect(scaffold.code).toBe(0);
    const text = fs.readFileSync(path.join(work, 'drafts', 'my-ml.yaml'), 'utf8');
    expect(text).toMatch(/^inherits: python-ml$/m);
    expect(text).toMatch(/^version: 0\.1\.0$/m);
    const validate = await prismCli(['templates', 'validate', 'drafts/my-ml.yaml']);
    expect(validate).toMatchObject({ code: 0, stdout: 'No problems in drafts/my-ml.yaml.\n' });
  });

  it('scaffold refuses an unknown parent, naming the templates there are', async () => {
    const run = await prismCli(['templates', 'scaffold', 'x', '--from', 'pyhton-ml']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("No such template: There is no template 'pyhton-ml'");
    expect(run.stderr).toMatch(/hint: Choose one of: .*python-ml/);
  });

  it('docs writes a page per template with its sizes and prices, and an index', async () => {
    const run = await prismCli(['templates', 'docs', '--out', 'site']);
    expect(run.code).toBe(0);
    const names = fs.readdirSync(templatesDir).filter(f => f.endsWith('.yaml') && !f.includes('-1.1.0')).map(f => f.replace('.yaml', ''));
    expect(fs.readdirSync(path.join(work, 'site')).sort()).toEqual([...names.map(n => `${n}.md`), 'index.md'].sort());
    const page = fs.readFileSync(path.join(work, 'site', 'amazon-linux.md'), 'utf8');
    expect(page).toContain('| size | arch | instance type | vCPU | memory (GiB) | price per hour |');
    expect(page).toContain(`| small | arm64 | t4g.medium | 2 | 4 | $${pricePerHour('t4g.medium', 'us-east-1')!.toFixed(4)} |`);
    expect(page).toContain('| jupyter | 8888 | `/api` |');
    expect(fs.readFileSync(path.join(work, 'site', 'index.md'), 'utf8')).toContain('[Amazon Linux 2023](amazon-linux.md)');
  });

  it('diff of two files shows the lines that differ once resolved', async () => {
    const run = await prismCli(['templates', 'diff', 'templates/amazon-linux.yaml', 'templates/amazon-linux-1.1.0.yaml']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('-rootVolumeGiB: 30\n+rootVolumeGiB: 50\n');
  });
});

describe('against the service', () => {
  it('list shows each template with its arm64 and x86_64 price per hour', async () => {
    const run = await prismCli(['templates', 'list']);
    expect(run.code).toBe(0);
    const [header, , ...rows] = run.stdout.trimEnd().split('\n');
    expect(header.split(/\s{2,}/)).toEqual(['name', 'version', 'arches', 'default size', 'arm64 $/h', 'x86_64 $/h']);
    const offered = (await (await prism.api('/templates')).json()) as TemplateSummary[];
    expect(rows.map(r => r.split(/\s+/)[0]).sort()).toEqual(offered.map(t => t.name).sort());
    expect(rows.find(r => r.startsWith('amazon-linux '))?.split(/\s{2,}/)).toEqual(['amazon-linux', '1.1.0', 'arm64, x86_64', 'small', '$0.0336', '$0.0416']);
  });

  it('prints the service problem with its hint when the token is wrong', async () => {
    const run = await prismCli(['templates', 'list', '--token', 'not-the-token']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Not signed in: This request carries no valid Prism token.');
    expect(run.stderr).toContain('  hint: ');
  });

  it('show prints the resolved YAML of a pinned version', async () => {
    const run = await prismCli(['templates', 'show', 'amazon-linux', '--version', '1.0.0']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^name: amazon-linux$/m);
    expect(run.stdout).toMatch(/^rootVolumeGiB: 30$/m);
  });

  it('diff NAME@V1 NAME@V2 asks the service for the two kept versions', async () => {
    const run = await prismCli(['templates', 'diff', 'amazon-linux@1.0.0', 'amazon-linux@1.1.0', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).diff).toContain('-rootVolumeGiB: 30\n+rootVolumeGiB: 50\n');
  });

  it('test launches amazon-linux on arm64 to ready, checks Jupyter and terminates it', async () => {
    const run = await prismCli(['templates', 'test', 'amazon-linux', '--arch', 'arm64', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([
      { template: 'amazon-linux', arch: 'arm64', result: 'ready', seconds: expect.any(Number), detail: expect.stringContaining('Jupyter answered') }
    ]);
    const instances = (await (await prism.api('/instances')).json()) as { state: string }[];
    expect(instances.map(i => i.state)).toEqual(['terminated']);
  });
});
