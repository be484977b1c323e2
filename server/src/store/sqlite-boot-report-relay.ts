/**
 * The boot reports kept between replicas (domain/boot-report-relay.ts), on SQLite.
 * It opens the same database file as SqliteStore, which applies the migrations, so it is opened after it.
 */
import Database from 'better-sqlite3';
import type { BootReportRelay } from '../domain/boot-report-relay';
import type { BootReport } from '../domain/ports';

export class SqliteBootReportRelay implements BootReportRelay {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
  }

  keep(id: string, reports: BootReport[]): void {
    const insert = this.db.prepare('INSERT INTO boot_report_relay (launch_id, seq, body) VALUES (?, ?, ?) ON CONFLICT (launch_id, seq) DO NOTHING');
    this.db.transaction(() => reports.forEach(r => insert.run(id, r.seq, JSON.stringify(r))))();
  }

  take(id: string): BootReport[] {
    return this.db.transaction(() => {
      const rows = this.db.prepare('SELECT body FROM boot_report_relay WHERE launch_id = ? ORDER BY seq').all(id) as { body: string }[];
      if (rows.length === 0) return [];
      const reports = rows.map(r => JSON.parse(r.body) as BootReport);
      this.db.prepare('DELETE FROM boot_report_relay WHERE launch_id = ? AND seq <= ?').run(id, reports[reports.length - 1].seq);
      return reports;
    })();
  }

  discard(id: string): void {
    this.db.prepare('DELETE FROM boot_report_relay WHERE launch_id = ?').run(id);
  }

  close(): void {
    this.db.close();
  }
}
