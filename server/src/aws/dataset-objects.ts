/**
 * A dataset's objects in S3 (the DatasetObjects port): listing with
 * Delimiter `/` and StartAfter, Range GETs for previews, streamed downloads
 * and multipart uploads. S3 errors become PrismErrors here; a refusal names
 * the statement that grants the action on that bucket, not on Prism's own.
 */
import type { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  UploadPartCommand
} from '@aws-sdk/client-s3';
import type { DatasetObjects, ListedObject, ObjectStart } from '../domain/dataset-objects';
import { PermissionDeniedError, PrismError } from '../domain/errors';
import type { AwsClients } from './clients';
import { toPrismError } from './errors';

/** `clients()`: the current ones, which follow a switch of AWS profile or region. */
export function createDatasetObjects(clients: () => AwsClients): DatasetObjects {
  const s3 = () => clients().s3;

  async function call<T>(action: string, bucket: string, key: string | null, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw datasetError(error, action, bucket, key);
    }
  }

  async function head(bucket: string, key: string): Promise<{ size: number; contentType: string; etag: string; lastModified: string }> {
    const answer = await call('s3:GetObject', bucket, key, () => s3().send(new HeadObjectCommand({ Bucket: bucket, Key: key })));
    return {
      size: answer.ContentLength ?? 0,
      contentType: answer.ContentType ?? 'application/octet-stream',
      etag: unquote(answer.ETag),
      lastModified: (answer.LastModified ?? new Date(0)).toISOString()
    };
  }

  return {
    async bucketExists(bucket) {
      try {
        await s3().send(new HeadBucketCommand({ Bucket: bucket }));
        return true;
      } catch (error) {
        const name = (error as Error).name;
        if (name === 'NotFound' || name === 'NoSuchBucket') return false;
        throw datasetError(error, 's3:ListBucket', bucket, null);
      }
    },

    async list(bucket, prefix, startAfter, maxKeys) {
      const answer = await call('s3:ListBucket', bucket, null, () =>
        s3().send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, Delimiter: '/', MaxKeys: maxKeys, ...(startAfter !== undefined && { StartAfter: startAfter }) })
        )
      );
      return {
        objects: (answer.Contents ?? []).map(
          (object): ListedObject => ({
            key: object.Key ?? '',
            size: object.Size ?? 0,
            lastModified: (object.LastModified ?? new Date(0)).toISOString(),
            etag: unquote(object.ETag)
          })
        ),
        folders: (answer.CommonPrefixes ?? []).flatMap(p => (p.Prefix ? [p.Prefix] : [])),
        truncated: answer.IsTruncated === true
      };
    },

    async readStart(bucket, key, bytes): Promise<ObjectStart> {
      try {
        const answer = await s3().send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${Math.max(0, bytes - 1)}` }));
        const body = Buffer.from((await answer.Body?.transformToByteArray()) ?? []);
        // "bytes 0-65535/1234567": the whole object's size is after the slash.
        const total = Number(/\/(\d+)$/.exec(answer.ContentRange ?? '')?.[1] ?? answer.ContentLength ?? body.length);
        return { bytes: body, size: total, contentType: answer.ContentType ?? 'application/octet-stream' };
      } catch (error) {
        // An empty object has no byte 0 to range over.
        if ((error as Error).name === 'InvalidRange') {
          const { size, contentType } = await head(bucket, key);
          if (size === 0) return { bytes: Buffer.alloc(0), size, contentType };
        }
        throw datasetError(error, 's3:GetObject', bucket, key);
      }
    },

    async open(bucket, key) {
      const answer = await call('s3:GetObject', bucket, key, () => s3().send(new GetObjectCommand({ Bucket: bucket, Key: key })));
      return {
        body: answer.Body as Readable,
        size: answer.ContentLength ?? 0,
        contentType: answer.ContentType ?? 'application/octet-stream'
      };
    },

    async startUpload(bucket, key, contentType) {
      const answer = await call('s3:PutObject', bucket, key, () =>
        s3().send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: contentType }))
      );
      if (!answer.UploadId) throw new PrismError('CLOUD_ERROR', 502, 'AWS failed', `S3 started no upload for s3://${bucket}/${key}.`, 'Try again in a moment.');
      return answer.UploadId;
    },

    async uploadPart(bucket, key, uploadId, partNumber, body) {
      const answer = await call('s3:PutObject', bucket, key, () =>
        s3().send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length }))
      );
      return unquote(answer.ETag);
    },

    async uploadedParts(bucket, key, uploadId) {
      const parts: { partNumber: number; etag: string; size: number }[] = [];
      // By hand, not paginateListParts: that follows NextPartNumberMarker alone, which an
      // answer that is not truncated may still carry (moto's does), and so never ends.
      let marker: string | undefined;
      for (;;) {
        const page = await call('s3:ListMultipartUploadParts', bucket, key, () =>
          s3().send(new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, ...(marker !== undefined && { PartNumberMarker: marker }) }))
        );
        for (const part of page.Parts ?? []) parts.push({ partNumber: part.PartNumber ?? 0, etag: unquote(part.ETag), size: part.Size ?? 0 });
        if (!page.IsTruncated || !page.NextPartNumberMarker || page.NextPartNumberMarker === marker) break;
        marker = page.NextPartNumberMarker;
      }
      return parts;
    },

    async completeUpload(bucket, key, uploadId, parts) {
      await call('s3:PutObject', bucket, key, () =>
        s3().send(
          new CompleteMultipartUploadCommand({
            Bucket: bucket,
            Key: key,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts.map(p => ({ PartNumber: p.partNumber, ETag: `"${p.etag}"` })) }
          })
        )
      );
      const { size, etag, lastModified } = await head(bucket, key);
      return { key, size, etag, lastModified };
    },

    async abortUpload(bucket, key, uploadId) {
      try {
        await s3().send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
      } catch (error) {
        if ((error as Error).name !== 'NoSuchUpload') throw datasetError(error, 's3:AbortMultipartUpload', bucket, key);
      }
    }
  };
}

function datasetError(error: unknown, action: string, bucket: string, key: string | null): PrismError {
  const name = (error as Error | undefined)?.name;
  if (name === 'NoSuchKey' || (name === 'NotFound' && key !== null)) {
    return new PrismError('DATASET_OBJECT_NOT_FOUND', 404, 'No such file', `There is no file s3://${bucket}/${key}.`, 'List the folder again (GET /datasets/:name/objects); it may have been moved or deleted.');
  }
  if (name === 'NoSuchBucket') {
    return new PrismError(
      'DATASET_BUCKET_NOT_FOUND',
      404,
      'The dataset’s bucket is gone',
      `The bucket '${bucket}' does not exist any more.`,
      'Ask whoever registered the dataset to register it again with the bucket where the data is now, or delete it.'
    );
  }
  if (name === 'NoSuchUpload') {
    return new PrismError('UPLOAD_NOT_FOUND', 404, 'No such upload', `S3 no longer holds this upload into s3://${bucket}/${key}.`, 'Start the upload again (POST /datasets/:name/uploads).');
  }
  const problem = toPrismError(error, action);
  if (problem instanceof PermissionDeniedError) {
    // The generic statement names Prism's own buckets; a dataset lives in its own.
    return new PermissionDeniedError(problem.detail, `Allow '${action}' on the dataset's bucket in the IAM policy Prism runs with (this statement), or in the bucket's policy.`, {
      Sid: `PrismDataset${action.replace(/[^A-Za-z0-9]/g, '')}`,
      Effect: 'Allow',
      Action: action,
      Resource: action === 's3:ListBucket' ? `arn:aws:s3:::${bucket}` : `arn:aws:s3:::${bucket}/*`
    });
  }
  return problem;
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}
