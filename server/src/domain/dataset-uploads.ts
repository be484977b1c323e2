/**
 * Uploads into a dataset through the service (the browser cannot reach S3
 * behind Jupyter's proxy): an S3 multipart upload the browser feeds part by
 * part. The upload is recorded before its parts arrive, so a restart does
 * not lose it; only the person who started it may continue, finish or abort
 * it, and to anyone else it does not exist (UPLOAD_NOT_FOUND).
 */
import crypto from 'node:crypto';
import type { DatasetObject, StartUploadRequest, Upload } from '../contract/datasets';
import { toDatasetObject } from './dataset-browser';
import type { DatasetObjects } from './dataset-objects';
import { keyOf, objectPath } from './dataset-paths';
import type { DatasetStore, Datasets, UploadRecord } from './datasets';
import { invalidRequest, notFound, PrismError } from './errors';
import type { Clock, DomainLogger } from './ports';

/** Bytes per part: S3 takes 5 MiB to 5 GiB per part but the last, and at most 10 000 parts. */
export const UPLOAD_PART_BYTES = 8 * 1024 * 1024;
const MAX_PARTS = 10_000;
export const MAX_UPLOAD_BYTES = UPLOAD_PART_BYTES * MAX_PARTS;

export interface DatasetUploadsDeps {
  datasets: Pick<Datasets, 'writableDataset'>;
  store: Pick<DatasetStore, 'insertUpload' | 'upload' | 'removeUpload'>;
  objects: Pick<DatasetObjects, 'startUpload' | 'uploadPart' | 'uploadedParts' | 'completeUpload' | 'abortUpload'>;
  clock: Clock;
  logger: DomainLogger;
}

export class DatasetUploads {
  constructor(private readonly deps: DatasetUploadsDeps) {}

  /** @throws {PrismError} DATASET_NOT_FOUND, FORBIDDEN (a project viewer), DATASET_READ_ONLY, INVALID_REQUEST. */
  async startUpload(user: string, name: string, request: StartUploadRequest): Promise<Upload> {
    const dataset = this.deps.datasets.writableDataset(user, name);
    const path = objectPath(request.path);
    const key = keyOf(dataset.prefix, path);
    if (!Number.isSafeInteger(request.size) || request.size < 0 || request.size > MAX_UPLOAD_BYTES) {
      throw invalidRequest(`size ${request.size} is not an upload size.`, `Give the file's size in bytes, up to ${MAX_UPLOAD_BYTES} (${MAX_PARTS} parts of ${UPLOAD_PART_BYTES}).`);
    }
    const contentType = request.contentType || 'application/octet-stream';
    const s3UploadId = await this.deps.objects.startUpload(dataset.bucket, key, contentType);
    const upload: UploadRecord = {
      id: `up-${crypto.randomBytes(12).toString('hex')}`,
      dataset: name,
      path,
      bucket: dataset.bucket,
      key,
      s3UploadId,
      owner: user,
      size: request.size,
      partSize: UPLOAD_PART_BYTES,
      parts: Math.max(1, Math.ceil(request.size / UPLOAD_PART_BYTES)),
      contentType,
      createdAt: this.deps.clock.now().toISOString()
    };
    this.deps.store.insertUpload(upload);
    this.deps.logger.info({ dataset: name, upload: upload.id, path, size: upload.size, by: user }, 'upload started');
    return toUpload(upload);
  }

  /** Part `n` (from 1) must be exactly `partSize` bytes, the last one the rest. Returns its ETag. */
  async uploadPart(user: string, name: string, id: string, partNumber: number, body: Buffer): Promise<{ etag: string }> {
    const upload = this.ownUpload(user, name, id);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > upload.parts) {
      throw invalidRequest(`There is no part ${partNumber} in this upload.`, `Parts are numbered 1 to ${upload.parts}.`);
    }
    const expected = partNumber < upload.parts ? upload.partSize : upload.size - upload.partSize * (upload.parts - 1);
    if (body.length !== expected) {
      throw invalidRequest(
        `Part ${partNumber} has ${body.length} bytes; it must have ${expected}.`,
        `Send bytes ${(partNumber - 1) * upload.partSize} to ${(partNumber - 1) * upload.partSize + expected - 1} of the file as part ${partNumber}, with Content-Type: application/octet-stream.`
      );
    }
    const etag = await this.deps.objects.uploadPart(upload.bucket, upload.key, upload.s3UploadId, partNumber, body);
    return { etag };
  }

  /** Completes once S3 holds every part; the record goes, the object is there. */
  async completeUpload(user: string, name: string, id: string): Promise<DatasetObject> {
    const upload = this.ownUpload(user, name, id);
    const held = await this.deps.objects.uploadedParts(upload.bucket, upload.key, upload.s3UploadId);
    const byNumber = new Map(held.map(part => [part.partNumber, part]));
    const missing = Array.from({ length: upload.parts }, (_, i) => i + 1).filter(n => !byNumber.has(n));
    if (missing.length > 0) {
      throw new PrismError(
        'UPLOAD_INCOMPLETE',
        409,
        'Parts missing',
        `Upload ${id} lacks part${missing.length === 1 ? '' : 's'} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', …' : ''} of ${upload.parts}.`,
        'Send the missing parts (PUT .../parts/:n), then complete again.'
      );
    }
    const parts = Array.from({ length: upload.parts }, (_, i) => ({ partNumber: i + 1, etag: (byNumber.get(i + 1) as { etag: string }).etag }));
    const object = await this.deps.objects.completeUpload(upload.bucket, upload.key, upload.s3UploadId, parts);
    this.deps.store.removeUpload(id);
    this.deps.logger.info({ dataset: name, upload: id, path: upload.path, size: object.size, by: user }, 'upload completed');
    return toDatasetObject(object, upload.path);
  }

  /** S3 drops the parts; nothing is left behind. */
  async abortUpload(user: string, name: string, id: string): Promise<void> {
    const upload = this.ownUpload(user, name, id);
    await this.deps.objects.abortUpload(upload.bucket, upload.key, upload.s3UploadId);
    this.deps.store.removeUpload(id);
    this.deps.logger.info({ dataset: name, upload: id, by: user }, 'upload aborted');
  }

  /** The caller's own upload into this dataset; anyone else's does not exist. */
  private ownUpload(user: string, name: string, id: string): UploadRecord {
    this.deps.datasets.writableDataset(user, name);
    const upload = this.deps.store.upload(id);
    if (!upload || upload.owner !== user || upload.dataset !== name) {
      throw notFound('upload', id, 'Start an upload with POST /datasets/:name/uploads; an upload is continued only by whoever started it.');
    }
    return upload;
  }
}

function toUpload(upload: UploadRecord): Upload {
  return { id: upload.id, dataset: upload.dataset, path: upload.path, partSize: upload.partSize, parts: upload.parts };
}
