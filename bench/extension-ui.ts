/**
 * 5b. The extension in JupyterLab: Playwright (Debian's Chromium, headless)
 * against bench/ui/start-lab.sh, which seeds 1 000 settled workstations into
 * the service's SQLite before it starts. bench/ui/panel-timings.spec.ts times
 * in the page, from the command to the painted frame: the Prism panel's
 * templates, its first listed workstation, scrolling to the last one; and,
 * in the same page, opening JupyterLab's own Launcher (the baseline). Runs
 * under flock /tmp/prism-ui.lock, like every UI test on this machine (waiting
 * at most 5 minutes for it).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchResult } from './lib/report';
import { median, round } from './lib/stats';

const UI_DIR = path.resolve(__dirname, 'ui');

interface Timings {
  workstations: number;
  cold: number;
  coldRows: number;
  rowsInDom: number;
  samples: { launcher: number[]; templates: number[]; firstRow: number[]; lastRow: number[] };
}

export async function extensionUi(options: { runs: number; workstations: number }): Promise<Omit<BenchResult, 'startedAt' | 'seconds' | 'machine'>> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prism-bench-ui-')), 'timings.json');
  const run = spawnSync('flock', ['-w', '300', '/tmp/prism-ui.lock', 'npx', 'playwright', 'test', '-c', 'playwright.config.js'], {
    cwd: UI_DIR,
    env: { ...process.env, BENCH_UI_OUT: out, BENCH_UI_RUNS: String(options.runs), BENCH_UI_WORKSTATIONS: String(options.workstations) },
    encoding: 'utf8',
    timeout: 10 * 60 * 1000
  });
  if (run.status !== 0 || !fs.existsSync(out)) {
    throw new Error(`the UI benchmark failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  }
  const t = JSON.parse(fs.readFileSync(out, 'utf8')) as Timings;
  const ms = (values: number[]) => round(median(values), 0);
  const launcher = ms(t.samples.launcher);
  return {
    name: 'extension-ui',
    title: `The Prism panel in JupyterLab with ${t.workstations} workstations (headless Chromium, medians of ${options.runs})`,
    baseline: "opening JupyterLab's own Launcher in the same page, same runs",
    figures: [
      { name: 'open Prism → templates shown, first open (starts the service)', value: round(t.cold, 0), unit: 'ms' },
      { name: 'open Prism → templates shown', value: ms(t.samples.templates), unit: 'ms', baseline: launcher },
      { name: `open Prism → first of ${t.workstations} workstations listed`, value: ms(t.samples.firstRow), unit: 'ms', baseline: launcher },
      { name: `then scroll → last of ${t.workstations} listed`, value: ms(t.samples.lastRow), unit: 'ms' },
      { name: 'workstation rows in the DOM', value: t.rowsInDom, unit: 'rows' }
    ],
    details: { ...t }
  };
}
