/**
 * Reads the community catalog from S3: the index at PRISM_CATALOG_URL
 * (`s3://bucket/key`) and the template files it names, whose keys are
 * relative to the index's folder.
 */
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { PrismError } from '../domain/errors';
import type { CatalogSource } from '../domain/catalog';
import type { AwsClients } from './clients';
import { toPrismError } from './errors';

/** A template file is small; this stops a wrong key from pulling in a huge object. */
const MAX_OBJECT_BYTES = 512 * 1024;

export function parseS3Url(url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) {
    throw new PrismError('CATALOG_URL_INVALID', 500, 'The catalog URL is not valid', `'${url}' is not an s3://bucket/key URL.`, 'Set PRISM_CATALOG_URL to the index, for example s3://prism-community-catalog/index.json.');
  }
  return { bucket: match[1], key: match[2] };
}

export function createS3CatalogSource(clients: AwsClients, url: string): CatalogSource {
  const { bucket, key } = parseS3Url(url);
  const folder = key.includes('/') ? key.slice(0, key.lastIndexOf('/') + 1) : '';

  async function read(objectKey: string): Promise<string> {
    try {
      const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: objectKey }));
      if ((object.ContentLength ?? 0) > MAX_OBJECT_BYTES) {
        object.Body?.transformToWebStream().cancel().catch(() => undefined);
        throw unreadable(`s3://${bucket}/${objectKey}`, `it is larger than ${MAX_OBJECT_BYTES / 1024} KiB`);
      }
      return (await object.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'NoSuchKey' || name === 'NoSuchBucket') {
        throw unreadable(`s3://${bucket}/${objectKey}`, name === 'NoSuchKey' ? 'there is no such object' : 'there is no such bucket');
      }
      throw toPrismError(error, 's3:GetObject');
    }
  }

  return {
    location: url,
    readIndex: () => read(key),
    readFile: path => read(`${folder}${path}`)
  };
}

function unreadable(where: string, why: string): PrismError {
  return new PrismError(
    'CATALOG_UNREACHABLE',
    502,
    'The catalog cannot be read',
    `Prism could not read ${where}: ${why}.`,
    'Check PRISM_CATALOG_URL and that the catalog is published there; an admin can ask its publisher.'
  );
}
