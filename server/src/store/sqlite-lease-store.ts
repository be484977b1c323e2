/**
 * Leases on SQLite (domain/lease.ts). A claim is one conditional upsert, so two
 * replicas racing for the same lease cannot both win; the SQL is the same on PostgreSQL.
 * It opens the same database file as SqliteStore, which applies the migrations, so it is opened after it.
 */
import Database from 'better-sqlite3';
import type { LeaseStore } from '../domain/lease';

export class SqliteLeaseStore implements LeaseStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
  }

  claim(name: string, holder: string, until: number, now: number): boolean {
    const result = this.db
      .prepare(
        `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`
      )
      .run(name, holder, until, now);
    return result.changes === 1;
  }

  renew(name: string, holder: string, until: number): boolean {
    return this.db.prepare('UPDATE leases SET expires_at = ? WHERE name = ? AND holder = ?').run(until, name, holder).changes === 1;
  }

  release(name: string, holder: string): void {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }

  holder(name: string, now: number): string | null {
    const row = this.db.prepare('SELECT holder FROM leases WHERE name = ? AND expires_at > ?').get(name, now) as { holder: string } | undefined;
    return row?.holder ?? null;
  }

  close(): void {
    this.db.close();
  }
}
