/**
 * A replica's PostgreSQL connection cut under it (a server restart, an
 * administrator's pg_terminate_backend): the next call reopens it, a cut
 * transaction fails and leaves nothing, and a server refusing connections is
 * a clear error that the following call gets past once it accepts again.
 */
import pino from 'pino';
import { closeNativeClient, loadNativeClient, type NativeClient } from '../src/store/native-client';
import { PostgresDatabase } from '../src/store/postgres-database';
import { SqlWorkstationStore } from '../src/store/workstation-store';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/postgres';

let database: TestDatabase;
let admin: NativeClient;
let lines: Array<{ level: number; msg: string }>;
let raw: string;
let db: PostgresDatabase;

beforeAll(() => {
  database = createTestDatabase({ ownRole: true });
  admin = new (loadNativeClient())();
  admin.connectSync(TEST_DATABASE_URL);
});

afterAll(() => {
  closeNativeClient(admin);
  database?.drop();
});

beforeEach(() => {
  lines = [];
  raw = '';
  const logger = pino({ level: 'info' }, { write: (line: string) => ((raw += line), lines.push(JSON.parse(line))) });
  db = new PostgresDatabase(database.url, { logger });
});

afterEach(() => db.close());

/** Ends the connection's backend as an administrator would, and waits until it is gone. */
function cut(connection: PostgresDatabase): number {
  const { pid } = connection.get<{ pid: number }>('SELECT pg_backend_pid() AS pid')!;
  expect(admin.querySync(`SELECT pg_terminate_backend(${pid}, 5000) AS done`)).toEqual([{ done: true }]);
  return pid;
}

/** Ends the connection's backend from another session once the statement under way has run for half a second. */
function cutWhileRunning(pid: number): Promise<void> {
  const killer = new (loadNativeClient())() as NativeClient & { query(sql: string, done: (error?: Error) => void): void };
  killer.connectSync(TEST_DATABASE_URL);
  return new Promise((resolve, reject) =>
    killer.query(`SELECT pg_sleep(0.5), pg_terminate_backend(${pid})`, error => {
      closeNativeClient(killer);
      if (error) reject(error);
      else resolve();
    })
  );
}

function backend(connection: PostgresDatabase): number {
  return connection.get<{ pid: number }>('SELECT pg_backend_pid() AS pid')!.pid;
}

it('reopens a cut connection at the next read, and writes after it, logging the loss and the return without the password', () => {
  const store = new SqlWorkstationStore(db);
  store.insert({ id: 'ws-before', owner: 'ada', project: 'genomics', phase: 'validate', state: 'pending' });
  const before = cut(db);

  expect(store.listAll().map(w => w.id)).toEqual(['ws-before']);
  store.insert({ id: 'ws-after', owner: 'ada', project: 'genomics', phase: 'validate', state: 'pending' });
  expect(store.listAll().map(w => w.id).sort()).toEqual(['ws-after', 'ws-before']);
  expect(backend(db)).not.toBe(before);

  expect(lines.filter(l => l.level === 40).map(l => l.msg)).toEqual(['PostgreSQL connection lost; reopening it at the next call']);
  expect(lines.filter(l => l.level === 30).map(l => l.msg)).toEqual(['PostgreSQL connection reopened']);
  expect(raw).toContain(database.name);
  expect(raw).not.toContain(new URL(database.url).password);
});

it('fails a transaction cut midway, commits none of it, and the next call works', () => {
  db.exec('CREATE TABLE IF NOT EXISTS notes (body TEXT NOT NULL)');
  db.run('DELETE FROM notes');

  expect(() =>
    db.transaction(() => {
      db.run('INSERT INTO notes (body) VALUES (?)', 'first');
      cut(db);
      db.run('INSERT INTO notes (body) VALUES (?)', 'second');
    })
  ).toThrow(expect.objectContaining({ code: 'DATABASE_UNAVAILABLE', status: 503, message: expect.stringMatching(/lost during this change; nothing of it was saved/) }));

  expect(db.all('SELECT body FROM notes')).toEqual([]);
  db.transaction(() => db.run('INSERT INTO notes (body) VALUES (?)', 'again'));
  expect(db.all('SELECT body FROM notes')).toEqual([{ body: 'again' }]);
});

it('says clearly that the connection cannot be reopened while the server refuses it, and reopens it once the server accepts again', () => {
  const store = new SqlWorkstationStore(db);
  store.insert({ id: 'ws-refused', owner: 'ada', project: 'genomics', phase: 'validate', state: 'pending' });
  admin.querySync(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
  try {
    cut(db);
    const refused = expect.objectContaining({ code: 'DATABASE_UNAVAILABLE', status: 503, message: expect.stringMatching(/cannot reopen it yet; each request tries again/) });
    expect(() => store.listAll()).toThrow(refused);
    expect(() => store.listAll()).toThrow(refused);
  } finally {
    admin.querySync(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
  }
  expect(store.listAll().map(w => w.id)).toContain('ws-refused');
  expect(lines.filter(l => l.level === 40)).toHaveLength(1);
  expect(lines.filter(l => l.level === 30)).toHaveLength(1);
  expect(raw).not.toContain(new URL(database.url).password);
});

it('runs a read cut on its way again on a new connection, and fails a write cut on its way saying it may or may not have been saved', async () => {
  db.exec('CREATE TABLE IF NOT EXISTS notes (body TEXT NOT NULL)');
  db.run('DELETE FROM notes');

  const readCut = cutWhileRunning(backend(db));
  expect(db.get("SELECT 'answered' AS answer FROM pg_sleep(3)")).toEqual({ answer: 'answered' });
  await readCut;

  const writeCut = cutWhileRunning(backend(db));
  expect(() => db.run("INSERT INTO notes (body) SELECT 'slow' FROM pg_sleep(3)")).toThrow(
    expect.objectContaining({ code: 'DATABASE_UNAVAILABLE', status: 503, message: expect.stringMatching(/may or may not have been saved/) })
  );
  await writeCut;
  // Cut before its commit here, and not run a second time.
  expect(db.all('SELECT body FROM notes')).toEqual([]);
  db.run('INSERT INTO notes (body) VALUES (?)', 'after');
  expect(db.all('SELECT body FROM notes')).toEqual([{ body: 'after' }]);
}, 30_000);
