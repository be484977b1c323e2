/**
 * 6. Data browsing: a dataset of 100 000 keys in moto's S3 (seeded in moto's
 * own process by server/test/support/moto-with-keys.py, seconds instead of
 * minutes of PutObject), listed through GET /datasets/:name/objects page by
 * page with `cursor`: time to the first page and to page 50. Baseline, same
 * run: the same pages of the same bucket listed with ListObjectsV2 straight
 * from moto by the SDK (what S3 alone costs).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '../server/test/support/moto';
import type { BenchResult } from './lib/report';
import { startService } from './lib/service';
import { median, round } from './lib/stats';

const REPO = path.resolve(__dirname, '..');
const BUCKET = 'bench-dataset';
const PREFIX = 'data/';

export async function datasetBrowsing(options: { keys: number; pages: number; runs: number }): Promise<Omit<BenchResult, 'startedAt' | 'seconds' | 'machine'>> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const moto = spawn(path.join(REPO, '.venv', 'bin', 'python'), [path.join(REPO, 'server', 'test', 'support', 'moto-with-keys.py'), String(port), BUCKET, PREFIX, String(options.keys)], {
    stdio: ['pipe', 'pipe', 'ignore']
  });
  await new Promise<void>((resolve, reject) => {
    moto.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    moto.once('exit', code => reject(new Error(`moto-with-keys.py exited (${code})`)));
  });
  const service = await startService({ awsEndpoint: endpoint });
  const s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  try {
    const registered = await service.api('/datasets', { method: 'POST', body: JSON.stringify({ name: 'bench-keys', bucket: BUCKET, prefix: PREFIX }) });
    if (registered.status !== 201) throw new Error(`POST /datasets answered ${registered.status}: ${await registered.text()}`);
    const prism = { first: [] as number[], last: [] as number[], pageSize: 0 };
    const direct = { first: [] as number[], last: [] as number[] };
    for (let run = 0; run < options.runs; run++) {
      let cursor: string | null = null;
      const start = performance.now();
      for (let page = 1; page <= options.pages; page++) {
        const response = await service.api(`/datasets/bench-keys/objects${cursor ? `?cursor=${encodeURIComponent(cursor)}` : ''}`);
        if (!response.ok) throw new Error(`GET objects answered ${response.status}: ${await response.text()}`);
        const listing = (await response.json()) as { objects: unknown[]; folders: unknown[]; nextCursor: string | null };
        if (page === 1) {
          prism.first.push(performance.now() - start);
          prism.pageSize = listing.objects.length + listing.folders.length;
        }
        cursor = listing.nextCursor;
        if (!cursor && page < options.pages) throw new Error(`the listing ended at page ${page}`);
      }
      prism.last.push(performance.now() - start);

      let token: string | undefined;
      const directStart = performance.now();
      for (let page = 1; page <= options.pages; page++) {
        const answer = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: PREFIX, Delimiter: '/', MaxKeys: prism.pageSize, ContinuationToken: token }));
        if (page === 1) direct.first.push(performance.now() - directStart);
        token = answer.NextContinuationToken;
      }
      direct.last.push(performance.now() - directStart);
    }
    return {
      name: 'datasets',
      title: `Browsing a ${options.keys.toLocaleString('en')}-key dataset through the API`,
      baseline: 'the same pages listed with ListObjectsV2 straight from moto (what S3 alone costs), same run',
      figures: [
        { name: 'first page', value: round(median(prism.first), 1), unit: 'ms', baseline: round(median(direct.first), 1) },
        { name: `page ${options.pages} (all pages from the first)`, value: round(median(prism.last), 0), unit: 'ms', baseline: round(median(direct.last), 0) }
      ],
      details: { keys: options.keys, pageSize: prism.pageSize, prism, direct }
    };
  } finally {
    s3.destroy();
    await service.stop();
    moto.stdin?.end();
    moto.kill('SIGTERM');
  }
}
