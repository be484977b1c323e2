import { PREVIEW_IMAGE_BYTES, csvRows, imagePreview, previewKind, textPreview } from './dataset-preview';

describe('dataset previews', () => {
  it('reads CSV fields with quotes, doubled quotes, delimiters and newlines inside, CRLF line ends', () => {
    const text = 'id,name,note\r\n1,"Smith, Ada","said ""hi"""\r\n2,Bo,"two\nlines"\r\n3,,\r\n';
    expect(csvRows(text, ',', 100, false)).toEqual([
      ['id', 'name', 'note'],
      ['1', 'Smith, Ada', 'said "hi"'],
      ['2', 'Bo', 'two\nlines'],
      ['3', '', '']
    ]);
  });

  it('keeps the last row of a whole file without a final newline, and drops the cut-off row of a truncated one', () => {
    expect(csvRows('a,b\n1,2', ',', 100, false)).toEqual([['a', 'b'], ['1', '2']]);
    expect(csvRows('a,b\n1,2\n3,"fou', ',', 100, true)).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('stops at the header and 50 rows', () => {
    const text = ['h', ...Array.from({ length: 200 }, (_, i) => String(i))].join('\n');
    const preview = textPreview({ path: 'x.csv', contentType: 'text/csv', size: text.length, bytes: Buffer.from(text) }, 'csv');
    expect(preview.rows).toHaveLength(51);
    expect(preview.rows?.[50]).toEqual(['49']);
  });

  it('splits a .tsv on tabs', () => {
    const preview = textPreview({ path: 't.tsv', contentType: 'application/octet-stream', size: 8, bytes: Buffer.from('a\tb\n1\t2\n') }, 'csv');
    expect(preview.rows).toEqual([['a', 'b'], ['1', '2']]);
  });

  it('tells the kind by extension before content type, and leaves SVG out of images', () => {
    expect(previewKind('reads.CSV', 'application/octet-stream')).toBe('csv');
    expect(previewKind('run.ipynb', 'application/json')).toBe('notebook');
    expect(previewKind('plot.PNG', 'binary/octet-stream')).toBe('image');
    expect(previewKind('genome.fa', 'application/octet-stream')).toBe('text');
    expect(previewKind('no-extension', 'text/plain; charset=utf-8')).toBe('text');
    expect(previewKind('photo', 'image/jpeg')).toBe('image');
    expect(previewKind('drawing.svg', 'image/svg+xml')).toBe('binary');
    expect(previewKind('model.h5', 'application/octet-stream')).toBe('binary');
  });

  it('drops a character cut in half at the end of a truncated read, rather than showing �', () => {
    const whole = Buffer.from('naïve café');
    const cut = whole.subarray(0, whole.length - 1);
    const preview = textPreview({ path: 'x.txt', contentType: 'text/plain', size: whole.length, bytes: cut }, 'text');
    expect(preview).toMatchObject({ truncated: true, text: 'naïve caf' });
  });

  it('calls a "text" file with NUL bytes binary', () => {
    const preview = textPreview({ path: 'x.txt', contentType: 'text/plain', size: 4, bytes: Buffer.from([0x61, 0, 0x62, 0]) }, 'text');
    expect(preview).toMatchObject({ kind: 'binary', truncated: false });
    expect(preview.text).toBeUndefined();
  });

  it('shows an image up to 2 MiB whole, with the type of its extension, and not a larger one', () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    expect(imagePreview({ path: 'a.png', contentType: 'application/octet-stream', size: 4, bytes })).toMatchObject({
      kind: 'image',
      truncated: false,
      dataUrl: `data:image/png;base64,${bytes.toString('base64')}`
    });
    const large = imagePreview({ path: 'b.png', contentType: 'image/png', size: PREVIEW_IMAGE_BYTES + 1, bytes: bytes });
    expect(large).toMatchObject({ kind: 'binary', truncated: true });
    expect(large.dataUrl).toBeUndefined();
  });
});
