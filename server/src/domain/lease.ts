/**
 * Leases (docs/replicas.md): with several replicas on one database, a launch is
 * driven, and the scheduled jobs are run, by one replica at a time. A lease is
 * claimed with one conditional write, renewed at a third of its time while the
 * work runs, and released when the work settles; a replica that crashed or
 * stalled loses it when it expires, and another one claims it then.
 */
import type { Clock, DomainLogger } from './ports';

export interface LeaseStore {
  /** Takes `name` for `holder` until `until`, when it is free, expired at `now`, or already `holder`'s; true when taken. */
  claim(name: string, holder: string, until: number, now: number): boolean;
  /** Extends `name` to `until` only while `holder` still holds it; true when it did. */
  renew(name: string, holder: string, until: number): boolean;
  /** Gives `name` up, if `holder` holds it. */
  release(name: string, holder: string): void;
  /** Who holds `name` at `now`; null when free or expired. */
  holder(name: string, now: number): string | null;
}

export interface LeasesDeps {
  store: LeaseStore;
  /** This replica (PRISM_REPLICA_ID). */
  holder: string;
  ttlMs: number;
  clock: Clock;
  logger: DomainLogger;
}

/** A lease this replica holds. */
export interface Lease {
  readonly name: string;
  /** False once a renewal failed or its time ran out unrenewed (the process stalled): the work must stop. */
  held(): boolean;
  /** Gives it up (the work settled, or is handed off): another replica may claim it at once. */
  release(): void;
}

export class Leases {
  constructor(private readonly deps: LeasesDeps) {}

  get holder(): string {
    return this.deps.holder;
  }

  /** Claims `name` and keeps it renewed until released; null when another replica holds it. `onLost` hears a lost renewal. */
  claim(name: string, onLost: () => void = () => undefined): Lease | null {
    const { store, holder, ttlMs, clock, logger } = this.deps;
    const now = clock.now().getTime();
    if (!store.claim(name, holder, now + ttlMs, now)) return null;
    let heldUntil = now + ttlMs;
    let lost = false;
    const lose = (why: string): void => {
      if (lost) return;
      lost = true;
      clearInterval(timer);
      logger.warn({ lease: name, holder, why }, 'lease lost; another replica may take this work');
      onLost();
    };
    const timer = setInterval(() => {
      const at = clock.now().getTime();
      // A renewal that comes too late must not revive a lease another replica may already hold.
      if (at >= heldUntil) return lose('not renewed in time');
      let renewed: boolean;
      try {
        renewed = store.renew(name, holder, at + ttlMs);
      } catch (error) {
        logger.warn({ lease: name, err: error }, 'could not renew a lease; trying again');
        return;
      }
      if (renewed) heldUntil = at + ttlMs;
      else lose('held by another replica');
    }, Math.max(1, Math.floor(ttlMs / 3)));
    timer.unref();
    return {
      name,
      held: () => !lost && clock.now().getTime() < heldUntil,
      release: () => {
        clearInterval(timer);
        if (lost) return;
        lost = true;
        try {
          store.release(name, holder);
        } catch (error) {
          // It expires on its own.
          logger.warn({ lease: name, err: error }, 'could not release a lease');
        }
      }
    };
  }

  /** Who holds `name` now (a replica id), or null. */
  holderOf(name: string): string | null {
    return this.deps.store.holder(name, this.deps.clock.now().getTime());
  }

  /**
   * Work only one replica runs at a time (the scheduled jobs): tried every
   * third of the lease's time; `begin` runs once it is won, `end` once it is lost or stopped.
   */
  lead(name: string, work: Work): Leadership {
    let lease: Lease | null = null;
    const tryToLead = (): void => {
      if (lease?.held()) return;
      if (lease) {
        lease = null;
        work.end();
      }
      try {
        lease = this.claim(name);
      } catch (error) {
        this.deps.logger.warn({ lease: name, err: error }, 'could not claim a lease; trying again');
      }
      if (lease) {
        this.deps.logger.info({ lease: name, holder: this.deps.holder }, 'this replica runs it now');
        work.begin();
      }
    };
    tryToLead();
    const timer = setInterval(tryToLead, Math.max(1, Math.floor(this.deps.ttlMs / 3)));
    timer.unref();
    return {
      leading: () => lease?.held() ?? false,
      stop: () => {
        clearInterval(timer);
        if (lease) {
          work.end();
          lease.release();
          lease = null;
        }
      }
    };
  }
}

/** Work that starts when a replica takes it over and ends when it lets it go. */
export interface Work {
  begin(): void;
  end(): void;
}

export interface Leadership {
  leading(): boolean;
  stop(): void;
}

/** One process on its own: the work is its from the start. */
export function workAlone(work: Work): Leadership {
  work.begin();
  return { leading: () => true, stop: () => work.end() };
}

/** The lease on driving launch `id`. */
export const launchLease = (id: string): string => `launch:${id}`;
