/**
 * Every store's contract (server/src/store/testing/store-contract.ts) on
 * PostgreSQL: one database for the suite, a fresh schema per test. Fails with
 * a hint when PostgreSQL is not running (`make test-services` starts it).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PostgresDatabase } from '../src/store/postgres-database';
import { describeStoreContract } from '../src/store/testing/store-contract';
import { SqlWorkstationStore } from '../src/store/workstation-store';
import { createTestDatabase, type TestDatabase } from './support/postgres';

let database: TestDatabase;
let contractReady = false;

beforeAll(() => {
  database = createTestDatabase();
});

afterAll(() => database?.drop());

/** The suite's database with `search_path` set to a schema of its own. */
function inSchema(schema: string): string {
  // libpq reads %20, not the + that URLSearchParams would write. No fsync at each commit: a test database.
  return `${database.url}?options=${encodeURIComponent(`-c search_path=${schema} -c synchronous_commit=off`)}`;
}

describeStoreContract({
  dialect: 'postgres',
  fresh() {
    // One migrated schema for the contract, emptied between tests (migrating anew each time costs a second).
    const url = inSchema('contract');
    if (!contractReady) {
      const admin = new PostgresDatabase(database.url);
      admin.exec('CREATE SCHEMA contract');
      admin.close();
      contractReady = true;
    }
    const db = new PostgresDatabase(url);
    const tables = db.all<{ tablename: string }>("SELECT tablename FROM pg_tables WHERE schemaname = 'contract' AND tablename <> 'schema_version'");
    // Replica mode fires no trigger: the audit log's refusal of TRUNCATE is for Prism, not for resetting a test.
    db.exec(`SET session_replication_role = replica; TRUNCATE ${tables.map(t => t.tablename).join(', ')} RESTART IDENTITY CASCADE; SET session_replication_role = origin`);
    db.close();
    return { open: () => new PostgresDatabase(url), dispose: () => undefined };
  }
});

describe('PostgreSQL shared by several service processes', () => {
  it('applies the migrations once when two processes open the database at the same time', async () => {
    const url = inSchema('racing');
    const admin = new PostgresDatabase(database.url);
    admin.exec('CREATE SCHEMA racing');
    admin.close();
    const exits = await Promise.all([0, 1].map(() => runNode(`new (require(${JSON.stringify(storeModule('postgres-database'))}).PostgresDatabase)(${JSON.stringify(url)}).close()`)));
    expect(exits).toEqual([0, 0]);
    const db = new PostgresDatabase(url);
    expect(db.all('SELECT version FROM schema_version')).toEqual([{ version: expect.any(Number) }]);
    db.close();
  });

  it('gives events to two appending processes in commit order: a replay from any seq misses none', async () => {
    const url = inSchema('appending');
    const admin = new PostgresDatabase(database.url);
    admin.exec('CREATE SCHEMA appending');
    new PostgresDatabase(url).close();
    admin.close();
    const append = (who: string) =>
      runNode(
        `const { PostgresDatabase } = require(${JSON.stringify(storeModule('postgres-database'))});
         const { SqlWorkstationStore } = require(${JSON.stringify(storeModule('workstation-store'))});
         const store = new SqlWorkstationStore(new PostgresDatabase(${JSON.stringify(url)}));
         for (let i = 0; i < 200; i++) store.appendEvent({ kind: 'log', id: '${who}', line: String(i), at: new Date().toISOString() });`
      );
    const reader = new SqlWorkstationStore(new PostgresDatabase(url));
    const seen: number[] = [];
    const writers = Promise.all([append('ws-a'), append('ws-b')]);
    let done = false;
    void writers.then(() => (done = true));
    // A reader replaying as a reconnecting client does: each time from the last seq it saw.
    while (!done || seen.length < 400) {
      const next = reader.eventsSince(seen.at(-1) ?? 0, 1000).map(e => e.seq as number);
      seen.push(...next);
      if (done && next.length === 0) break;
      await new Promise(resolve => setTimeout(resolve, 1));
    }
    expect(await writers).toEqual([0, 0]);
    expect(seen).toEqual(Array.from({ length: 400 }, (_, i) => i + 1));
  });

  it('makes one process’s exclusive turn wait for another’s: of two check-then-insert turns at once, the second sees the first’s record', async () => {
    const url = inSchema('exclusive');
    const admin = new PostgresDatabase(database.url);
    admin.exec('CREATE SCHEMA exclusive');
    new PostgresDatabase(url).close();
    admin.close();
    // Both start their turn at the same moment and take a second over it: without the lock both would count none.
    const startAt = Date.now() + 4000;
    const turn = (id: string) =>
      runNode(
        `const { PostgresDatabase } = require(${JSON.stringify(storeModule('postgres-database'))});
         const { SqlWorkstationStore } = require(${JSON.stringify(storeModule('workstation-store'))});
         const store = new SqlWorkstationStore(new PostgresDatabase(${JSON.stringify(url)}));
         Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.max(0, ${startAt} - Date.now()));
         store.exclusive('project:genomics', () => {
           const held = store.listAll().length;
           Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
           if (held === 0) store.insert({ id: '${id}', owner: 'ada', project: 'genomics', phase: 'validate', state: 'pending' });
         });`
      );
    expect(await Promise.all([turn('ws-a'), turn('ws-b')])).toEqual([0, 0]);
    const db = new PostgresDatabase(url);
    expect(new SqlWorkstationStore(db).listAll()).toHaveLength(1);
    db.close();
  });
});

function storeModule(name: string): string {
  return path.resolve(__dirname, '..', 'src', 'store', name);
}

/** Runs `code` in a new Node process with TypeScript sources (as the other processes of a replica set). */
function runNode(code: string): Promise<number | null> {
  const child = spawn(process.execPath, ['-r', path.resolve(__dirname, '..', '..', 'bench', 'register.js'), '-e', code], { stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise(resolve => child.once('exit', resolve));
}
