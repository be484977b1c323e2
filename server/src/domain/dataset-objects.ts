/**
 * The port to a dataset's objects (S3 in aws/dataset-objects.ts). Errors are
 * PrismErrors with a hint: DATASET_OBJECT_NOT_FOUND for a missing key,
 * DATASET_BUCKET_NOT_FOUND for a bucket gone since it was registered.
 */
import type { Readable } from 'node:stream';

export interface ListedObject {
  key: string;
  size: number;
  lastModified: string;
  etag: string;
}

/** One ListObjectsV2 answer with Delimiter `/`: keys and common prefixes, each sorted by key. */
export interface ObjectPage {
  objects: ListedObject[];
  /** Full common prefixes, each ending in `/`. */
  folders: string[];
  truncated: boolean;
}

export interface ObjectHead {
  size: number;
  contentType: string;
}

/** The first bytes of an object, with what its headers say of the whole. */
export interface ObjectStart extends ObjectHead {
  bytes: Buffer;
}

export interface ObjectStream extends ObjectHead {
  body: Readable;
}

export interface DatasetObjects {
  /** HeadBucket: false when there is no such bucket. */
  bucketExists(bucket: string): Promise<boolean>;
  /** Keys and folders under `prefix` strictly after `startAfter`, at most `maxKeys` of them together. */
  list(bucket: string, prefix: string, startAfter: string | undefined, maxKeys: number): Promise<ObjectPage>;
  /** A Range GET of the first `bytes` bytes (fewer when the object is smaller): never the whole object. */
  readStart(bucket: string, key: string, bytes: number): Promise<ObjectStart>;
  /** The object as a stream, for a download that holds no more than a chunk at a time. */
  open(bucket: string, key: string): Promise<ObjectStream>;
  /** CreateMultipartUpload; returns S3's UploadId. */
  startUpload(bucket: string, key: string, contentType: string): Promise<string>;
  /** UploadPart; returns the part's ETag. */
  uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: Buffer): Promise<string>;
  /** The parts S3 holds for the upload (ListParts), by number. */
  uploadedParts(bucket: string, key: string, uploadId: string): Promise<{ partNumber: number; etag: string; size: number }[]>;
  /** CompleteMultipartUpload with those parts; returns the object as listed. */
  completeUpload(bucket: string, key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<ListedObject>;
  /** AbortMultipartUpload; one already gone is fine. */
  abortUpload(bucket: string, key: string, uploadId: string): Promise<void>;
}
