/**
 * The dataset browser walks a folder of 100 000 files with its stable
 * cursor: every key once, in key order, folders in their place, and a key
 * added in the middle of the walk neither repeats nor skips a page.
 *
 * Why moto-with-keys.py: putting 100 000 objects over HTTP took ~330 s here
 * (about 300 PutObject a second with 32 in flight), so the keys go straight
 * into moto's S3 backend and that same process serves them over HTTP. The
 * walk itself is 101 ListObjectsV2 calls over HTTP (~45 s on an idle machine:
 * moto sorts the whole bucket for each).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { DatasetListing } from '../src/contract/datasets';
import { freePort } from './support/moto';
import { startPrism, type TestPrism } from './support/prism';

const KEYS = 100_000;
const VENV_PYTHON = path.resolve(__dirname, '..', '..', '.venv', 'bin', 'python');
const HELPER = path.join(__dirname, 'support', 'moto-with-keys.py');

let helper: ChildProcessWithoutNullStreams;
let prism: TestPrism;
let s3: S3Client;

beforeAll(async () => {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  helper = spawn(VENV_PYTHON, [HELPER, String(port), 'big-bucket', 'data/', String(KEYS)]);
  let stderr = '';
  helper.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  await new Promise<void>((resolve, reject) => {
    helper.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    helper.once('exit', code => reject(new Error(`moto-with-keys.py exited (${code}): ${stderr}`)));
  });
  prism = await startPrism({ PRISM_AWS_ENDPOINT: endpoint });
  s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  const registered = await prism.api('/datasets', { method: 'POST', body: JSON.stringify({ name: 'big', bucket: 'big-bucket', prefix: 'data/' }) });
  expect(registered.status).toBe(201);
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await prism?.stop();
  if (helper && helper.exitCode === null) {
    const exited = new Promise(resolve => helper.once('exit', resolve));
    helper.stdin.end();
    await exited;
  }
});

const name = (i: number): string => `k${String(i).padStart(6, '0')}`;

it('walks 100 000 files with a stable cursor: each once, in order, and a key added mid-walk changes no page', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const query: string = `/datasets/big/objects?limit=1000${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await prism.api(query);
    expect(response.status).toBe(200);
    const page = (await response.json()) as DatasetListing;
    const entries = [...page.folders.map(f => f.path), ...page.objects.map(o => o.path)].sort();
    // Within the page: folders and files together in key order, and the first after the last page's last.
    expect(entries.length).toBeGreaterThan(0);
    if (seen.length > 0) expect(entries[0] > seen[seen.length - 1]).toBe(true);
    seen.push(...entries);
    cursor = page.nextCursor;
    pages++;
    if (pages === 50) {
      // One behind the cursor (already walked) and one ahead of it.
      await s3.send(new PutObjectCommand({ Bucket: 'big-bucket', Key: `data/${name(100)}a`, Body: 'late' }));
      await s3.send(new PutObjectCommand({ Bucket: 'big-bucket', Key: `data/${name(KEYS - 1)}a`, Body: 'late' }));
    }
  } while (cursor);

  const expected: string[] = [];
  for (let i = 0; i < KEYS; i++) {
    expected.push(name(i));
    if (i % 1000 === 500) expected.push(`${name(i)}x/`);
  }
  expected.push(`${name(KEYS - 1)}a`);
  expected.sort();
  expect(seen.length).toBe(expected.length);
  expect(seen).toEqual(expected);
  expect(pages).toBe(Math.ceil(expected.length / 1000));
}, 600_000);
