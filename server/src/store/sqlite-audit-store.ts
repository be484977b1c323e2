/**
 * The audit log on SQLite: INSERT and SELECT only. It opens the same
 * database file as SqliteStore, which applies the migrations (and with them
 * the triggers that refuse UPDATE and DELETE), so it is opened after it.
 */
import Database from 'better-sqlite3';
import type { AuditEntry } from '../contract/audit';
import type { AuditFilter, AuditStore, NewAuditEntry } from '../domain/audit';

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

export class SqliteAuditStore implements AuditStore {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.insert = this.db.prepare(
      'INSERT INTO audit_log (at, user, action, object, status, code, address) VALUES (?, ?, ?, ?, ?, ?, ?)'
    );
  }

  append(entry: NewAuditEntry): void {
    this.insert.run(entry.at, entry.user, entry.action, entry.object, entry.result.status, entry.result.code, entry.address);
  }

  find(filter: AuditFilter, limit: number): AuditEntry[] {
    const where: string[] = [];
    const values: (string | number)[] = [];
    const when = (clause: string, ...given: (string | number)[]): void => {
      where.push(clause);
      values.push(...given);
    };
    if (filter.user !== undefined) when('user = ?', filter.user);
    if (filter.action !== undefined) when("action LIKE ? ESCAPE '\\'", `%${likeText(filter.action)}%`);
    if (filter.object !== undefined) when("(object = ? OR object LIKE ? ESCAPE '\\')", filter.object, `${likeText(filter.object)}/%`);
    if (filter.from !== undefined) when('at >= ?', filter.from);
    if (filter.to !== undefined) when('at <= ?', filter.to);
    if (filter.status !== undefined) when('status = ?', filter.status);
    if (filter.statusClass !== undefined) when('status / 100 = ?', filter.statusClass);
    if (filter.code !== undefined) when('code = ?', filter.code);
    if (filter.before !== undefined) when('seq < ?', filter.before);
    const sql = `SELECT * FROM audit_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...values, limit) as AuditRow[]).map(toEntry);
  }

  close(): void {
    this.db.close();
  }
}

/** Text matched literally inside a LIKE pattern. */
function likeText(text: string): string {
  return text.replace(/[\\%_]/g, c => `\\${c}`);
}
