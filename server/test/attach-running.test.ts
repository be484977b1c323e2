/**
 * Storage attached to a running workstation, end to end: a real moto, the
 * real service, an emulated boot whose agent (every second) pulls the desired
 * state from the reply to its HTTP report. alice attaches an EFS volume and a
 * registered dataset to her ready workstation; the agent mounts both and
 * reports them (GET /instances/:id and instance:updated on a real socket);
 * the workstation's role then reaches the dataset's prefix and nothing else,
 * and wears its instance profile. A mount dropped in the sandbox is mounted
 * again and reported. Detaching unmounts and narrows the role. A viewer of
 * her project is refused (403), a stranger does not see it (404), and a
 * stopped workstation takes no attachment (409).
 */
import fs from 'node:fs';
import path from 'node:path';
import { DescribeIamInstanceProfileAssociationsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Workstation, WorkstationMount } from '../src/contract/api';
import type { LogEvent, WorkstationUpdatedEvent } from '../src/contract/events';
import { EMULATED_MOUNT_MARKER } from '../src/domain/mount-spec';
import { emulatorEc2 } from './support/moto';
import { requestAs, startPrism, writeUsersFile, type PrismClientSocket, type TestPrism } from './support/prism';

const ALICE = 'alice-token-for-attach-tests';
const BOB = 'bob-token-for-attach-tests';
const VERA = 'vera-token-for-attach-tests';
const BUCKET = 'lab-data-attach';

let prism: TestPrism;
let ec2: EC2Client;
let iam: IAMClient;
let socket: PrismClientSocket;
const updates: WorkstationUpdatedEvent[] = [];
const lines: LogEvent[] = [];
const previousInterval = process.env.PRISM_AGENT_INTERVAL_SECONDS;

let workstation: Workstation;
let volumeId: string;

beforeAll(async () => {
  process.env.PRISM_AGENT_INTERVAL_SECONDS = '1';
  const usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB },
    { user: 'vera', token: VERA }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile });
  const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  ec2 = emulatorEc2(prism.moto.endpoint);
  iam = new IAMClient({ endpoint: prism.moto.endpoint, region: 'us-east-1', credentials });
  const s3 = new S3Client({ endpoint: prism.moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  s3.destroy();
  socket = prism.socket({ token: ALICE });
  socket.on('instance:updated', event => updates.push(event));
  socket.on('instance:log', event => lines.push(event));
  await new Promise<void>(resolve => socket.on('connect', () => resolve()));
}, 60_000);

afterAll(async () => {
  if (previousInterval === undefined) delete process.env.PRISM_AGENT_INTERVAL_SECONDS;
  else process.env.PRISM_AGENT_INTERVAL_SECONDS = previousInterval;
  ec2?.destroy();
  iam?.destroy();
  await prism?.stop();
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> => requestAs(prism, token, route, method, body);

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

async function current(): Promise<Workstation> {
  return (await (await as(ALICE, `/instances/${workstation.id}`)).json()) as Workstation;
}

function mountAt(ws: Workstation, mountPath: string): WorkstationMount | undefined {
  return ws.mounts?.find(m => m.path === mountPath);
}

/** Where the emulated workstation's `/path` is on this machine. */
function sandboxPath(workstationPath: string): string {
  return path.join(prism.dataDir, 'emulated-workstations', workstation.id, 'root', workstationPath);
}

interface Statement {
  Action: string | string[];
  Resource: string;
}

/** The role's inline policy; none at all grants nothing. */
async function policy(): Promise<Statement[]> {
  try {
    const answer = await iam.send(new GetRolePolicyCommand({ RoleName: `prism-ws-${workstation.id}`, PolicyName: 'prism-workstation-s3' }));
    return (JSON.parse(decodeURIComponent(answer.PolicyDocument ?? '')) as { Statement: Statement[] }).Statement;
  } catch (error) {
    if ((error as Error).name === 'NoSuchEntityException') return [];
    throw error;
  }
}

/** IAM's matching of an Allow statement's Resource: `*` is any run of characters. */
function allows(statements: Statement[], action: string, resource: string): boolean {
  return statements.some(s => {
    const pattern = new RegExp(`^${s.Resource.split('*').map(part => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
    return [s.Action].flat().includes(action) && pattern.test(resource);
  });
}

it('launches alice’s workstation in her project, with no storage, to ready', async () => {
  expect((await as(ALICE, '/projects', 'POST', { name: 'Attach Lab' })).status).toBe(201);
  expect((await as(ALICE, '/projects/attach-lab/members/vera', 'PUT', { role: 'viewer' })).status).toBe(200);
  const registered = await as(ALICE, '/datasets', 'POST', { name: 'genomes', bucket: BUCKET, prefix: 'genomes/', project: 'attach-lab' });
  expect(registered.status).toBe(201);
  const volume = await as(ALICE, '/volumes', 'POST', { name: 'shared', project: 'attach-lab' });
  expect(volume.status).toBe(201);
  volumeId = ((await volume.json()) as { id: string }).id;

  const launched = await as(ALICE, '/instances', 'POST', { name: 'attach-me', template: 'amazon-linux', arch: 'arm64', project: 'attach-lab' });
  expect(launched.status).toBe(202);
  workstation = (await launched.json()) as Workstation;
  await until(async () => ['ready', 'failed'].includes((await current()).phase), 150_000, 'the workstation to be ready');
  workstation = await current();
  expect(workstation).toMatchObject({ phase: 'ready', state: 'running', error: null });
}, 180_000);

it('refuses a project viewer (403) and hides the workstation from a stranger (404)', async () => {
  const viewer = await as(VERA, `/instances/${workstation.id}/datasets`, 'POST', { efs: { volume: volumeId } });
  expect(viewer.status).toBe(403);
  expect(await viewer.json()).toMatchObject({ code: 'FORBIDDEN', hint: expect.any(String) });
  const stranger = await as(BOB, `/instances/${workstation.id}/datasets`, 'POST', { dataset: 'genomes' });
  expect(stranger.status).toBe(404);
  expect(await stranger.json()).toMatchObject({ code: 'WORKSTATION_NOT_FOUND' });
  const bad = await as(ALICE, `/instances/${workstation.id}/datasets`, 'POST', { s3: { bucket: BUCKET } });
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({ code: 'INVALID_REQUEST', hint: expect.any(String) });
  expect((await current()).mounts ?? []).toEqual([]);
});

it('attaches a volume and a dataset; the agent mounts both and reports them over REST and the socket', async () => {
  const volume = await as(ALICE, `/instances/${workstation.id}/datasets`, 'POST', { efs: { volume: volumeId } });
  expect(volume.status).toBe(202);
  expect(mountAt((await volume.json()) as Workstation, '/mnt/efs/shared')).toMatchObject({ kind: 'efs', source: volumeId, status: 'pending' });
  const dataset = await as(ALICE, `/instances/${workstation.id}/datasets`, 'POST', { dataset: 'genomes' });
  expect(dataset.status).toBe(202);
  const answered = (await dataset.json()) as Workstation;
  expect(answered.datasets).toEqual([{ efs: { volume: volumeId } }, { dataset: 'genomes' }]);
  expect(mountAt(answered, '/data/genomes')).toMatchObject({ kind: 's3', source: `s3://${BUCKET}/genomes/`, status: 'pending' });

  await until(
    async () => {
      const ws = await current();
      return mountAt(ws, '/data/genomes')?.status === 'mounted' && mountAt(ws, '/mnt/efs/shared')?.status === 'mounted';
    },
    30_000,
    'both mounts to be reported mounted'
  );
  const pushed = updates.filter(u => u.id === workstation.id).map(u => u.workstation);
  expect(pushed.some(ws => mountAt(ws, '/data/genomes')?.status === 'mounted' && mountAt(ws, '/mnt/efs/shared')?.status === 'mounted')).toBe(true);
  const said = lines.filter(l => l.id === workstation.id).map(l => l.line);
  expect(said).toContain(`mounted s3://${BUCKET}/genomes/ at /data/genomes`);
  expect(said).toContain(`mounted ${volumeId} at /mnt/efs/shared`);
  expect(fs.existsSync(path.join(sandboxPath('/data/genomes'), EMULATED_MOUNT_MARKER))).toBe(true);
}, 60_000);

it('gives the running instance a role that reaches the new prefix and no other, and says the same attach again changes nothing', async () => {
  const associations = await ec2.send(
    new DescribeIamInstanceProfileAssociationsCommand({ Filters: [{ Name: 'instance-id', Values: [workstation.instanceId as string] }] })
  );
  expect(associations.IamInstanceProfileAssociations?.map(a => a.IamInstanceProfile?.Arn)).toEqual([expect.stringContaining(`instance-profile/prism-ws-${workstation.id}`)]);
  const statements = await policy();
  expect(allows(statements, 's3:GetObject', `arn:aws:s3:::${BUCKET}/genomes/hg38.fa`)).toBe(true);
  expect(allows(statements, 's3:PutObject', `arn:aws:s3:::${BUCKET}/genomes/hg38.fa`)).toBe(false);
  expect(allows(statements, 's3:GetObject', `arn:aws:s3:::${BUCKET}/private/notes.txt`)).toBe(false);
  expect(allows(statements, 's3:GetObject', 'arn:aws:s3:::another-bucket/genomes/hg38.fa')).toBe(false);

  const again = await as(ALICE, `/instances/${workstation.id}/datasets`, 'POST', { dataset: 'genomes' });
  expect(again.status).toBe(200);
  expect(((await again.json()) as Workstation).datasets).toHaveLength(2);
});

it('mounts a dropped mount again and reports it', async () => {
  const seenBefore = lines.length;
  fs.rmSync(path.join(sandboxPath('/data/genomes'), EMULATED_MOUNT_MARKER));
  await until(
    () => lines.slice(seenBefore).some(l => l.id === workstation.id && l.line === 're-mounted /data/genomes: it had dropped'),
    30_000,
    'the agent to re-mount the dropped dataset'
  );
  expect(fs.existsSync(path.join(sandboxPath('/data/genomes'), EMULATED_MOUNT_MARKER))).toBe(true);
  expect(mountAt(await current(), '/data/genomes')?.status).toBe('mounted');
}, 40_000);

it('detaches the dataset: the agent unmounts it and the role no longer reaches its prefix', async () => {
  const stranger = await as(BOB, `/instances/${workstation.id}/datasets/genomes`, 'DELETE');
  expect(stranger.status).toBe(404);
  const detached = await as(ALICE, `/instances/${workstation.id}/datasets/genomes`, 'DELETE');
  expect(detached.status).toBe(200);
  const answer = (await detached.json()) as Workstation;
  expect(answer.datasets).toEqual([{ efs: { volume: volumeId } }]);
  expect(mountAt(answer, '/data/genomes')).toBeUndefined();
  expect(allows(await policy(), 's3:GetObject', `arn:aws:s3:::${BUCKET}/genomes/hg38.fa`)).toBe(false);

  await until(
    () => lines.some(l => l.id === workstation.id && l.line === 'unmounted /data/genomes: it was detached'),
    30_000,
    'the agent to unmount the detached dataset'
  );
  expect(fs.existsSync(path.join(sandboxPath('/data/genomes'), EMULATED_MOUNT_MARKER))).toBe(false);
  expect(fs.existsSync(path.join(sandboxPath('/mnt/efs/shared'), EMULATED_MOUNT_MARKER))).toBe(true);
  const missing = await as(ALICE, `/instances/${workstation.id}/datasets/genomes`, 'DELETE');
  expect(missing.status).toBe(404);
  expect(await missing.json()).toMatchObject({ code: 'ATTACHMENT_NOT_FOUND', hint: expect.any(String) });
}, 40_000);

it('takes no attachment while the workstation is stopped', async () => {
  expect((await as(ALICE, `/instances/${workstation.id}/stop`, 'POST')).status).toBe(200);
  const refused = await as(ALICE, `/instances/${workstation.id}/datasets`, 'POST', { dataset: 'genomes' });
  expect(refused.status).toBe(409);
  expect(await refused.json()).toMatchObject({ code: 'NOT_READY', hint: expect.stringContaining('Start it first') });
  expect((await current()).datasets).toEqual([{ efs: { volume: volumeId } }]);
}, 40_000);
