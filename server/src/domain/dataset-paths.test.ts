import { compareKeys, decodeCursor, encodeCursor, folderPath, keyOf, objectPath } from './dataset-paths';

describe('paths within a dataset', () => {
  it('makes a folder path end in / and takes the top as ""', () => {
    expect(folderPath('')).toBe('');
    expect(folderPath('/')).toBe('');
    expect(folderPath('raw')).toBe('raw/');
    expect(folderPath('raw/2024/')).toBe('raw/2024/');
  });

  it.each(['../up', 'a/../b', '/abs', 'a//b', './a', 'a/\u0007b'])('refuses %j, which would leave the prefix or is no path', path => {
    expect(() => folderPath(path)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', status: 400 }));
    expect(() => objectPath(path)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });

  it('refuses a folder where a file is meant, and a key longer than S3 holds', () => {
    expect(() => objectPath('raw/')).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', detail: expect.stringContaining('folder') }));
    expect(objectPath('raw/a.csv')).toBe('raw/a.csv');
    expect(keyOf('data/', 'raw/a.csv')).toBe('data/raw/a.csv');
    expect(() => keyOf('data/', 'é'.repeat(511))).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }));
  });
});

describe('the listing cursor', () => {
  it('gives back the last key for the same folder', () => {
    const cursor = encodeCursor('raw/', 'data/raw/k000999');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'raw/')).toBe('data/raw/k000999');
  });

  it("refuses another folder's cursor and anything it did not make", () => {
    const cursor = encodeCursor('raw/', 'data/raw/k000999');
    for (const [given, folder] of [[cursor, 'other/'], ['not-a-cursor', 'raw/'], [Buffer.from('["v0","raw/","x"]').toString('base64url'), 'raw/']]) {
      expect(() => decodeCursor(given, folder)).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST', hint: expect.stringContaining('nextCursor') }));
    }
  });

  it('orders keys as S3 does, by UTF-8 bytes (JavaScript puts an astral character before U+FF5E)', () => {
    const astral = 'a\u{1F600}';
    const wide = 'a\uFF5E';
    expect(astral < wide).toBe(true);
    expect(compareKeys(astral, wide)).toBeGreaterThan(0);
  });
});
