/**
 * Leases (domain/lease.ts) through the SQL seam. A claim is one conditional
 * upsert, so two replicas racing for the same lease cannot both win; SQLite
 * and PostgreSQL take the same SQL.
 */
import type { LeaseStore } from '../domain/lease';
import type { SqlDatabase } from './sql-database';

export class SqlLeaseStore implements LeaseStore {
  constructor(private readonly db: SqlDatabase) {}

  claim(name: string, holder: string, until: number, now: number): boolean {
    const changed = this.db.run(
      `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
      name,
      holder,
      until,
      now
    );
    return changed === 1;
  }

  renew(name: string, holder: string, until: number): boolean {
    return this.db.run('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?', until, name, holder) === 1;
  }

  release(name: string, holder: string): void {
    this.db.run('DELETE FROM leases WHERE name = ? AND holder = ?', name, holder);
  }

  holder(name: string, now: number): string | null {
    return this.db.get<{ holder: string }>('SELECT holder FROM leases WHERE name = ? AND expires_at > ?', name, now)?.holder ?? null;
  }
}
