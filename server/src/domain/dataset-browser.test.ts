import type { Dataset } from '../contract/datasets';
import { DatasetBrowser } from './dataset-browser';
import type { DatasetObjects, ListedObject } from './dataset-objects';
import { PREVIEW_TEXT_BYTES } from './dataset-preview';

const DATASET = { name: 'ref', bucket: 'lab-data', prefix: 'data/' } as Dataset;

/**
 * A bucket as S3 lists it with Delimiter "/": StartAfter compares keys, so a
 * folder whose keys sort after the folder's own name comes back again after
 * a cursor that named it. MaxKeys counts keys and folders together.
 */
function bucket(keys: string[]): Pick<DatasetObjects, 'list' | 'readStart' | 'open'> & { reads: number[] } {
  const reads: number[] = [];
  return {
    reads,
    async list(_bucket, prefix, startAfter, maxKeys) {
      const entries = new Map<string, ListedObject | null>();
      for (const key of [...keys].sort()) {
        if (!key.startsWith(prefix) || (startAfter !== undefined && key <= startAfter)) continue;
        const rest = key.slice(prefix.length);
        const slash = rest.indexOf('/');
        if (slash >= 0) entries.set(prefix + rest.slice(0, slash + 1), null);
        else entries.set(key, { key, size: 1, lastModified: '2026-01-01T00:00:00.000Z', etag: 'e' });
      }
      const page = [...entries.entries()].slice(0, maxKeys);
      return {
        objects: page.flatMap(([, object]) => (object ? [object] : [])),
        folders: page.flatMap(([key, object]) => (object ? [] : [key])),
        truncated: entries.size > maxKeys
      };
    },
    async readStart(_bucket, key, bytes) {
      reads.push(bytes);
      const size = key.endsWith('huge.png') ? 50_000_000 : key.endsWith('small.png') ? 100_000 : 10_000_000;
      return { bytes: Buffer.alloc(Math.min(bytes, size), 0x61), size, contentType: 'application/octet-stream' };
    },
    async open() {
      throw new Error('not used');
    }
  };
}

function browserOver(keys: string[]) {
  const objects = bucket(keys);
  return { objects, browser: new DatasetBrowser({ datasets: { getDataset: () => DATASET }, objects }) };
}

async function walk(browser: DatasetBrowser, path: string, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await browser.listObjects('ada', 'ref', { path, limit, ...(cursor && { cursor }) });
    pages.push([...page.folders.map(f => f.path), ...page.objects.map(o => o.path)].sort());
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return pages;
}

describe('the dataset browser', () => {
  it('pages through folders and files without repeating a folder S3 returns again after the cursor', async () => {
    const { browser } = browserOver(['data/a', 'data/b/1', 'data/b/2', 'data/c', 'data/d/1', 'data/e']);
    expect(await walk(browser, '', 2)).toEqual([['a', 'b/'], ['c', 'd/'], ['e']]);
    expect(await walk(browser, '', 1)).toEqual([['a'], ['b/'], ['c'], ['d/'], ['e']]);
  });

  it('leaves out the folder\'s own marker object and says there is no next page on the last', async () => {
    const { browser } = browserOver(['data/raw/', 'data/raw/x.csv']);
    const page = await browser.listObjects('ada', 'ref', { path: 'raw' });
    expect(page).toEqual({
      dataset: 'ref',
      path: 'raw/',
      folders: [],
      objects: [{ name: 'x.csv', path: 'raw/x.csv', size: 1, lastModified: '2026-01-01T00:00:00.000Z', etag: 'e' }],
      nextCursor: null
    });
  });

  it('refuses a page size over 1000', async () => {
    const { browser } = browserOver([]);
    await expect(browser.listObjects('ada', 'ref', { limit: 1001 })).rejects.toMatchObject({ code: 'INVALID_REQUEST', hint: expect.stringContaining('1000') });
  });

  it('reads 64 KiB of a large text file, and an image whole only when it is at most 2 MiB', async () => {
    const { browser, objects } = browserOver([]);
    expect(await browser.previewObject('ada', 'ref', 'big.txt')).toMatchObject({ kind: 'text', truncated: true, size: 10_000_000 });
    expect(objects.reads).toEqual([PREVIEW_TEXT_BYTES]);

    objects.reads.length = 0;
    expect(await browser.previewObject('ada', 'ref', 'huge.png')).toMatchObject({ kind: 'binary', truncated: true });
    expect(objects.reads).toEqual([PREVIEW_TEXT_BYTES]);

    objects.reads.length = 0;
    expect(await browser.previewObject('ada', 'ref', 'small.png')).toMatchObject({ kind: 'image', truncated: false });
    expect(objects.reads).toEqual([PREVIEW_TEXT_BYTES, 100_000]);
  });
});
