import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dataset } from '../contract/datasets';
import type { UploadRecord } from '../domain/datasets';
import { SqliteDatasetStore } from './sqlite-dataset-store';
import { SqliteStore } from './sqlite-store';

const DATASET: Dataset = {
  name: 'ref',
  description: 'Genomes',
  bucket: 'lab-data',
  prefix: 'genomes/',
  readOnly: true,
  project: 'genomics',
  registeredBy: 'alice',
  registeredAt: '2026-11-27T12:00:00.000Z',
  mountPath: '/data/ref',
  s3Uri: 's3://lab-data/genomes/'
};

const UPLOAD: UploadRecord = {
  id: 'up-1',
  dataset: 'ref',
  path: 'runs/a.bin',
  bucket: 'lab-data',
  key: 'genomes/runs/a.bin',
  s3UploadId: 'S3-UPLOAD-ID',
  owner: 'bob',
  size: 12_000_000,
  partSize: 8_388_608,
  parts: 2,
  contentType: 'application/octet-stream',
  createdAt: '2026-11-27T12:00:01.000Z'
};

describe('the SQLite dataset store', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-datasets-'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps datasets and open uploads across a restart, and a name once', () => {
    const file = path.join(dir, 'prism.sqlite');
    new SqliteStore(file).close();
    const first = new SqliteDatasetStore(file);
    expect(first.insertDataset(DATASET)).toBe(true);
    expect(first.insertDataset({ ...DATASET, bucket: 'other' })).toBe(false);
    first.insertUpload(UPLOAD);
    first.close();

    const second = new SqliteDatasetStore(file);
    expect(second.dataset('ref')).toEqual(DATASET);
    expect(second.upload('up-1')).toEqual(UPLOAD);
    expect(second.uploadsOf('ref')).toEqual([UPLOAD]);
    expect(second.visibleDatasets([])).toEqual([]);
    expect(second.visibleDatasets(['genomics'])).toEqual([DATASET]);
    second.removeUpload('up-1');
    second.removeDataset('ref');
    expect(second.upload('up-1')).toBeUndefined();
    expect(second.dataset('ref')).toBeUndefined();
    second.close();
  });
});
