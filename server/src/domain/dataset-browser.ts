/**
 * The dataset browser's reads (docs/api.md, "Datasets"): one folder's page
 * of folders and files with a stable cursor, a preview from an object's
 * first bytes, and a download streamed straight from S3. Every call first
 * checks the caller may see the dataset (else DATASET_NOT_FOUND).
 */
import type { DatasetListing, DatasetObject, DatasetPreview } from '../contract/datasets';
import { compareKeys, decodeCursor, encodeCursor, folderPath, keyOf, objectPath } from './dataset-paths';
import {
  PREVIEW_IMAGE_BYTES,
  PREVIEW_TEXT_BYTES,
  binaryPreview,
  imagePreview,
  previewKind,
  textPreview
} from './dataset-preview';
import type { DatasetObjects, ListedObject, ObjectStream } from './dataset-objects';
import type { Datasets } from './datasets';
import { invalidRequest } from './errors';

export const LISTING_DEFAULT_LIMIT = 200;
export const LISTING_MAX_LIMIT = 1000;

export interface DatasetBrowserDeps {
  datasets: Pick<Datasets, 'getDataset'>;
  objects: Pick<DatasetObjects, 'list' | 'readStart' | 'open'>;
}

type Entry = { key: string; folder: true } | { key: string; folder: false; object: ListedObject };

export class DatasetBrowser {
  constructor(private readonly deps: DatasetBrowserDeps) {}

  /** One page of a folder, folders and files together in key order. */
  async listObjects(user: string, name: string, request: { path?: string; cursor?: string; limit?: number }): Promise<DatasetListing> {
    const dataset = this.deps.datasets.getDataset(user, name);
    const limit = request.limit ?? LISTING_DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > LISTING_MAX_LIMIT) {
      throw invalidRequest(`limit ${request.limit} is out of range.`, `Ask for 1 to ${LISTING_MAX_LIMIT} entries a page (default ${LISTING_DEFAULT_LIMIT}).`);
    }
    const path = folderPath(request.path ?? '');
    const prefix = keyOf(dataset.prefix, path);
    const after = request.cursor ? decodeCursor(request.cursor, path) : undefined;
    // S3 may answer again with the folder the last page ended on (its keys sort after the folder's
    // own name): one more is asked for, and that folder dropped. One more again tells whether a page follows.
    const page = await this.deps.objects.list(dataset.bucket, prefix, after, limit + (after?.endsWith('/') ? 2 : 1));
    const entries: Entry[] = [
      ...page.folders.filter(folder => folder !== after).map(key => ({ key, folder: true as const })),
      ...page.objects.filter(object => object.key !== prefix).map(object => ({ key: object.key, folder: false as const, object }))
    ].sort((a, b) => compareKeys(a.key, b.key));
    const shown = entries.slice(0, limit);
    const more = entries.length > limit || (page.truncated && shown.length > 0);
    const relative = (key: string): string => key.slice(dataset.prefix.length);
    return {
      dataset: name,
      path,
      folders: shown.filter(e => e.folder).map(e => ({ name: lastSegment(e.key.slice(0, -1)), path: relative(e.key) })),
      objects: shown.flatMap(e => (e.folder ? [] : [toDatasetObject(e.object, relative(e.key))])),
      nextCursor: more ? encodeCursor(path, shown[shown.length - 1].key) : null
    };
  }

  /** From the first bytes only: 64 KiB for text, CSV and notebooks; images up to 2 MiB. */
  async previewObject(user: string, name: string, path: string): Promise<DatasetPreview> {
    const dataset = this.deps.datasets.getDataset(user, name);
    const key = keyOf(dataset.prefix, objectPath(path));
    const start = await this.deps.objects.readStart(dataset.bucket, key, PREVIEW_TEXT_BYTES);
    const kind = previewKind(path, start.contentType);
    const source = { path, contentType: start.contentType, size: start.size, bytes: start.bytes };
    switch (kind) {
      case 'text':
      case 'csv':
      case 'notebook':
        return textPreview(source, kind);
      case 'image':
        if (start.size > PREVIEW_IMAGE_BYTES) return imagePreview(source);
        return imagePreview(
          start.bytes.length < start.size ? { ...source, bytes: (await this.deps.objects.readStart(dataset.bucket, key, start.size)).bytes } : source
        );
      default:
        return binaryPreview(source, start.bytes.length);
    }
  }

  /** The object as a stream, with its size and type, and the file name to save it as. */
  async downloadObject(user: string, name: string, path: string): Promise<ObjectStream & { fileName: string }> {
    const dataset = this.deps.datasets.getDataset(user, name);
    const key = keyOf(dataset.prefix, objectPath(path));
    return { ...(await this.deps.objects.open(dataset.bucket, key)), fileName: lastSegment(path) };
  }
}

export function toDatasetObject(object: ListedObject, path: string): DatasetObject {
  return { name: lastSegment(path), path, size: object.size, lastModified: object.lastModified, etag: object.etag };
}

function lastSegment(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
