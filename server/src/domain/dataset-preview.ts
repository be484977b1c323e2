/**
 * What a dataset file's first bytes show (GET /datasets/:name/preview): text,
 * a CSV table, a notebook's JSON, an image, or nothing for other bytes. Only
 * the first bytes are ever read, so a 100 GB file previews as fast as a small one.
 */
import type { DatasetPreview, PreviewKind } from '../contract/datasets';

/** Bytes read for text, CSV and notebooks. */
export const PREVIEW_TEXT_BYTES = 64 * 1024;
/** Images up to this size come whole, as a data URL; larger ones are not shown. */
export const PREVIEW_IMAGE_BYTES = 2 * 1024 * 1024;
/** The header and this many rows. */
export const PREVIEW_CSV_ROWS = 50;

const TEXT_EXTENSIONS = new Set([
  'txt', 'md', 'rst', 'log', 'json', 'jsonl', 'ndjson', 'yaml', 'yml', 'toml', 'ini', 'cfg', 'xml', 'html', 'htm',
  'py', 'r', 'jl', 'sh', 'sql', 'js', 'ts', 'c', 'h', 'cpp', 'java', 'go', 'rs', 'fasta', 'fa', 'fastq', 'fq', 'vcf', 'sam', 'bed', 'gff', 'gtf'
]);
const CSV_EXTENSIONS = new Set(['csv', 'tsv']);
/** Browsers show these in an <img>; SVG is left out, as it is a document that can run script. */
const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp' };

/** By extension first (S3 content types are often `application/octet-stream`), then by content type. */
export function previewKind(path: string, contentType: string): PreviewKind {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (CSV_EXTENSIONS.has(extension) || type === 'text/csv' || type === 'text/tab-separated-values') return 'csv';
  if (extension === 'ipynb') return 'notebook';
  if (extension in IMAGE_TYPES || Object.values(IMAGE_TYPES).includes(type)) return 'image';
  if (TEXT_EXTENSIONS.has(extension) || type.startsWith('text/') || type === 'application/json') return 'text';
  return 'binary';
}

/** The image's own type for the data URL, whatever S3 was told. */
export function imageType(path: string, contentType: string): string {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  return IMAGE_TYPES[extension] ?? contentType;
}

export interface PreviewSource {
  path: string;
  contentType: string;
  size: number;
  /** The object's first bytes (all of it when `bytes.length === size`). */
  bytes: Buffer;
}

/** Text, CSV and notebooks from the first bytes; a file with NUL bytes is binary whatever its name. */
export function textPreview(source: PreviewSource, kind: 'text' | 'csv' | 'notebook'): DatasetPreview {
  const truncated = source.bytes.length < source.size;
  const base = { path: source.path, contentType: source.contentType, size: source.size, truncated };
  if (source.bytes.includes(0)) return { ...base, kind: 'binary' };
  const text = utf8Start(source.bytes, truncated);
  if (kind === 'csv') {
    const delimiter = /\.tsv$/i.test(source.path) || source.contentType.startsWith('text/tab-separated-values') ? '\t' : ',';
    return { ...base, kind, rows: csvRows(text, delimiter, PREVIEW_CSV_ROWS + 1, truncated) };
  }
  return { ...base, kind, text };
}

export function imagePreview(source: PreviewSource): DatasetPreview {
  const base = { path: source.path, contentType: source.contentType, size: source.size };
  if (source.size > PREVIEW_IMAGE_BYTES || source.bytes.length < source.size) return { ...base, kind: 'binary', truncated: true };
  const type = imageType(source.path, source.contentType);
  return { ...base, kind: 'image', truncated: false, dataUrl: `data:${type};base64,${source.bytes.toString('base64')}` };
}

export function binaryPreview(source: Omit<PreviewSource, 'bytes'>, bytesRead: number): DatasetPreview {
  return { path: source.path, kind: 'binary', contentType: source.contentType, size: source.size, truncated: bytesRead < source.size };
}

/** UTF-8 of the first bytes; a character cut at the end of a truncated read is dropped rather than shown as �. */
function utf8Start(bytes: Buffer, truncated: boolean): string {
  let end = bytes.length;
  if (truncated) {
    // Step back over continuation bytes to the lead byte of the last character; drop it if incomplete.
    let lead = end - 1;
    while (lead > 0 && lead > end - 4 && (bytes[lead] & 0xc0) === 0x80) lead--;
    const need = bytes[lead] >= 0xf0 ? 4 : bytes[lead] >= 0xe0 ? 3 : bytes[lead] >= 0xc0 ? 2 : 1;
    if (lead + need > end) end = lead;
  }
  return bytes.subarray(0, end).toString('utf8').replace(/^\uFEFF/, '');
}

/**
 * RFC 4180 rows: quoted fields may hold the delimiter, newlines and doubled
 * quotes. At most `limit` rows; when the text was cut short, its last
 * (unfinished) row is left out.
 */
export function csvRows(text: string, delimiter: string, limit: number, cut: boolean): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = (): void => {
    row.push(field);
    rows.push(row);
    row = [];
    field = '';
  };
  while (i < text.length && rows.length < limit) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      endRow();
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else field += c;
    i++;
  }
  const unfinished = field !== '' || row.length > 0;
  if (unfinished && rows.length < limit && !cut) endRow();
  return rows;
}
