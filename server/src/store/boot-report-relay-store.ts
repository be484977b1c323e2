/**
 * The boot reports kept until their launch's driver applied them
 * (domain/boot-report-relay.ts), through the SQL seam.
 */
import type { BootReportRelay } from '../domain/boot-report-relay';
import type { BootReport } from '../domain/ports';
import type { SqlDatabase } from './sql-database';

export class SqlBootReportRelay implements BootReportRelay {
  constructor(private readonly db: SqlDatabase) {}

  keep(id: string, reports: BootReport[]): void {
    this.db.transaction(() =>
      reports.forEach(r =>
        this.db.run('INSERT INTO boot_report_relay (launch_id, seq, body) VALUES (?, ?, ?) ON CONFLICT (launch_id, seq) DO NOTHING', id, r.seq, JSON.stringify(r))
      )
    );
  }

  pending(id: string, after: number): BootReport[] {
    return this.db
      .all<{ body: string }>('SELECT body FROM boot_report_relay WHERE launch_id = ? AND seq > ? ORDER BY seq', id, after)
      .map(r => JSON.parse(r.body) as BootReport);
  }

  applied(id: string, upTo: number): void {
    this.db.run('DELETE FROM boot_report_relay WHERE launch_id = ? AND seq <= ?', id, upTo);
  }

  discard(id: string): void {
    this.db.run('DELETE FROM boot_report_relay WHERE launch_id = ?', id);
  }
}
