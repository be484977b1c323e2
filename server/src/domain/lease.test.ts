import type { SqlDatabase } from '../store/sql-database';
import { openTestDatabase } from '../store/testing/test-database';
import { SqlLeaseStore } from '../store/lease-store';
import { Leases } from './lease';
import { silentLogger } from './testing/harness';

const TTL_MS = 15_000;
const START = Date.parse('2026-11-27T12:00:00.000Z');

let database: SqlDatabase;
/** Two replicas on one database; jest's fake timers stand for both their clocks and their renewals. */
let a: Leases;
let b: Leases;

beforeEach(() => {
  jest.useFakeTimers({ now: START });
  database = openTestDatabase(':memory:');
  const replica = (holder: string): Leases =>
    new Leases({ store: new SqlLeaseStore(database), holder, ttlMs: TTL_MS, clock: { now: () => new Date() }, logger: silentLogger() });
  a = replica('replica-a');
  b = replica('replica-b');
});

afterEach(() => {
  jest.useRealTimers();
  database.close();
});

it('lets one replica at a time drive a launch, for as long as it keeps renewing', () => {
  const lease = a.claim('launch:ws-1');
  expect(lease).not.toBeNull();
  expect(b.claim('launch:ws-1')).toBeNull();
  // Renewed every 5 s: a minute later A still holds it.
  jest.advanceTimersByTime(60_000);
  expect(lease?.held()).toBe(true);
  expect(b.claim('launch:ws-1')).toBeNull();
  expect(b.holderOf('launch:ws-1')).toBe('replica-a');
});

it('gives the launch to the other replica once the first stalled past its lease, and the first then stops', () => {
  const lost = jest.fn();
  const lease = a.claim('launch:ws-1', lost);
  // A is paused (no timer of its own runs) while the time passes.
  jest.setSystemTime(START + TTL_MS + 1);
  expect(lease?.held()).toBe(false);
  const taken = b.claim('launch:ws-1');
  expect(taken?.held()).toBe(true);
  // A wakes up: its late renewal must not take the lease back.
  jest.advanceTimersByTime(TTL_MS / 3);
  expect(lost).toHaveBeenCalledTimes(1);
  expect(b.holderOf('launch:ws-1')).toBe('replica-b');
  expect(taken?.held()).toBe(true);
});

it('hands a released launch to the next claimant at once', () => {
  a.claim('launch:ws-1')?.release();
  expect(a.holderOf('launch:ws-1')).toBeNull();
  expect(b.claim('launch:ws-1')).not.toBeNull();
});

it('runs the scheduled jobs on one replica only, and on the other once the first stops', () => {
  const runs = { a: 0, b: 0 };
  const work = (who: 'a' | 'b') => ({ begin: () => void runs[who]++, end: () => void runs[who]-- });
  const leadingA = a.lead('scheduled-jobs', work('a'));
  const leadingB = b.lead('scheduled-jobs', work('b'));
  jest.advanceTimersByTime(30_000);
  expect(runs).toEqual({ a: 1, b: 0 });
  expect([leadingA.leading(), leadingB.leading()]).toEqual([true, false]);
  leadingA.stop();
  expect(runs).toEqual({ a: 0, b: 0 });
  jest.advanceTimersByTime(TTL_MS / 3);
  expect(runs).toEqual({ a: 0, b: 1 });
  expect(leadingB.leading()).toBe(true);
  leadingB.stop();
});
