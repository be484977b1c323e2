/**
 * A unified diff of two texts, line by line, from their longest common
 * subsequence. Templates are a few hundred lines, so the quadratic table is
 * small and the result is the shortest edit a reader can follow.
 */

type Edit = { kind: ' ' | '-' | '+'; line: string };

/** Lines around each change, as `diff -u` shows them. */
const CONTEXT = 3;

export function unifiedDiff(before: string, after: string, fromLabel: string, toLabel: string): string {
  const edits = lineEdits(splitLines(before), splitLines(after));
  if (edits.every(e => e.kind === ' ')) return '';
  const out = [`--- ${fromLabel}`, `+++ ${toLabel}`];
  for (const hunk of hunks(edits)) out.push(...hunk);
  return `${out.join('\n')}\n`;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function lineEdits(a: string[], b: string[]): Edit[] {
  // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i][j] = a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const edits: Edit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      edits.push({ kind: ' ', line: a[i++] });
      j++;
    } else if (j < b.length && (i === a.length || common[i][j + 1] >= common[i + 1][j])) {
      edits.push({ kind: '+', line: b[j++] });
    } else {
      edits.push({ kind: '-', line: a[i++] });
    }
  }
  // Within a run of changes, removals read better before additions.
  return groupRemovalsFirst(edits);
}

function groupRemovalsFirst(edits: Edit[]): Edit[] {
  const out: Edit[] = [];
  let run: Edit[] = [];
  const flush = (): void => {
    out.push(...run.filter(e => e.kind === '-'), ...run.filter(e => e.kind === '+'));
    run = [];
  };
  for (const edit of edits) {
    if (edit.kind === ' ') {
      flush();
      out.push(edit);
    } else {
      run.push(edit);
    }
  }
  flush();
  return out;
}

function hunks(edits: Edit[]): string[][] {
  const changed = edits.flatMap((e, index) => (e.kind === ' ' ? [] : [index]));
  const ranges: [number, number][] = [];
  for (const index of changed) {
    const start = Math.max(0, index - CONTEXT);
    const end = Math.min(edits.length, index + CONTEXT + 1);
    const last = ranges[ranges.length - 1];
    if (last && start <= last[1]) last[1] = end;
    else ranges.push([start, end]);
  }
  return ranges.map(([start, end]) => {
    const slice = edits.slice(start, end);
    const oldStart = 1 + edits.slice(0, start).filter(e => e.kind !== '+').length;
    const newStart = 1 + edits.slice(0, start).filter(e => e.kind !== '-').length;
    const oldCount = slice.filter(e => e.kind !== '+').length;
    const newCount = slice.filter(e => e.kind !== '-').length;
    const header = `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`;
    return [header, ...slice.map(e => `${e.kind}${e.line}`)];
  });
}

/** `diff -u` writes an empty range as the line before it. */
function range(start: number, count: number): string {
  const first = count === 0 ? start - 1 : start;
  return count === 1 ? `${first}` : `${first},${count}`;
}
