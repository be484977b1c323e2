/**
 * EC2 user data as it travels: gzip, then base64. EC2 refuses more than
 * 16 KiB (before base64), and Prism's bootstrap with its agent is larger than
 * that as text; cloud-init recognises gzip by its magic bytes and inflates it.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { PrismError } from '../domain/errors';

export const USER_DATA_LIMIT_BYTES = 16_384;

export function encodeUserData(text: string): string {
  const packed = gzipSync(Buffer.from(text, 'utf8'), { level: 9 });
  if (packed.length > USER_DATA_LIMIT_BYTES) {
    throw new PrismError(
      'USER_DATA_TOO_LARGE',
      422,
      'The bootstrap is too large for EC2',
      `The workstation's bootstrap is ${packed.length} bytes compressed; EC2 accepts at most ${USER_DATA_LIMIT_BYTES}.`,
      "Shorten the template's setup commands, or move long scripts into a file the template downloads."
    );
  }
  return packed.toString('base64');
}

/** Reads back what `encodeUserData` wrote, and plain user data written by anything else. */
export function decodeUserData(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  const gzipped = bytes.length > 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
}
