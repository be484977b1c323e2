/**
 * A running prism-server on PostgreSQL whose connection is cut (as by a server
 * restart) keeps answering: the next request reconnects. While the server
 * refuses connections, requests get 503 DATABASE_UNAVAILABLE and /health
 * says the database is degraded, and ok again once it is back. The log tells each loss and each return, without the
 * database's password.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Health } from '../src/contract/api';
import { closeNativeClient, loadNativeClient, type NativeClient } from '../src/store/native-client';
import { startMoto, type Moto } from './support/moto';
import { createTestDatabase, TEST_DATABASE_URL, type TestDatabase } from './support/postgres';
import { spawnPrism, type PrismProcess } from './support/prism-process';

let moto: Moto;
let database: TestDatabase;
let admin: NativeClient;
let dataDir: string;
let logFile: string;
let prism: PrismProcess;

beforeAll(async () => {
  // Its own role with a random password, which the log must never show.
  database = createTestDatabase({ ownRole: true });
  admin = new (loadNativeClient())();
  admin.connectSync(TEST_DATABASE_URL);
  moto = await startMoto();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-pg-reconnect-'));
  logFile = path.join(dataDir, 'prism.log');
  prism = await spawnPrism(moto.endpoint, dataDir, { PRISM_LOG_LEVEL: 'info' }, { databaseUrl: database.url, logFile });
}, 60_000);

afterAll(async () => {
  await prism?.kill();
  await moto?.stop();
  if (admin) closeNativeClient(admin);
  database?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Ends every connection to the test database, as a PostgreSQL restart would, waiting until each is gone. */
function cutConnections(): number {
  const rows = admin.querySync(
    `SELECT pg_terminate_backend(pid, 5000) AS done FROM pg_stat_activity WHERE datname = '${database.name}' AND pid <> pg_backend_pid()`
  ) as Array<{ done: boolean }>;
  expect(rows.every(row => row.done)).toBe(true);
  return rows.length;
}

async function databaseCheck(): Promise<{ status: string; detail: string }> {
  const health = (await (await prism.api('/health')).json()) as Health;
  return health.checks!.database as { status: string; detail: string };
}

function logLines(): Array<{ level: number; msg: string }> {
  return fs
    .readFileSync(logFile, 'utf8')
    .split('\n')
    .filter(line => line.startsWith('{'))
    .map(line => JSON.parse(line) as { level: number; msg: string });
}

it('answers the next request after its connection is cut, refuses with 503 and reports the database degraded while it is refused and ok once back, and logs both without the password', async () => {
  expect((await prism.api('/instances')).status).toBe(200);

  expect(cutConnections()).toBe(1);
  expect((await prism.api('/instances')).status).toBe(200);
  expect(await databaseCheck()).toEqual({ status: 'ok', detail: 'answers' });

  admin.querySync(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS false`);
  try {
    cutConnections();
    expect(await databaseCheck()).toEqual({ status: 'degraded', detail: expect.stringMatching(/cannot reopen it yet/) });
    const refused = await prism.api('/instances');
    expect(refused.status).toBe(503);
    expect(await refused.json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE', hint: expect.stringMatching(/Try again in a minute/) });
  } finally {
    admin.querySync(`ALTER DATABASE ${database.name} ALLOW_CONNECTIONS true`);
  }
  expect(await databaseCheck()).toEqual({ status: 'ok', detail: 'answers' });
  expect((await prism.api('/instances')).status).toBe(200);

  const lines = logLines();
  expect(lines.filter(l => l.msg === 'PostgreSQL connection lost; reopening it at the next call').map(l => l.level)).toEqual([40, 40]);
  expect(lines.filter(l => l.msg === 'PostgreSQL connection reopened').map(l => l.level)).toEqual([30, 30]);
  expect(fs.readFileSync(logFile, 'utf8')).not.toContain(new URL(database.url).password);
}, 60_000);
