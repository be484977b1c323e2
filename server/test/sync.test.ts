/**
 * Scheduled syncs end to end, with workstations reporting through S3
 * (PRISM_REPORT_CHANNEL=s3): a real moto, the real service, an emulated
 * boot whose agent reads its desired state from the object the service
 * writes and runs the venv's `aws s3 sync` against moto. Objects under a
 * dataset's folder land in the sandbox's volume folder byte for byte and the
 * run lists them; a second run copies nothing; with no workstation that has
 * both attached the run is skipped with its reason; a stranger sees nothing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Workstation } from '../src/contract/api';
import type { Sync, SyncDetail, SyncRun } from '../src/contract/sync';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';

const ALICE = 'alice-token-for-sync-tests';
const BOB = 'bob-token-for-sync-tests';
const BUCKET = 'lab-sync-source';

const FILES: Record<string, Buffer> = {
  'lab/raw/plate-1.csv': Buffer.from('well,signal\nA1,0.93\nA2,0.12\n'),
  'lab/raw/images/scan 01.bin': Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919) % 256))
};
/** In the dataset, outside the synced folder: never copied. */
const ELSEWHERE = 'lab/notes/readme.txt';

let prism: TestPrism;
let s3: S3Client;
let sync: Sync;
let volumeId: string;
let workstation: Workstation;
const previousInterval = process.env.PRISM_AGENT_INTERVAL_SECONDS;

beforeAll(async () => {
  process.env.PRISM_AGENT_INTERVAL_SECONDS = '1';
  const usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile, PRISM_REPORT_CHANNEL: 's3' });
  s3 = new S3Client({
    endpoint: prism.moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  for (const [key, body] of [...Object.entries(FILES), [ELSEWHERE, Buffer.from('not synced')] as const]) {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
  }
}, 60_000);

afterAll(async () => {
  if (previousInterval === undefined) delete process.env.PRISM_AGENT_INTERVAL_SECONDS;
  else process.env.PRISM_AGENT_INTERVAL_SECONDS = previousInterval;
  s3?.destroy();
  await prism?.stop();
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> => requestAs(prism, token, route, method, body);

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 500));
  }
}

async function detail(): Promise<SyncDetail> {
  return (await (await as(ALICE, `/syncs/${sync.id}`)).json()) as SyncDetail;
}

/** Runs the sync now and waits for its agent's report. */
async function runToEnd(): Promise<SyncRun> {
  const started = await as(ALICE, `/syncs/${sync.id}/run`, 'POST');
  expect(started.status).toBe(202);
  const run = (await started.json()) as SyncRun;
  expect(run).toMatchObject({ status: 'running', workstation: workstation.id });
  let finished: SyncRun | undefined;
  await until(
    async () => {
      finished = (await detail()).runs.find(r => r.id === run.id && r.status !== 'running');
      return finished !== undefined;
    },
    90_000,
    'the agent to report the sync run'
  );
  return finished as SyncRun;
}

function volumeFolder(): string {
  return path.join(prism.dataDir, 'emulated-workstations', workstation.id, 'root', 'mnt', 'efs', 'work', 'incoming', 'plates');
}

it('creates a sync from a dataset folder into a folder on a volume, and refuses one that leaves its folder', async () => {
  expect((await as(ALICE, '/projects', 'POST', { name: 'Sync Lab' })).status).toBe(201);
  expect((await as(ALICE, '/datasets', 'POST', { name: 'plates', bucket: BUCKET, prefix: 'lab/', project: 'sync-lab' })).status).toBe(201);
  const volume = await as(ALICE, '/volumes', 'POST', { name: 'work' });
  expect(volume.status).toBe(201);
  volumeId = ((await volume.json()) as { id: string }).id;

  const escaping = await as(ALICE, '/syncs', 'POST', { dataset: 'plates', volume: volumeId, folder: '../../etc', everyMinutes: 60 });
  expect(escaping.status).toBe(400);
  expect(await escaping.json()).toMatchObject({ code: 'INVALID_REQUEST', hint: expect.any(String) });
  const unseen = await as(BOB, '/syncs', 'POST', { dataset: 'plates', volume: volumeId, folder: 'x', everyMinutes: 60 });
  expect(unseen.status).toBe(404);

  const created = await as(ALICE, '/syncs', 'POST', { dataset: 'plates', path: 'raw', volume: volumeId, folder: 'incoming/plates', everyMinutes: 60 });
  expect(created.status).toBe(201);
  sync = (await created.json()) as Sync;
  expect(sync).toMatchObject({ owner: 'alice', dataset: 'plates', path: 'raw/', volume: volumeId, folder: 'incoming/plates', everyMinutes: 60, lastRun: null });
  expect(await (await as(ALICE, '/syncs')).json()).toEqual([sync]);
});

it('records a run as skipped, with the reason, while no workstation has both attached', async () => {
  const started = await as(ALICE, `/syncs/${sync.id}/run`, 'POST');
  expect(started.status).toBe(202);
  const run = (await started.json()) as SyncRun;
  expect(run).toMatchObject({ status: 'skipped', workstation: null, files: [], reason: expect.stringContaining("dataset 'plates' and volume") });
  expect((await detail()).runs).toEqual([run]);
});

it('hides the sync from a stranger', async () => {
  expect(await (await as(BOB, '/syncs')).json()).toEqual([]);
  for (const [route, method] of [
    [`/syncs/${sync.id}`, 'GET'],
    [`/syncs/${sync.id}/run`, 'POST'],
    [`/syncs/${sync.id}`, 'DELETE']
  ]) {
    const answer = await as(BOB, route, method);
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ code: 'SYNC_NOT_FOUND', hint: expect.any(String) });
  }
});

it('copies the folder’s files into the volume folder byte for byte through the agent, and lists them', async () => {
  const launched = await as(ALICE, '/instances', 'POST', { name: 'syncer', template: 'amazon-linux', arch: 'arm64' });
  expect(launched.status).toBe(202);
  workstation = (await launched.json()) as Workstation;
  await until(
    async () => ['ready', 'failed'].includes(((await (await as(ALICE, `/instances/${workstation.id}`)).json()) as Workstation).phase),
    150_000,
    'the workstation to be ready'
  );
  expect((await as(ALICE, `/instances/${workstation.id}/datasets`, 'POST', { dataset: 'plates' })).status).toBe(202);
  expect((await as(ALICE, `/instances/${workstation.id}/datasets`, 'POST', { efs: { volume: volumeId } })).status).toBe(202);

  const run = await runToEnd();
  expect(run).toMatchObject({ status: 'ok', workstation: workstation.id });
  expect([...run.files].sort((a, b) => a.path.localeCompare(b.path))).toEqual([
    { path: 'images/scan 01.bin', bytes: FILES['lab/raw/images/scan 01.bin'].length },
    { path: 'plate-1.csv', bytes: FILES['lab/raw/plate-1.csv'].length }
  ]);
  expect(run.bytes).toBe(FILES['lab/raw/images/scan 01.bin'].length + FILES['lab/raw/plate-1.csv'].length);
  expect(fs.readFileSync(path.join(volumeFolder(), 'plate-1.csv')).equals(FILES['lab/raw/plate-1.csv'])).toBe(true);
  expect(fs.readFileSync(path.join(volumeFolder(), 'images', 'scan 01.bin')).equals(FILES['lab/raw/images/scan 01.bin'])).toBe(true);
  expect(fs.readdirSync(volumeFolder()).sort()).toEqual(['images', 'plate-1.csv']);

  const events = (await (await as(ALICE, `/instances/${workstation.id}/events`)).json()) as { line?: string }[];
  expect(events.some(e => e.line === `sync ${sync.id}: 2 files (${run.bytes} bytes) copied from s3://${BUCKET}/lab/raw/ to /mnt/efs/work/incoming/plates`)).toBe(true);
}, 300_000);

it('copies nothing on a second run with nothing changed', async () => {
  const run = await runToEnd();
  expect(run).toMatchObject({ status: 'ok', files: [], bytes: 0 });
  expect((await detail()).lastRun).toEqual(run);
}, 120_000);

it('deletes the sync with its runs', async () => {
  expect((await as(ALICE, `/syncs/${sync.id}`, 'DELETE')).status).toBe(204);
  expect((await as(ALICE, `/syncs/${sync.id}`)).status).toBe(404);
  expect(await (await as(ALICE, '/syncs')).json()).toEqual([]);
});
