/**
 * Paths inside a dataset, always relative to its prefix, and the listing's
 * cursor. A path never climbs out of the prefix: no `..`, no leading `/`,
 * no empty segment. The cursor names the last key (or folder) a page
 * returned, so the next page starts strictly after it whatever was added
 * meanwhile: unlike S3's ContinuationToken it never expires and never repeats.
 */
import { invalidRequest } from './errors';

const MAX_KEY_BYTES = 1024;

/** A folder to list: `""` (the dataset's top) or segments ending in `/`. */
export function folderPath(path: string): string {
  if (path === '' || path === '/') return '';
  const folder = path.endsWith('/') ? path : `${path}/`;
  checkSegments(folder.slice(0, -1), path);
  return folder;
}

/** An object's path: segments, not ending in `/`. */
export function objectPath(path: string): string {
  if (path === '' || path.endsWith('/')) {
    throw invalidRequest(`'${path}' names a folder, not a file.`, "Give the file's path within the dataset, like 'raw/sample-1.csv'.");
  }
  checkSegments(path, path);
  return path;
}

/** The S3 key of a path, refused when S3 could not hold it. */
export function keyOf(prefix: string, path: string): string {
  const key = `${prefix}${path}`;
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw invalidRequest(`The path '${path}' makes a key longer than S3's ${MAX_KEY_BYTES} bytes.`, 'Use a shorter name or fewer folders.');
  }
  return key;
}

function checkSegments(segments: string, given: string): void {
  const bad = segments
    .split('/')
    .some(segment => segment === '' || segment === '.' || segment === '..' || /[\u0000-\u001f\u007f]/.test(segment));
  if (bad) {
    throw invalidRequest(
      `'${given}' is not a path within the dataset.`,
      "Give a path relative to the dataset, like 'raw/sample-1.csv': no leading '/', no '..' or '.', no '//' and no control characters."
    );
  }
}

const CURSOR_VERSION = 'v1';

/** Opaque to the client: base64url of the folder listed and the last key returned. */
export function encodeCursor(folder: string, lastKey: string): string {
  return Buffer.from(JSON.stringify([CURSOR_VERSION, folder, lastKey]), 'utf8').toString('base64url');
}

/** The last key of the previous page; refused when the cursor is not one of this folder's. */
export function decodeCursor(cursor: string, folder: string): string {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 3 ||
    decoded[0] !== CURSOR_VERSION ||
    decoded[1] !== folder ||
    typeof decoded[2] !== 'string'
  ) {
    throw invalidRequest('The cursor is not one this listing gave out.', 'Pass back `nextCursor` from the previous page of the same path unchanged, or leave it out to start at the top.');
  }
  return decoded[2];
}

/** S3 orders keys by their UTF-8 bytes, which JavaScript's string order does not always follow. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
