/**
 * Named datasets end to end against moto, as a small team (PRISM_USERS_FILE)
 * and the service's own admin: who may register, the bucket check, browsing
 * (folders, previews from the first bytes, downloads), uploads in parts, a
 * launch that mounts datasets at /data/<name> with a role reaching exactly
 * their prefixes, and an emulated mount that fails when the bucket is gone.
 *
 * alice: admin of project genomics; bob: its member; dave: its viewer; carol: in no project.
 */
import crypto from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { DescribeInstanceAttributeCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { GetRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, DeleteBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Workstation } from '../src/contract/api';
import type { Dataset, DatasetListing, DatasetObject, DatasetPreview, Upload } from '../src/contract/datasets';
import { isAllowed } from './support/iam-policy';
import { emulatorEc2 } from './support/moto';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';

const ALICE = 'alice-token-for-dataset-tests';
const BOB = 'bob-token-for-dataset-tests';
const CAROL = 'carol-token-for-dataset-tests';
const DAVE = 'dave-token-for-dataset-tests';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const MiB = 1024 * 1024;

let prism: TestPrism;
let admin: string;
let s3: S3Client;
let ec2: EC2Client;
let iam: IAMClient;
let bigLog: Buffer;

beforeAll(async () => {
  const usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB },
    { user: 'carol', token: CAROL },
    { user: 'dave', token: DAVE }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile });
  admin = prism.service.token;
  const client = { endpoint: prism.moto.endpoint, region: 'us-east-1', credentials: CREDENTIALS };
  s3 = new S3Client({ ...client, forcePathStyle: true });
  ec2 = emulatorEc2(prism.moto.endpoint);
  iam = new IAMClient(client);

  await s3.send(new CreateBucketCommand({ Bucket: 'lab-data' }));
  await s3.send(new CreateBucketCommand({ Bucket: 'lab-scratch' }));
  // 3 MiB of numbered lines: far more than a preview reads.
  bigLog = Buffer.from(Array.from({ length: 200_000 }, (_, i) => `line ${String(i).padStart(8, '0')}`).join('\n').slice(0, 3 * MiB));
  const objects: Record<string, string | Buffer> = {
    'data/readme.txt': 'Reference genomes, one folder per release.\n',
    'data/samples.csv': 'id,name,note\n1,"Smith, Ada","said ""hi"""\n2,Bo,"two\nlines"\n',
    'data/pixel.png': PNG,
    'data/analysis.ipynb': JSON.stringify({ cells: [{ cell_type: 'markdown', source: ['# Analysis'] }], nbformat: 4, nbformat_minor: 5 }),
    'data/big.log': bigLog,
    'data/release-1/chr1.fa': '>chr1\nACGT\n',
    'other/secret.txt': 'not in the dataset'
  };
  for (const [Key, Body] of Object.entries(objects)) await s3.send(new PutObjectCommand({ Bucket: 'lab-data', Key, Body }));

  expect((await as(ALICE, '/projects', 'POST', { name: 'Genomics' })).status).toBe(201);
  expect((await as(ALICE, '/projects/genomics/members/bob', 'PUT', { role: 'member' })).status).toBe(200);
  expect((await as(ALICE, '/projects/genomics/members/dave', 'PUT', { role: 'viewer' })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  ec2?.destroy();
  iam?.destroy();
  await prism?.stop();
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> =>
  requestAs(prism, token, route, method, body);

async function json<T>(response: Promise<Response>): Promise<T> {
  return (await (await response).json()) as T;
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

async function launchAndSettle(token: string, name: string, datasets: unknown[]): Promise<Workstation> {
  const launched = await as(token, '/instances', 'POST', { name, template: 'amazon-linux', arch: 'arm64', datasets });
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as { id: string };
  let workstation: Workstation | undefined;
  await until(
    async () => {
      workstation = await json<Workstation>(as(token, `/instances/${id}`));
      return workstation.phase === 'ready' || workstation.phase === 'failed';
    },
    120_000,
    `workstation ${name} to be ready or failed`
  );
  return workstation as Workstation;
}

const sha256 = (bytes: Buffer | Uint8Array): string => crypto.createHash('sha256').update(bytes).digest('hex');

describe('registration', () => {
  it('lets only an admin register a dataset for everyone, checking the bucket exists', async () => {
    const byAlice = await as(ALICE, '/datasets', 'POST', { name: 'reference', bucket: 'lab-data', prefix: 'data' });
    expect(byAlice.status).toBe(403);
    expect(await byAlice.json()).toMatchObject({ code: 'FORBIDDEN', hint: expect.stringContaining('project') });

    const missing = await as(admin, '/datasets', 'POST', { name: 'ghost', bucket: 'no-such-bucket-here' });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'DATASET_BUCKET_NOT_FOUND', detail: expect.stringContaining('no-such-bucket-here'), hint: expect.any(String) });

    const badName = await as(admin, '/datasets', 'POST', { name: 'Reference Data', bucket: 'lab-data' });
    expect(badName.status).toBe(400);
    expect(await badName.json()).toMatchObject({ code: 'NAME_INVALID', hint: expect.stringContaining('lower-case') });

    const created = await as(admin, '/datasets', 'POST', { name: 'reference', bucket: 'lab-data', prefix: '/data', description: 'Genomes' });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({
      name: 'reference',
      bucket: 'lab-data',
      prefix: 'data/',
      readOnly: true,
      project: null,
      description: 'Genomes',
      mountPath: '/data/reference',
      s3Uri: 's3://lab-data/data/'
    });

    const again = await as(admin, '/datasets', 'POST', { name: 'reference', bucket: 'lab-scratch' });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'DATASET_EXISTS', hint: expect.any(String) });
    // Nothing changed by the refusals.
    expect((await json<Dataset[]>(as(CAROL, '/datasets'))).map(d => [d.name, d.bucket])).toEqual([['reference', 'lab-data']]);
  });

  it("lets a project's admin register for the project, refuses its member and viewer, and hides it from anyone outside", async () => {
    const body = { name: 'scratch', bucket: 'lab-scratch', readOnly: false, project: 'genomics' };
    for (const token of [BOB, DAVE]) {
      const refused = await as(token, '/datasets', 'POST', body);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ code: 'FORBIDDEN', hint: expect.stringContaining('alice') });
    }
    const stranger = await as(CAROL, '/datasets', 'POST', body);
    expect(stranger.status).toBe(404);
    expect(await stranger.json()).toMatchObject({ code: 'PROJECT_NOT_FOUND' });

    const created = await as(ALICE, '/datasets', 'POST', body);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: 'scratch', prefix: '', readOnly: false, project: 'genomics', registeredBy: 'alice', mountPath: '/data/scratch' });

    expect((await json<Dataset[]>(as(BOB, '/datasets'))).map(d => d.name)).toEqual(['reference', 'scratch']);
    expect((await json<Dataset[]>(as(DAVE, '/datasets'))).map(d => d.name)).toEqual(['reference', 'scratch']);
    expect((await json<Dataset[]>(as(CAROL, '/datasets'))).map(d => d.name)).toEqual(['reference']);
    const hidden = await as(CAROL, '/datasets/scratch');
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toMatchObject({ code: 'DATASET_NOT_FOUND', hint: expect.any(String) });
    expect((await as(CAROL, '/datasets/scratch', 'DELETE')).status).toBe(404);
    expect((await as(BOB, '/datasets/scratch', 'DELETE')).status).toBe(403);
  });
});

describe('browsing', () => {
  it('lists a folder: folders and files in key order, relative to the prefix, nothing outside it', async () => {
    const top = await json<DatasetListing>(as(CAROL, '/datasets/reference/objects'));
    expect(top).toMatchObject({ dataset: 'reference', path: '', nextCursor: null });
    expect(top.folders).toEqual([{ name: 'release-1', path: 'release-1/' }]);
    expect(top.objects.map(o => o.path)).toEqual(['analysis.ipynb', 'big.log', 'pixel.png', 'readme.txt', 'samples.csv']);
    expect(top.objects.find(o => o.name === 'big.log')).toMatchObject({ size: bigLog.length, etag: expect.any(String) });

    const inner = await json<DatasetListing>(as(CAROL, '/datasets/reference/objects?path=release-1'));
    expect(inner).toMatchObject({ path: 'release-1/', folders: [], objects: [{ name: 'chr1.fa', path: 'release-1/chr1.fa', size: 11 }] });

    const twoAtATime = await json<DatasetListing>(as(CAROL, '/datasets/reference/objects?limit=2'));
    expect(twoAtATime.objects.map(o => o.name)).toEqual(['analysis.ipynb', 'big.log']);
    const next = await json<DatasetListing>(as(CAROL, `/datasets/reference/objects?limit=2&cursor=${twoAtATime.nextCursor}`));
    expect(next.objects.map(o => o.name)).toEqual(['pixel.png', 'readme.txt']);

    const climbing = await as(CAROL, '/datasets/reference/objects?path=../other');
    expect(climbing.status).toBe(400);
    expect(await climbing.json()).toMatchObject({ code: 'INVALID_REQUEST', hint: expect.stringContaining('..') });
    const foreignCursor = await as(CAROL, `/datasets/reference/objects?path=release-1&cursor=${twoAtATime.nextCursor}`);
    expect(foreignCursor.status).toBe(400);
  });

  it('previews CSV, text, a notebook and an image, and a large file from its first bytes only', async () => {
    const csv = await json<DatasetPreview>(as(CAROL, '/datasets/reference/preview?path=samples.csv'));
    expect(csv).toMatchObject({ kind: 'csv', truncated: false });
    expect(csv.rows).toEqual([
      ['id', 'name', 'note'],
      ['1', 'Smith, Ada', 'said "hi"'],
      ['2', 'Bo', 'two\nlines']
    ]);

    const text = await json<DatasetPreview>(as(CAROL, '/datasets/reference/preview?path=readme.txt'));
    expect(text).toMatchObject({ kind: 'text', truncated: false, text: 'Reference genomes, one folder per release.\n' });

    const notebook = await json<DatasetPreview>(as(CAROL, '/datasets/reference/preview?path=analysis.ipynb'));
    expect(notebook.kind).toBe('notebook');
    expect(JSON.parse(notebook.text as string).cells[0].source).toEqual(['# Analysis']);

    const image = await json<DatasetPreview>(as(CAROL, '/datasets/reference/preview?path=pixel.png'));
    expect(image).toMatchObject({ kind: 'image', truncated: false, size: PNG.length, dataUrl: `data:image/png;base64,${PNG.toString('base64')}` });

    const big = await json<DatasetPreview>(as(CAROL, '/datasets/reference/preview?path=big.log'));
    expect(big).toMatchObject({ kind: 'text', truncated: true, size: bigLog.length });
    expect(big.text).toBe(bigLog.subarray(0, 64 * 1024).toString('utf8'));

    const missing = await as(CAROL, '/datasets/reference/preview?path=nope.txt');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'DATASET_OBJECT_NOT_FOUND', hint: expect.any(String) });
  });

  it('downloads a file as an attachment with its length, byte for byte', async () => {
    const response = await as(CAROL, '/datasets/reference/download?path=big.log');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(bigLog.length));
    expect(response.headers.get('content-disposition')).toContain('attachment; filename="big.log"');
    expect(sha256(Buffer.from(await response.arrayBuffer()))).toBe(sha256(bigLog));
  });
});

describe('uploads', () => {
  it('takes ~12 MiB in two parts through the service; the download is the same bytes', async () => {
    const file = crypto.randomBytes(12 * MiB + 12345);
    const started = await as(BOB, '/datasets/scratch/uploads', 'POST', { path: 'runs/run-1.bin', size: file.length });
    expect(started.status).toBe(201);
    const upload = (await started.json()) as Upload;
    expect(upload).toMatchObject({ dataset: 'scratch', path: 'runs/run-1.bin', partSize: 8 * MiB, parts: 2 });

    // Another person in the project cannot feed, finish or abort bob's upload.
    const foreign = await putPart(ALICE, upload.id, 1, file.subarray(0, 8 * MiB));
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    expect((await as(ALICE, `/datasets/scratch/uploads/${upload.id}/complete`, 'POST')).status).toBe(404);

    const early = await as(BOB, `/datasets/scratch/uploads/${upload.id}/complete`, 'POST');
    expect(early.status).toBe(409);
    expect(await early.json()).toMatchObject({ code: 'UPLOAD_INCOMPLETE', detail: expect.stringContaining('1, 2') });

    for (let n = 1; n <= upload.parts; n++) {
      const part = await putPart(BOB, upload.id, n, file.subarray((n - 1) * upload.partSize, n * upload.partSize));
      expect(part.status).toBe(200);
      expect(await part.json()).toEqual({ etag: expect.any(String) });
    }
    const completed = await as(BOB, `/datasets/scratch/uploads/${upload.id}/complete`, 'POST');
    expect(completed.status).toBe(200);
    expect(await completed.json()).toMatchObject<Partial<DatasetObject>>({ name: 'run-1.bin', path: 'runs/run-1.bin', size: file.length });

    const downloaded = await as(DAVE, '/datasets/scratch/download?path=runs/run-1.bin');
    expect(sha256(Buffer.from(await downloaded.arrayBuffer()))).toBe(sha256(file));
    const stored = await s3.send(new GetObjectCommand({ Bucket: 'lab-scratch', Key: 'runs/run-1.bin' }));
    expect(sha256(await (stored.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray())).toBe(sha256(file));
    // Finished: the upload id is spent.
    expect((await putPart(BOB, upload.id, 1, file.subarray(0, 8 * MiB))).status).toBe(404);
  });

  it('refuses a read-only dataset, a project viewer, a path that climbs out, a part of the wrong size; aborts leave nothing', async () => {
    const readOnly = await as(admin, '/datasets/reference/uploads', 'POST', { path: 'new.txt', size: 3 });
    expect(readOnly.status).toBe(403);
    expect(await readOnly.json()).toMatchObject({ code: 'DATASET_READ_ONLY', hint: expect.stringContaining('readOnly') });

    const byViewer = await as(DAVE, '/datasets/scratch/uploads', 'POST', { path: 'new.txt', size: 3 });
    expect(byViewer.status).toBe(403);
    expect(await byViewer.json()).toMatchObject({ code: 'FORBIDDEN', hint: expect.stringContaining('member') });

    for (const path of ['../escape.txt', '/abs.txt', 'a//b.txt', 'folder/']) {
      const refused = await as(BOB, '/datasets/scratch/uploads', 'POST', { path, size: 3 });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toMatchObject({ code: 'INVALID_REQUEST', hint: expect.any(String) });
    }

    const upload = await json<Upload>(as(BOB, '/datasets/scratch/uploads', 'POST', { path: 'small.txt', size: 5, contentType: 'text/plain' }));
    const wrong = await putPart(BOB, upload.id, 1, Buffer.from('abc'));
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ code: 'INVALID_REQUEST', detail: expect.stringContaining('must have 5') });
    expect((await as(ALICE, `/datasets/scratch/uploads/${upload.id}`, 'DELETE')).status).toBe(404);
    expect((await as(BOB, `/datasets/scratch/uploads/${upload.id}`, 'DELETE')).status).toBe(204);
    expect((await putPart(BOB, upload.id, 1, Buffer.from('hello'))).status).toBe(404);
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'lab-scratch', Key: 'small.txt' }))).rejects.toMatchObject({ name: 'NotFound' });
  });

  it("gives someone outside the project a 404 for everything in the project's dataset", async () => {
    const routes: [string, string, unknown?][] = [
      ['/datasets/scratch/objects', 'GET'],
      ['/datasets/scratch/preview?path=runs/run-1.bin', 'GET'],
      ['/datasets/scratch/download?path=runs/run-1.bin', 'GET'],
      ['/datasets/scratch/uploads', 'POST', { path: 'x.txt', size: 1 }]
    ];
    for (const [route, method, body] of routes) {
      const response = await as(CAROL, route, method, body);
      expect({ route, status: response.status }).toEqual({ route, status: 404 });
      expect(await response.json()).toMatchObject({ code: 'DATASET_NOT_FOUND' });
    }
  });
});

function putPart(token: string, id: string, n: number, bytes: Buffer): Promise<Response> {
  return prism.api(`/datasets/scratch/uploads/${id}/parts/${n}`, {
    token,
    method: 'PUT',
    headers: { 'Content-Type': 'application/octet-stream' },
    body: bytes
  });
}

describe('at launch', () => {
  let workstation: Workstation;

  it('refuses an unknown dataset, or one the owner cannot see, before anything is made', async () => {
    const before = (await json<Workstation[]>(as(CAROL, '/instances'))).length;
    for (const name of ['no-such-dataset', 'scratch']) {
      const refused = await as(CAROL, '/instances', 'POST', { name: 'nope', template: 'amazon-linux', arch: 'arm64', datasets: [{ dataset: name }] });
      expect(refused.status).toBe(404);
      expect(await refused.json()).toMatchObject({ code: 'DATASET_NOT_FOUND', hint: expect.any(String) });
    }
    expect(await json<Workstation[]>(as(CAROL, '/instances'))).toHaveLength(before);
  });

  it('mounts each dataset at /data/<name>, with a role that reaches exactly their prefixes', async () => {
    workstation = await launchAndSettle(BOB, 'with-datasets', [{ dataset: 'reference' }, { dataset: 'scratch' }]);
    expect(workstation).toMatchObject({ phase: 'ready', error: null, datasets: [{ dataset: 'reference' }, { dataset: 'scratch' }] });

    const attribute = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: workstation.instanceId as string, Attribute: 'userData' }));
    const bytes = Buffer.from(attribute.UserData?.Value ?? '', 'base64');
    // User data may travel gzipped (cloud-init inflates it by its magic bytes).
    const userData = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
    expect(userData).toContain("mount_dataset 'lab-data' 'data/' 'read-only' '/data/reference'");
    expect(userData).toContain("mount_dataset 'lab-scratch' '' 'read-write' '/data/scratch'");
    const events = await json<{ line?: string }[]>(as(BOB, `/instances/${workstation.id}/events`));
    expect(events.some(e => e.line === 'mounted s3://lab-data/data/ at /data/reference (read-only)')).toBe(true);
    expect(events.some(e => e.line === 'mounted s3://lab-scratch/ at /data/scratch (read-write)')).toBe(true);

    const policy = await iam.send(new GetRolePolicyCommand({ RoleName: `prism-ws-${workstation.id}`, PolicyName: 'prism-workstation-s3' }));
    const document = decodeURIComponent(policy.PolicyDocument as string);
    const allowed = (action: string, resource: string, prefix?: string) =>
      isAllowed(document, { action, resource, ...(prefix !== undefined && { context: { 's3:prefix': prefix } }) });
    expect(allowed('s3:GetObject', 'arn:aws:s3:::lab-data/data/readme.txt')).toBe(true);
    expect(allowed('s3:ListBucket', 'arn:aws:s3:::lab-data', 'data/release-1/')).toBe(true);
    expect(allowed('s3:GetObject', 'arn:aws:s3:::lab-data/other/secret.txt')).toBe(false);
    expect(allowed('s3:ListBucket', 'arn:aws:s3:::lab-data', 'other/')).toBe(false);
    expect(allowed('s3:PutObject', 'arn:aws:s3:::lab-data/data/readme.txt')).toBe(false);
    expect(allowed('s3:PutObject', 'arn:aws:s3:::lab-scratch/runs/run-2.bin')).toBe(true);
    expect(allowed('s3:GetObject', 'arn:aws:s3:::some-other-bucket/data/readme.txt')).toBe(false);
  }, 150_000);

  it('refuses to delete a dataset while a workstation has it, and forgets it (never the bucket) after', async () => {
    const refused = await as(admin, '/datasets/reference', 'DELETE');
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ code: 'DATASET_IN_USE', detail: expect.stringContaining('with-datasets'), hint: expect.stringContaining('Terminate') });

    expect((await as(BOB, `/instances/${workstation.id}`, 'DELETE')).status).toBe(200);
    await until(async () => (await json<Workstation>(as(BOB, `/instances/${workstation.id}`))).state === 'terminated', 30_000, 'terminate');
    expect((await as(admin, '/datasets/reference', 'DELETE')).status).toBe(204);
    expect((await as(CAROL, '/datasets/reference')).status).toBe(404);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'lab-data', Key: 'data/readme.txt' }))).ContentLength).toBeGreaterThan(0);
  }, 60_000);

  it('fails the launch, naming the bucket, when a dataset’s bucket is gone (emulated mount)', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'doomed-bucket' }));
    expect((await as(admin, '/datasets', 'POST', { name: 'doomed', bucket: 'doomed-bucket' })).status).toBe(201);
    await s3.send(new DeleteBucketCommand({ Bucket: 'doomed-bucket' }));

    const failed = await launchAndSettle(CAROL, 'doomed-mount', [{ dataset: 'doomed' }]);
    expect(failed).toMatchObject({ phase: 'failed', state: 'failed' });
    expect(failed.error).toMatchObject({
      code: 'BOOTSTRAP_FAILED',
      detail: expect.stringContaining('cannot reach s3://doomed-bucket/'),
      hint: expect.stringContaining('dataset could not be mounted')
    });
    expect(failed.error?.detail).toContain('NoSuchBucket');
  }, 150_000);
});
