/**
 * Syncs and their runs on SQLite: JSON documents with the columns the
 * queries need beside them. It opens the same database file as SqliteStore,
 * which applies the migrations, so it is opened after it.
 */
import Database from 'better-sqlite3';
import type { SyncRecord, SyncRunRecord, SyncStore } from '../domain/sync';

export class SqliteSyncStore implements SyncStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
  }

  insertSync(sync: SyncRecord): void {
    this.db.prepare('INSERT INTO syncs (id, owner, project, body) VALUES (?, ?, ?, ?)').run(sync.id, sync.owner, sync.project, JSON.stringify(sync));
  }

  sync(id: string): SyncRecord | undefined {
    const row = this.db.prepare('SELECT body FROM syncs WHERE id = ?').get(id) as { body: string } | undefined;
    return row && (JSON.parse(row.body) as SyncRecord);
  }

  visibleSyncs(user: string, projects: string[]): SyncRecord[] {
    const marks = projects.map(() => '?').join(', ');
    const rows = this.db
      .prepare(`SELECT body FROM syncs WHERE owner = ?${projects.length ? ` OR project IN (${marks})` : ''} ORDER BY rowid`)
      .all(user, ...projects) as { body: string }[];
    return rows.map(r => JSON.parse(r.body) as SyncRecord);
  }

  allSyncs(): SyncRecord[] {
    return (this.db.prepare('SELECT body FROM syncs ORDER BY rowid').all() as { body: string }[]).map(r => JSON.parse(r.body) as SyncRecord);
  }

  setNextRun(id: string, at: string): void {
    const sync = this.sync(id);
    if (sync) this.db.prepare('UPDATE syncs SET body = ? WHERE id = ?').run(JSON.stringify({ ...sync, nextRunAt: at }), id);
  }

  removeSync(id: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM sync_runs WHERE sync_id = ?').run(id);
      this.db.prepare('DELETE FROM syncs WHERE id = ?').run(id);
    })();
  }

  insertRun(run: SyncRunRecord): void {
    this.db
      .prepare('INSERT INTO sync_runs (id, sync_id, status, at, body) VALUES (?, ?, ?, ?, ?)')
      .run(run.id, run.sync, run.status, run.at, JSON.stringify(run));
  }

  updateRun(run: SyncRunRecord): void {
    this.db.prepare('UPDATE sync_runs SET status = ?, body = ? WHERE id = ?').run(run.status, JSON.stringify(run), run.id);
  }

  run(id: string): SyncRunRecord | undefined {
    const row = this.db.prepare('SELECT body FROM sync_runs WHERE id = ?').get(id) as { body: string } | undefined;
    return row && (JSON.parse(row.body) as SyncRunRecord);
  }

  runs(syncId: string, limit: number): SyncRunRecord[] {
    const rows = this.db
      .prepare('SELECT body FROM sync_runs WHERE sync_id = ? ORDER BY at DESC, rowid DESC LIMIT ?')
      .all(syncId, limit) as { body: string }[];
    return rows.map(r => JSON.parse(r.body) as SyncRunRecord);
  }

  runningRuns(): SyncRunRecord[] {
    const rows = this.db.prepare("SELECT body FROM sync_runs WHERE status = 'running' ORDER BY at").all() as { body: string }[];
    return rows.map(r => JSON.parse(r.body) as SyncRunRecord);
  }

  close(): void {
    this.db.close();
  }
}
