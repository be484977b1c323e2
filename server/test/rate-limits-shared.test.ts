/**
 * Rate limits shared by replicas (docs/replicas.md, "Rate limits"): two real
 * prism-server processes on one PostgreSQL database and one Redis. Alice
 * sends her requests to one replica, then the other, and is refused once she
 * used her one limit between them (per-process buckets would let her send
 * twice as many); Bob is not refused for Alice's use, and everyone's limit is
 * shared too. With Redis stopped, both replicas still answer, counting in
 * their own process, say so in /health and warn once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'redis';
import { startMoto, type Moto } from './support/moto';
import { writeUsersFile } from './support/prism';
import { spawnPrism, type PrismProcess } from './support/prism-process';
import { startRedis, type TestRedis } from './support/redis';
import { createTestDatabase, type TestDatabase } from './support/postgres';

const ALICE = { user: 'alice', token: 'alice-shared-limits-token' };
const BOB = { user: 'bob', token: 'bob-shared-limits-token' };
/** A user's burst; the refill (one a minute) adds nothing while the test runs. */
const USER_BURST = 6;
/** Everyone's burst: Alice's six and four of Bob's. */
const GLOBAL_BURST = 10;
const OUTAGE_WARNING = 'Redis did not answer a rate-limit take';

let moto: Moto;
let redis: TestRedis;
let database: TestDatabase;
let dataDir: string;
const replicas: PrismProcess[] = [];

const logOf = (index: number): string => path.join(dataDir, `replica-${index}.log`);

beforeAll(async () => {
  moto = await startMoto();
  redis = await startRedis();
  database = createTestDatabase();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-shared-limits-'));
  const usersFile = writeUsersFile([ALICE, BOB]);
  // One after the other: the first one makes the schema.
  for (const index of [0, 1]) {
    replicas.push(
      await spawnPrism(
        moto.endpoint,
        dataDir,
        {
          PRISM_REDIS_URL: redis.url,
          PRISM_REPLICA_ID: `limits-${index}`,
          PRISM_USERS_FILE: usersFile,
          PRISM_RATE_LIMIT_REQUESTS_PER_MINUTE: '1',
          PRISM_RATE_LIMIT_BURST: String(USER_BURST),
          PRISM_RATE_LIMIT_GLOBAL_PER_MINUTE: '1',
          PRISM_RATE_LIMIT_GLOBAL_BURST: String(GLOBAL_BURST),
          // The machine running the suite may be busy: the outage below is Redis stopped, not a slow answer.
          PRISM_RATE_LIMIT_REDIS_TIMEOUT_MS: '5000',
          PRISM_LOG_LEVEL: 'info'
        },
        { logFile: logOf(index), databaseUrl: database.url }
      )
    );
  }
}, 120_000);

afterAll(async () => {
  for (const replica of replicas) await replica.kill().catch(() => undefined);
  await redis?.stop();
  await moto?.stop();
  database?.drop();
});

/** The n-th request goes to replica n % 2, as a balancer without sticky sessions sends them. */
async function send(who: { token: string }, n: number): Promise<Response> {
  return fetch(`${replicas[n % 2].url}api/v1/instances`, { headers: { authorization: `Bearer ${who.token}` } });
}

async function health(replica: PrismProcess): Promise<{ status: string; checks: Record<string, { status: string; detail: string }> }> {
  return (await replica.api('/health')).json() as Promise<{ status: string; checks: Record<string, { status: string; detail: string }> }>;
}

test('a user spends one limit across both replicas, everyone one global limit, and both still answer with Redis gone', async () => {
  for (const replica of replicas) expect((await health(replica)).checks.rateLimits.status).toBe('ok');

  // Alice alternates between the replicas until one refuses her.
  const alice: number[] = [];
  let refusal: Response | undefined;
  for (let n = 0; n < 2 * USER_BURST + 2 && !refusal; n++) {
    const answer = await send(ALICE, n);
    alice.push(answer.status);
    if (answer.status === 429) refusal = answer;
  }
  // Refused at her one limit: per-process buckets would have let her send 2 × USER_BURST.
  expect(alice).toEqual([...Array<number>(USER_BURST).fill(200), 429]);
  const problem = (await refusal!.json()) as { code: string; detail: string };
  expect(problem.code).toBe('RATE_LIMITED');
  expect(problem.detail).toMatch(/from one user/);
  expect(Number(refusal!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  // Refused on the other replica too.
  expect((await send(ALICE, alice.length)).status).toBe(429);

  // Bob has his own bucket, and the four tokens Alice left in everyone's, wherever he sends.
  const bob: number[] = [];
  let everyoneRefusal: Response | undefined;
  for (let n = 0; n < GLOBAL_BURST && !everyoneRefusal; n++) {
    const answer = await send(BOB, n);
    bob.push(answer.status);
    if (answer.status === 429) everyoneRefusal = answer;
  }
  expect(bob).toEqual([...Array<number>(GLOBAL_BURST - USER_BURST).fill(200), 429]);
  expect(((await everyoneRefusal!.json()) as { detail: string }).detail).toMatch(/^Everyone together/);
  expect(everyoneRefusal!.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);

  // The buckets are named by a digest of the user, never the user's token (nor name).
  const reader = createClient({ url: redis.url });
  await reader.connect();
  const keys = await reader.keys('prism:rate:*');
  await reader.close();
  expect(keys.length).toBeGreaterThanOrEqual(3);
  expect(keys.filter(key => /alice|bob|token/.test(key))).toEqual([]);

  // Redis goes away: requests are answered from each replica's own buckets, never with a 500.
  await redis.stop();
  const during: number[] = [];
  for (let n = 0; n < 6; n++) during.push((await send(ALICE, n)).status);
  expect(during).toEqual(Array<number>(6).fill(200));
  for (const replica of replicas) {
    const said = await health(replica);
    expect(said.checks.rateLimits).toMatchObject({ status: 'degraded' });
    expect(said.checks.rateLimits.detail).toMatch(/each replica counts its own rate limits/);
    expect(said.status).not.toBe('ok');
  }
  // One warning per replica for the outage, however many requests it counted alone.
  for (const index of [0, 1]) {
    const warnings = fs.readFileSync(logOf(index), 'utf8').split('\n').filter(line => line.includes(OUTAGE_WARNING));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).not.toContain(ALICE.token);
  }
});
