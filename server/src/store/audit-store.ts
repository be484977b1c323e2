/**
 * The audit log: INSERT and SELECT only. The migrations (both dialects) add
 * triggers that refuse UPDATE and DELETE, whoever types them.
 */
import type { AuditEntry } from '../contract/audit';
import type { AuditFilter, AuditStore, NewAuditEntry } from '../domain/audit';
import type { SqlDatabase } from './sql-database';

interface AuditRow {
  seq: number;
  at: string;
  user: string | null;
  action: string;
  object: string | null;
  status: number;
  code: string | null;
  address: string;
}

const toEntry = (row: AuditRow): AuditEntry => ({
  seq: row.seq,
  at: row.at,
  user: row.user,
  action: row.action,
  object: row.object,
  result: { status: row.status, code: row.code },
  address: row.address
});

export class SqlAuditStore implements AuditStore {
  constructor(private readonly db: SqlDatabase) {}

  append(entry: NewAuditEntry): void {
    this.db.run(
      'INSERT INTO audit_log (at, "user", action, object, status, code, address) VALUES (?, ?, ?, ?, ?, ?, ?)',
      entry.at,
      entry.user,
      entry.action,
      entry.object,
      entry.result.status,
      entry.result.code,
      entry.address
    );
  }

  find(filter: AuditFilter, limit: number): AuditEntry[] {
    const where: string[] = [];
    const values: (string | number)[] = [];
    const when = (clause: string, ...given: (string | number)[]): void => {
      where.push(clause);
      values.push(...given);
    };
    // Matched as SQLite always did: without regard to case.
    const like = this.db.ilike;
    if (filter.user !== undefined) when('"user" = ?', filter.user);
    if (filter.action !== undefined) when(`action ${like} ? ESCAPE '\\'`, `%${likeText(filter.action)}%`);
    if (filter.object !== undefined) when(`(object = ? OR object ${like} ? ESCAPE '\\')`, filter.object, `${likeText(filter.object)}/%`);
    if (filter.from !== undefined) when('at >= ?', filter.from);
    if (filter.to !== undefined) when('at <= ?', filter.to);
    if (filter.status !== undefined) when('status = ?', filter.status);
    if (filter.statusClass !== undefined) when('status / 100 = ?', filter.statusClass);
    if (filter.code !== undefined) when('code = ?', filter.code);
    if (filter.before !== undefined) when('seq < ?', filter.before);
    const sql = `SELECT * FROM audit_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return this.db.all<AuditRow>(sql, ...values, limit).map(toEntry);
  }
}

/** Text matched literally inside a LIKE pattern. */
function likeText(text: string): string {
  return text.replace(/[\\%_]/g, c => `\\${c}`);
}
