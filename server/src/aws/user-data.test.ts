import { decodeUserData, encodeUserData, USER_DATA_LIMIT_BYTES } from './user-data';
import { randomBytes } from 'node:crypto';

describe('user data', () => {
  it('round-trips a bootstrap larger than EC2 takes as text, within the limit once packed', () => {
    const bootstrap = '#cloud-config\n' + 'runcmd:\n' + Array.from({ length: 900 }, (_, n) => `  - echo step ${n} of the bootstrap\n`).join('');
    expect(Buffer.byteLength(bootstrap)).toBeGreaterThan(USER_DATA_LIMIT_BYTES);
    const encoded = encodeUserData(bootstrap);
    expect(Buffer.from(encoded, 'base64').length).toBeLessThanOrEqual(USER_DATA_LIMIT_BYTES);
    expect(decodeUserData(encoded)).toBe(bootstrap);
  });

  it('reads plain base64 user data written by something else', () => {
    expect(decodeUserData(Buffer.from('#!/bin/bash\necho hi\n').toString('base64'))).toBe('#!/bin/bash\necho hi\n');
  });

  it('refuses, with a hint, a bootstrap that stays too large once packed', () => {
    const incompressible = randomBytes(20_000).toString('base64');
    expect(() => encodeUserData(incompressible)).toThrow(expect.objectContaining({ code: 'USER_DATA_TOO_LARGE', status: 422 }));
  });
});
