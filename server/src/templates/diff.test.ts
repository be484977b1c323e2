import { unifiedDiff } from './diff';

const lines = (n: number): string => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n') + '\n';

describe('unifiedDiff', () => {
  it('is empty when nothing changed', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', 'x@1', 'x@2')).toBe('');
  });

  it('shows a changed line with three lines of context, as diff -u does', () => {
    const after = lines(10).replace('line 5\n', 'line five\n');
    expect(unifiedDiff(lines(10), after, 'python-ml@1.0.0', 'python-ml@1.1.0')).toBe(
      [
        '--- python-ml@1.0.0',
        '+++ python-ml@1.1.0',
        '@@ -2,7 +2,7 @@',
        ' line 2',
        ' line 3',
        ' line 4',
        '-line 5',
        '+line five',
        ' line 6',
        ' line 7',
        ' line 8',
        ''
      ].join('\n')
    );
  });

  it('keeps distant changes in separate hunks with their own line numbers', () => {
    const after = lines(20).replace('line 2\n', '').replace('line 18\n', 'line 18\nline 18b\n');
    const diff = unifiedDiff(lines(20), after, 'a', 'b');
    expect(diff.split('\n').filter(l => l.startsWith('@@'))).toEqual(['@@ -1,5 +1,4 @@', '@@ -16,5 +15,6 @@']);
    expect(diff).toContain('\n-line 2\n');
    expect(diff).toContain('\n+line 18b\n');
  });

  it('writes the range of an insertion into an empty text as diff -u does', () => {
    expect(unifiedDiff('', 'new\n', 'a', 'b')).toBe('--- a\n+++ b\n@@ -0,0 +1 @@\n+new\n');
  });
});
