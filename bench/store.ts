/**
 * The store's own cost on each database: the workstation store's busiest
 * calls (a record read, a patch, an event appended, a researcher's list) on
 * PostgreSQL through pg-native's synchronous client, beside the same calls on
 * SQLite (the baseline). Each call blocks the event loop for its time, so this
 * is what a replica on PostgreSQL pays per call. Needs the test cluster
 * (`make test-services`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { workstationRecord } from '../server/src/domain/testing/harness';
import { PostgresDatabase } from '../server/src/store/postgres-database';
import type { SqlDatabase } from '../server/src/store/sql-database';
import { SqliteDatabase } from '../server/src/store/sqlite-database';
import { SqlWorkstationStore } from '../server/src/store/workstation-store';
import { createTestDatabase } from '../server/test/support/postgres';
import type { BenchResult, Figure } from './lib/report';
import { median, percentile, ratio, round } from './lib/stats';

type Timings = Record<string, number[]>;

/** Microseconds per call of each operation, `calls` times each, on a store with `records` workstations. */
function measure(db: SqlDatabase, calls: number, records: number): Timings {
  const store = new SqlWorkstationStore(db);
  for (let i = 0; i < records; i++) store.insert(workstationRecord({ id: `ws-${i}`, owner: `user-${i % 20}` }));
  const timings: Timings = { get: [], update: [], appendEvent: [], listByOwner: [] };
  const time = (name: string, call: () => unknown): void => {
    const start = process.hrtime.bigint();
    call();
    timings[name].push(Number(process.hrtime.bigint() - start) / 1000);
  };
  for (let i = 0; i < calls; i++) {
    const id = `ws-${i % records}`;
    time('get', () => store.get(id));
    time('update', () => store.update(id, { percent: i % 100 }));
    time('appendEvent', () => store.appendEvent({ kind: 'log', id, line: `line ${i}`, at: new Date().toISOString() }));
    time('listByOwner', () => store.listByOwner(`user-${i % 20}`));
  }
  return timings;
}

export async function storeCost(options: { calls: number; records: number }): Promise<Omit<BenchResult, 'startedAt' | 'seconds' | 'machine'>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-bench-store-'));
  const database = createTestDatabase();
  let sqlite: Timings;
  let postgres: Timings;
  try {
    const lite = new SqliteDatabase(path.join(dir, 'prism.sqlite'));
    sqlite = measure(lite, options.calls, options.records);
    lite.close();
    const pg = new PostgresDatabase(database.url);
    postgres = measure(pg, options.calls, options.records);
    pg.close();
  } finally {
    database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const figures: Figure[] = Object.keys(postgres).flatMap(op => [
    { name: `${op} on PostgreSQL, median`, value: round(median(postgres[op]), 0), unit: 'µs', baseline: round(median(sqlite[op]), 0) },
    { name: `${op} on PostgreSQL, p99`, value: round(percentile(postgres[op], 99), 0), unit: 'µs', baseline: round(percentile(sqlite[op], 99), 0) }
  ]);
  return {
    name: 'store',
    title: `Workstation store calls on PostgreSQL (loopback) against SQLite, ${options.calls} each, ${options.records} records`,
    baseline: 'the same calls on SQLite (WAL, one file)',
    figures,
    details: {
      ratios: Object.fromEntries(Object.keys(postgres).map(op => [op, ratio(median(postgres[op]), median(sqlite[op]))])),
      calls: options.calls,
      records: options.records
    }
  };
}
