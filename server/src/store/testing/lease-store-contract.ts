/**
 * Launch leases and the boot reports kept between replicas, as
 * describeStoreContract runs them on each database.
 */
import type { BootReport } from '../../domain/ports';
import { SqlBootReportRelay } from '../boot-report-relay-store';
import { SqlLeaseStore } from '../lease-store';
import type { SqlDatabase } from '../sql-database';

const report = (seq: number): BootReport => ({ seq, type: 'log', line: `line ${seq}` });

export function describeLeaseStores(dialect: SqlDatabase['dialect'], openDatabase: () => SqlDatabase): void {
  describe(`the lease and relay stores on ${dialect}`, () => {
    it('gives a lease to one holder until it expires, renews it only for that holder, and frees it on release', () => {
      const leases = new SqlLeaseStore(openDatabase());
      // Times in ms since the epoch: past 2^31.
      const now = Date.parse('2026-11-27T12:00:00.000Z');
      expect(leases.claim('launch:ws-1', 'replica-a', now + 15_000, now)).toBe(true);
      expect(leases.claim('launch:ws-1', 'replica-b', now + 20_000, now + 1_000)).toBe(false);
      expect(leases.holder('launch:ws-1', now + 1_000)).toBe('replica-a');
      expect(leases.renew('launch:ws-1', 'replica-b', now + 30_000)).toBe(false);
      expect(leases.renew('launch:ws-1', 'replica-a', now + 30_000)).toBe(true);
      expect(leases.claim('launch:ws-1', 'replica-b', now + 40_000, now + 20_000)).toBe(false);
      // Expired: the next claimant takes it.
      expect(leases.holder('launch:ws-1', now + 30_000)).toBeNull();
      expect(leases.claim('launch:ws-1', 'replica-b', now + 45_000, now + 30_000)).toBe(true);
      leases.release('launch:ws-1', 'replica-a');
      expect(leases.holder('launch:ws-1', now + 31_000)).toBe('replica-b');
      leases.release('launch:ws-1', 'replica-b');
      expect(leases.holder('launch:ws-1', now + 31_000)).toBeNull();
    });

    it('keeps each boot report once, oldest first, until applied or discarded', () => {
      const relay = new SqlBootReportRelay(openDatabase());
      relay.keep('ws-1', [report(2), report(1)]);
      relay.keep('ws-1', [report(2), report(3)]);
      relay.keep('ws-2', [report(1)]);
      expect(relay.pending('ws-1', 0)).toEqual([report(1), report(2), report(3)]);
      expect(relay.pending('ws-1', 1)).toEqual([report(2), report(3)]);
      relay.applied('ws-1', 2);
      expect(relay.pending('ws-1', 0)).toEqual([report(3)]);
      relay.discard('ws-1');
      expect(relay.pending('ws-1', 0)).toEqual([]);
      expect(relay.pending('ws-2', 0)).toEqual([report(1)]);
    });
  });
}
