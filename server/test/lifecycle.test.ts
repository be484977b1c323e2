/**
 * Living with a workstation against a real moto_server and a real socket.io
 * client: launched with hibernation, hibernated and resumed, resized within
 * its arch, connected to through its SSH config, its owner's key rotated and
 * downloaded once. Every transition is checked in the emulator and in the
 * event stream.
 */
import fs from 'node:fs';
import { DescribeInstancesCommand, DescribeKeyPairsCommand, DescribeVolumesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import type { Connection, KeyRotation, Workstation } from '../src/contract/api';
import type { WorkstationState } from '../src/contract/events';
import { startPrism, type PrismClientSocket, type TestPrism } from './support/prism';

let prism: TestPrism;
let ec2: EC2Client;
let socket: PrismClientSocket;
let id: string;
const states: WorkstationState[] = [];

beforeAll(async () => {
  prism = await startPrism();
  ec2 = new EC2Client({ endpoint: prism.moto.endpoint, region: 'us-east-1' });
  socket = prism.socket();
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  socket.on('instance:state', event => {
    if (event.id === id) states.push(event.state);
  });
}, 60_000);

afterAll(async () => {
  if (id) await prism?.api(`/instances/${id}`, { method: 'DELETE' });
  ec2?.destroy();
  await prism?.stop();
});

async function instanceOf(launchId: string): Promise<Instance> {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:prism:launch', Values: [launchId] }] }));
  return (out.Reservations ?? []).flatMap(r => r.Instances ?? [])[0];
}

async function post<T>(route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await prism.api(route, { method: 'POST', ...(body !== undefined && { body: JSON.stringify(body) }) });
  return { status: res.status, body: (await res.json()) as T };
}

async function until(done: (w: Workstation) => boolean, timeoutMs = 120_000): Promise<Workstation> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const workstation = (await (await prism.api(`/instances/${id}`)).json()) as Workstation;
    if (done(workstation) || Date.now() > deadline) return workstation;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** The state events that arrive once `count` more have come (socket events trail the HTTP answer slightly). */
async function nextStates(from: number, count: number): Promise<WorkstationState[]> {
  const deadline = Date.now() + 5000;
  while (states.length < from + count && Date.now() < deadline) await new Promise(resolve => setTimeout(resolve, 20));
  return states.slice(from);
}

it('launches with HibernationOptions.Configured and an encrypted root volume that holds the RAM', async () => {
  const launched = await post<{ id: string }>('/instances', { name: 'long-analysis', template: 'amazon-linux', arch: 'arm64' });
  expect(launched.status).toBe(202);
  id = launched.body.id;
  const ready = await until(w => w.phase === 'ready' || w.phase === 'failed');
  expect(ready).toMatchObject({ phase: 'ready', state: 'running', hibernation: true, instanceType: 't4g.medium' });

  const instance = await instanceOf(id);
  expect(instance.HibernationOptions?.Configured).toBe(true);
  const volumeId = instance.BlockDeviceMappings?.[0]?.Ebs?.VolumeId;
  const [volume] = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volumeId!] }))).Volumes ?? [];
  // t4g.medium has 4 GiB of RAM: the template's 30 GiB already holds it and the OS.
  expect(volume).toMatchObject({ Size: 30, Encrypted: true });
});

it('hibernates (stopping, hibernated; stopped in EC2) and resumes (pending, running)', async () => {
  const from = states.length;
  const hibernated = await post<Workstation>(`/instances/${id}/hibernate`);
  expect(hibernated).toMatchObject({ status: 200, body: { state: 'hibernated' } });
  expect((await instanceOf(id)).State?.Name).toBe('stopped');
  const started = await post<Workstation>(`/instances/${id}/start`);
  expect(started).toMatchObject({ status: 200, body: { state: 'running' } });
  expect((await instanceOf(id)).State?.Name).toBe('running');
  expect(await nextStates(from, 4)).toEqual(['stopping', 'hibernated', 'pending', 'running']);
});

it('refuses to resize to the other arch, naming the equivalent', async () => {
  const refused = await post<{ code: string; hint: string }>(`/instances/${id}/resize`, { instanceType: 'm7i.2xlarge' });
  expect(refused.status).toBe(400);
  expect(refused.body).toMatchObject({ code: 'ARCH_MISMATCH', hint: 'm7g.2xlarge is the Graviton equivalent.' });
  expect((await instanceOf(id)).State?.Name).toBe('running');
});

it('resizes to the large size: stopping, stopped, pending, running; the new type in EC2, its price in the record, the disk grown for hibernation', async () => {
  const from = states.length;
  const resized = await post<Workstation>(`/instances/${id}/resize`, { size: 'large' });
  expect(resized.status).toBe(200);
  expect(resized.body).toMatchObject({ state: 'running', size: 'large', instanceType: 'm7g.2xlarge', pricePerHour: 0.3264 });
  expect(await nextStates(from, 4)).toEqual(['stopping', 'stopped', 'pending', 'running']);
  const instance = await instanceOf(id);
  expect(instance).toMatchObject({ InstanceType: 'm7g.2xlarge', State: { Name: 'running' } });
  const [volume] = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [instance.BlockDeviceMappings![0].Ebs!.VolumeId!] }))).Volumes ?? [];
  // m7g.2xlarge has 32 GiB of RAM: 32 + 8.
  expect(volume.Size).toBe(40);
});

it('gives the ~/.ssh/config block, whose key file exists, and a VS Code URI through its Host', async () => {
  await until(w => w.phase === 'ready' && w.state === 'running');
  const res = await prism.api(`/instances/${id}/connection`);
  expect(res.status).toBe(200);
  const connection = (await res.json()) as Connection;
  expect(connection.sshHost).toBe('prism-long-analysis');
  expect(connection.sshConfig).toMatch(/^Host prism-long-analysis\n {2}HostName 127\.0\.0\.1\n {2}User ec2-user\n {2}IdentityFile \S+\.pem\n {2}IdentitiesOnly yes\n {2}ServerAliveInterval 60\n$/);
  const identityFile = /IdentityFile (\S+)/.exec(connection.sshConfig!)![1];
  expect(fs.statSync(identityFile).mode & 0o777).toBe(0o600);
  expect(connection.vscodeHostUri).toBe('vscode://vscode-remote/ssh-remote+prism-long-analysis/home/ec2-user');
});

it('hands out the private key once (no-store attachment), then 410; a rotation makes a new key pair in EC2 that can be downloaded', async () => {
  const first = await prism.api('/keys/private');
  expect(first.status).toBe(200);
  expect(first.headers.get('cache-control')).toBe('no-store');
  expect(first.headers.get('content-type')).toMatch(/^text\/plain/);
  expect(first.headers.get('content-disposition')).toMatch(/^attachment; filename="?prism-.+\.pem"?$/);
  expect(await first.text()).toContain('PRIVATE KEY');
  const again = await prism.api('/keys/private');
  expect(again.status).toBe(410);
  expect(await again.json()).toMatchObject({ code: 'KEY_ALREADY_DOWNLOADED', hint: expect.stringContaining('/keys/rotate') });

  const rotation = await post<KeyRotation>('/keys/rotate');
  expect(rotation.status).toBe(200);
  expect(rotation.body.keyName).toBe(`${rotation.body.previousKeyName}+2`);
  expect(rotation.body.message).toContain('existing workstation keeps the key');
  const pairs = await ec2.send(new DescribeKeyPairsCommand({ KeyNames: [rotation.body.keyName, rotation.body.previousKeyName!] }));
  expect(pairs.KeyPairs).toHaveLength(2);
  const fresh = await prism.api('/keys/private');
  expect(fresh.status).toBe(200);
  expect(fresh.headers.get('content-disposition')).toContain(`${rotation.body.keyName}.pem`);
});
