/**
 * One benchmark's outcome: rows for the printed table (figure, value,
 * baseline, ratio, target, met) and the whole as bench/results/<name>.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { round } from './stats';

export interface Figure {
  /** What is measured, in the reader's words. */
  name: string;
  value: number;
  unit: string;
  /** The same figure from the same run's baseline, when there is one. */
  baseline?: number;
  /** e.g. "<= 3", "< 5". */
  target?: string;
  /** Whether the target is met (absent: no target). */
  met?: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  /** What the baseline is, in one line. */
  baseline: string;
  figures: Figure[];
  /** Raw samples and anything else worth keeping. */
  details: Record<string, unknown>;
  startedAt: string;
  seconds: number;
  machine: Machine;
}

interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  /** 1-minute load average at the start and the end of the benchmark. */
  load: [number, number];
}

export const RESULTS_DIR = path.resolve(__dirname, '..', 'results');

export function machineAt(startLoad: number): Machine {
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    load: [round(startLoad, 2), round(os.loadavg()[0], 2)]
  };
}

export function writeResult(result: BenchResult): string {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const file = path.join(RESULTS_DIR, `${result.name}.json`);
  fs.writeFileSync(`${file}.tmp`, `${JSON.stringify(result, null, 2)}\n`);
  fs.renameSync(`${file}.tmp`, file);
  return file;
}

/** A Markdown table, printed and pasted into bench/README.md as is. */
export function table(results: BenchResult[]): string {
  const lines = ['| benchmark | figure | value | baseline | ratio | target | met |', '|---|---|---|---|---|---|---|'];
  for (const r of results) {
    for (const f of r.figures) {
      const ratioText = f.baseline === undefined || f.baseline === 0 ? '' : `${round(f.value / f.baseline, 2)}×`;
      lines.push(
        `| ${r.name} | ${f.name} | ${fmt(f.value)} ${f.unit} | ${f.baseline === undefined ? '' : `${fmt(f.baseline)} ${f.unit}`} | ${ratioText} | ${f.target ?? ''} | ${f.met === undefined ? '' : f.met ? 'yes' : '**no**'} |`
      );
    }
  }
  return lines.join('\n');
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 100) return String(Math.round(value));
  return String(round(value, Math.abs(value) >= 10 ? 1 : 2));
}
