import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { renderBootstrap } from '../src/domain/bootstrap';
import type { BootReport, Cloud, CloudInstance } from '../src/domain/ports';
import { template as harnessTemplate } from '../src/domain/testing/harness';
import { createBootEmulator, withEmulatedBoot } from '../src/boot/emulator';

const VENV_BIN = path.resolve(__dirname, '..', '..', '.venv', 'bin');
const REPORT_TOKEN = 'boot-token-for-ws-1';
const JUPYTER_TOKEN = 'jupyter-token-for-ws-1';

const template = harnessTemplate({
  title: 'Python',
  description: '',
  version: '1.0.0',
  image: { arm64: { ssmParameter: '/a' }, x86_64: { ssmParameter: '/x' } },
  sizes: { small: { arm64: 't4g.medium', x86_64: 't3.medium' } },
  rootVolumeGiB: 30
});

/** Collects boot reports the way the service's phone-home route receives them. */
function startReportCollector(): Promise<{ server: http.Server; url: string; reports: BootReport[]; authorizations: Set<string> }> {
  const reports: BootReport[] = [];
  const authorizations = new Set<string>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/api/v1/boot/ws-1/reports') {
        authorizations.add(req.headers.authorization ?? '');
        reports.push(JSON.parse(body) as BootReport);
      }
      res.writeHead(204).end();
    });
  });
  return new Promise(resolve =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, url: `http://127.0.0.1:${port}/`, reports, authorizations });
    })
  );
}

function fakeCloud(userData: string): Cloud {
  const instance: CloudInstance = {
    instanceId: 'i-0123456789abcdef0',
    launchId: 'ws-1',
    state: 'running',
    instanceType: 't4g.medium',
    imageId: 'ami-1',
    privateIp: null,
    publicIp: null,
    tags: { 'prism:launch': 'ws-1' }
  };
  const unused = (): never => {
    throw new Error('not part of this test');
  };
  return {
    identity: unused,
    resolveImage: unused,
    describeInstanceType: unused,
    ensureSecurityGroup: unused,
    ensureKeyPair: unused,
    rotateKeyPair: unused,
    takePrivateKey: unused,
    changeInstanceType: unused,
    growRootVolume: unused,
    waitUntilRunning: unused,
    stopInstance: unused,
    startInstance: unused,
    runInstance: async () => instance,
    findInstances: async () => [instance],
    terminateInstance: async () => undefined,
    readUserData: async () => userData,
    ensureWorkstationRole: unused,
    removeWorkstationRole: unused,
    createFileSystem: unused,
    ensureMountTargets: unused,
    ensureAccessPoint: unused,
    deleteFileSystem: unused
  };
}

async function until<T>(check: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

async function answers(url: string, headers: Record<string, string> = {}): Promise<number | 'refused'> {
  try {
    return (await fetch(url, { headers })).status;
  } catch {
    return 'refused';
  }
}

async function emulatedWorkstation(searchPath: string) {
  const collector = await startReportCollector();
  const sandboxRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-emulator-'));
  const userData = renderBootstrap({
    launchId: 'ws-1',
    template,
    arch: 'arm64',
    region: 'us-east-1',
    report: { url: collector.url, bucket: null, token: REPORT_TOKEN },
    jupyterToken: JUPYTER_TOKEN,
    datasets: [{ bucket: 'genomes', prefix: 'hg38/', readOnly: true, mountPoint: '/home/ec2-user/datasets/genomes' }]
  });
  const emulator = createBootEmulator({
    cloud: fakeCloud(userData),
    sandboxRoot,
    logger: pino({ level: 'silent' }),
    env: { ...process.env, PATH: searchPath, PRISM_TOKEN: 'service-secret' }
  });
  const cloud = withEmulatedBoot(fakeCloud(userData), emulator);
  await cloud.runInstance({
    launchId: 'ws-1',
    imageId: 'ami-1',
    instanceType: 't4g.medium',
    securityGroupId: 'sg-1',
    keyName: 'prism-alice',
    userData,
    rootVolumeGiB: 30,
    tags: { 'prism:launch': 'ws-1' }
  });
  const outcome = () => until(() => collector.reports.find(r => r.type === 'ready' || r.type === 'failed'), 90_000);
  return {
    cloud,
    sandboxRoot,
    collector,
    outcome,
    async close() {
      await emulator.shutdown();
      collector.server.close();
    }
  };
}

it('boots a new instance from its user data: reports in order, a real Jupyter, halted on terminate', async () => {
  const workstation = await emulatedWorkstation(`${VENV_BIN}:${process.env.PATH}`);
  try {
    const last = await workstation.outcome();
    const { reports, authorizations } = workstation.collector;
    expect(last).toEqual({ seq: expect.any(Number), type: 'ready', message: expect.any(String), services: [{ name: 'jupyter', port: expect.any(Number) }] });

    const seqs = reports.map(r => r.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(reports.filter(r => r.type === 'step').map(r => [r.step, r.index, r.total])).toEqual([
      ['system-packages', 1, 5],
      ['conda', 2, 5],
      ['pip', 3, 5],
      ['datasets', 4, 5],
      ['services', 5, 5]
    ]);
    const lines = reports.filter(r => r.type === 'log').map(r => r.line);
    expect(lines).toContain('dry-run: dnf install -y -q git');
    expect(lines).toContainEqual(expect.stringMatching(/^dry-run: mount-s3 .*--read-only --prefix hg38\/ genomes .*\/home\/ec2-user\/datasets\/genomes$/));
    expect(authorizations).toEqual(new Set([`Bearer ${REPORT_TOKEN}`]));

    const port = last.services![0].port;
    expect(await answers(`http://127.0.0.1:${port}/api`)).toBe(200);
    expect(await answers(`http://127.0.0.1:${port}/api/status`, { Authorization: `token ${JUPYTER_TOKEN}` })).toBe(200);
    expect(await answers(`http://127.0.0.1:${port}/api/status`)).toBe(403);
    const sandboxScript = fs.readFileSync(path.join(workstation.sandboxRoot, 'ws-1', 'bootstrap.sh'), 'utf8');
    expect(sandboxScript).not.toContain('service-secret');

    await workstation.cloud.terminateInstance('i-0123456789abcdef0');
    expect(await answers(`http://127.0.0.1:${port}/api`)).toBe('refused');
    expect(fs.existsSync(path.join(workstation.sandboxRoot, 'ws-1', 'root', 'run', 'jupyter.pid'))).toBe(false);
  } finally {
    await workstation.close();
  }
}, 120_000);

it('reports the failed step with its last lines when Jupyter cannot start', async () => {
  const workstation = await emulatedWorkstation('/usr/bin:/bin'); // python3 and curl, no jupyter
  try {
    const last = await workstation.outcome();
    expect(last).toMatchObject({ type: 'failed', step: 'services' });
    expect(last.message).toMatch(/^Step services failed \(exit 1\)\. Last lines:\n/);
    expect(last.message).toContain('jupyter');
    expect(workstation.collector.reports.some(r => r.type === 'ready')).toBe(false);
  } finally {
    await workstation.close();
  }
}, 60_000);
