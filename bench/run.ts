/**
 * `make bench`: every benchmark in turn (or those named on the command line),
 * a table on stdout and bench/results/<name>.json each. One that fails is
 * reported and the others still run. Never part of `make test`.
 */
import os from 'node:os';
import fs from 'node:fs';
import path from 'node:path';
import { datasetBrowsing } from './datasets';
import { extensionSize } from './extension-size';
import { extensionUi } from './extension-ui';
import { launchPath } from './launch-path';
import { manyUsers } from './many-users';
import { memory } from './memory';
import { machineAt, RESULTS_DIR, table, writeResult, type BenchResult } from './lib/report';
import { serviceOverhead } from './service-overhead';
import { storeCost } from './store';
import { soak } from './soak';

// Counts cut so that the whole fits 15 minutes on the shared 2-core machine (README, "Reproduce"):
// the issue asks 10 memory rounds; BENCH_MEMORY_ROUNDS=10 runs them.
const BENCHMARKS: Record<string, () => Promise<Omit<BenchResult, 'startedAt' | 'seconds' | 'machine'>>> = {
  'launch-path': () => launchPath({ runs: 2, warmLaunches: 1 }),
  'service-overhead': () => serviceOverhead({ runs: 2, launches: 100, oneByOne: 5 }),
  'many-users': () => manyUsers({ users: 20, launches: 100, clients: 1000, watcherProcesses: 4 }),
  memory: () => memory({ sockets: 1000, rounds: Number(process.env.BENCH_MEMORY_ROUNDS ?? 4), launches: 100 }),
  extension: () => extensionSize(),
  'extension-ui': () => extensionUi({ runs: 5, workstations: 1000 }),
  datasets: () => datasetBrowsing({ keys: 100_000, pages: 50, runs: 1 }),
  store: () => storeCost({ calls: 2000, records: 200 }),
  soak: () => soak({ users: 20, launches: 200, inFlightPerUser: 4, seed: 7 })
};

async function main(): Promise<void> {
  const asked = process.argv.slice(2);
  const unknown = asked.filter(name => !(name in BENCHMARKS));
  if (unknown.length) {
    console.error(`unknown benchmark ${unknown.join(', ')}; known: ${Object.keys(BENCHMARKS).join(', ')}`);
    process.exit(2);
  }
  const names = asked.length ? asked : Object.keys(BENCHMARKS);
  const results: BenchResult[] = [];
  const failed: string[] = [];
  const started = Date.now();
  for (const name of names) {
    const load = os.loadavg()[0];
    const startedAt = new Date();
    process.stdout.write(`${name}… `);
    try {
      const outcome = await BENCHMARKS[name]();
      const result: BenchResult = { ...outcome, startedAt: startedAt.toISOString(), seconds: Math.round((Date.now() - startedAt.getTime()) / 1000), machine: machineAt(load) };
      writeResult(result);
      results.push(result);
      console.log(`${result.seconds} s (load ${result.machine.load.join(' → ')})`);
    } catch (error) {
      failed.push(name);
      console.log(`FAILED: ${(error as Error).stack ?? error}`);
    }
  }
  const text = table(results);
  console.log(`\n${text}\n\nall benchmarks: ${Math.round((Date.now() - started) / 1000)} s`);
  fs.writeFileSync(path.join(RESULTS_DIR, 'table.md'), `${text}\n`);
  if (failed.length) {
    console.error(`failed: ${failed.join(', ')}`);
    process.exit(1);
  }
}

void main();
