import type { Dataset } from '../contract/datasets';
import { DatasetUploads, UPLOAD_PART_BYTES } from './dataset-uploads';
import type { DatasetObjects } from './dataset-objects';
import type { UploadRecord } from './datasets';

const WRITABLE = { name: 'scratch', bucket: 'lab-scratch', prefix: 'team/', readOnly: false } as Dataset;

function setUp(dataset: Dataset = WRITABLE) {
  const rows = new Map<string, UploadRecord>();
  const parts = new Map<number, Buffer>();
  const objects: Pick<DatasetObjects, 'startUpload' | 'uploadPart' | 'uploadedParts' | 'completeUpload' | 'abortUpload'> = {
    startUpload: async () => 's3-upload-1',
    uploadPart: async (_bucket, _key, _id, n, body) => {
      parts.set(n, body);
      return `etag-${n}`;
    },
    uploadedParts: async () => [...parts.entries()].map(([partNumber, body]) => ({ partNumber, etag: `etag-${partNumber}`, size: body.length })),
    completeUpload: async (_bucket, key) => ({ key, size: [...parts.values()].reduce((sum, p) => sum + p.length, 0), etag: 'whole', lastModified: '2026-01-01T00:00:00.000Z' }),
    abortUpload: async () => undefined
  };
  const uploads = new DatasetUploads({
    datasets: { writableDataset: () => dataset },
    store: {
      insertUpload: upload => void rows.set(upload.id, upload),
      upload: id => rows.get(id),
      removeUpload: id => void rows.delete(id)
    },
    objects,
    clock: { now: () => new Date('2026-11-27T12:00:00Z') },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined }
  });
  return { uploads, rows, parts };
}

describe('uploads into a dataset', () => {
  it('records the upload with its S3 key under the prefix, in 8 MiB parts', async () => {
    const { uploads, rows } = setUp();
    const upload = await uploads.startUpload('bob', 'scratch', { path: 'runs/a.bin', size: 2 * UPLOAD_PART_BYTES + 1 });
    expect(upload).toEqual({ id: expect.stringMatching(/^up-[0-9a-f]{24}$/), dataset: 'scratch', path: 'runs/a.bin', partSize: UPLOAD_PART_BYTES, parts: 3 });
    expect(rows.get(upload.id)).toMatchObject({ key: 'team/runs/a.bin', s3UploadId: 's3-upload-1', owner: 'bob', contentType: 'application/octet-stream' });
  });

  it('takes each part at exactly its size, refuses another, and completes only once every part is there', async () => {
    const { uploads, rows } = setUp();
    const upload = await uploads.startUpload('bob', 'scratch', { path: 'a.bin', size: UPLOAD_PART_BYTES + 10 });
    await expect(uploads.uploadPart('bob', 'scratch', upload.id, 2, Buffer.alloc(11))).rejects.toMatchObject({ code: 'INVALID_REQUEST', detail: expect.stringContaining('must have 10') });
    await expect(uploads.uploadPart('bob', 'scratch', upload.id, 3, Buffer.alloc(10))).rejects.toMatchObject({ code: 'INVALID_REQUEST', hint: expect.stringContaining('1 to 2') });
    expect(await uploads.uploadPart('bob', 'scratch', upload.id, 2, Buffer.alloc(10))).toEqual({ etag: 'etag-2' });
    await expect(uploads.completeUpload('bob', 'scratch', upload.id)).rejects.toMatchObject({ code: 'UPLOAD_INCOMPLETE', detail: expect.stringContaining('part 1 of 2') });
    await uploads.uploadPart('bob', 'scratch', upload.id, 1, Buffer.alloc(UPLOAD_PART_BYTES));
    expect(await uploads.completeUpload('bob', 'scratch', upload.id)).toMatchObject({ name: 'a.bin', path: 'a.bin', size: UPLOAD_PART_BYTES + 10 });
    expect(rows.size).toBe(0);
  });

  it("hides someone else's upload, and one into another dataset", async () => {
    const { uploads } = setUp();
    const upload = await uploads.startUpload('bob', 'scratch', { path: 'a.bin', size: 1 });
    await expect(uploads.uploadPart('alice', 'scratch', upload.id, 1, Buffer.alloc(1))).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND', status: 404 });
    await expect(uploads.abortUpload('alice', 'scratch', upload.id)).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
    await expect(uploads.completeUpload('bob', 'other', upload.id)).rejects.toMatchObject({ code: 'UPLOAD_NOT_FOUND' });
  });

  it('refuses a size beyond 10 000 parts', async () => {
    const { uploads } = setUp();
    await expect(uploads.startUpload('bob', 'scratch', { path: 'a.bin', size: UPLOAD_PART_BYTES * 10_000 + 1 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' });
  });
});
