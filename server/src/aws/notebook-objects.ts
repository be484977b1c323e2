/**
 * Shared notebooks' bytes (the NotebookObjects port) in Prism's own bucket,
 * the one boot reports use (`prism-<account>-<region>` or
 * PRISM_REPORT_BUCKET), under `prism-shared-notebooks/`: workstation roles
 * reach only their own report keys there, so no workstation reads them.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { NotebookObjects } from '../domain/shared-notebooks';
import type { AwsClients } from './clients';
import { awsCall } from './errors';

/** `bucket()`: Prism's bucket, made when missing; `clients()`: the current ones. */
export function createNotebookObjects(clients: () => AwsClients, bucket: () => Promise<string>): NotebookObjects {
  return {
    async put(key, bytes) {
      const name = await bucket();
      await awsCall('s3:PutObject', () =>
        clients().s3.send(new PutObjectCommand({ Bucket: name, Key: key, Body: bytes, ContentType: 'application/x-ipynb+json', ContentLength: bytes.length }))
      );
      return { bucket: name };
    },

    async get(bucketName, key) {
      const object = await awsCall('s3:GetObject', () => clients().s3.send(new GetObjectCommand({ Bucket: bucketName, Key: key })));
      const bytes = await object.Body?.transformToByteArray();
      return Buffer.from(bytes ?? new Uint8Array());
    },

    async remove(bucketName, key) {
      await awsCall('s3:DeleteObject', () => clients().s3.send(new DeleteObjectCommand({ Bucket: bucketName, Key: key })));
    }
  };
}
