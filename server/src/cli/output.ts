/** How the CLI prints: aligned tables for people, JSON (`--json`) for programs. */

export interface Output {
  json: boolean;
  print(text: string): void;
  /** Progress and warnings: stderr, so `--json` output stays clean. */
  note(text: string): void;
}

export function consoleOutput(json: boolean): Output {
  return {
    json,
    print: text => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    note: text => process.stderr.write(`${text}\n`)
  };
}

export function printJson(out: Output, value: unknown): void {
  out.print(JSON.stringify(value, null, 2));
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(headers), line(widths.map(w => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function usdPerHour(price: number | null | undefined): string {
  return price === null || price === undefined ? '—' : `$${price.toFixed(4)}`;
}
