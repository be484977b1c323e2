/**
 * Syncs and their runs on the SQL seam (SQLite or PostgreSQL): JSON documents
 * with the columns the queries need beside them.
 */
import type { SyncRecord, SyncRunRecord, SyncStore } from '../domain/sync';
import { placeholders, type SqlDatabase } from './sql-database';

export class SqlSyncStore implements SyncStore {
  constructor(private readonly db: SqlDatabase) {}

  insertSync(sync: SyncRecord): void {
    this.db.run('INSERT INTO syncs (id, owner, project, body) VALUES (?, ?, ?, ?)', sync.id, sync.owner, sync.project, JSON.stringify(sync));
  }

  sync(id: string): SyncRecord | undefined {
    const row = this.db.get('SELECT body FROM syncs WHERE id = ?', id) as { body: string } | undefined;
    return row && (JSON.parse(row.body) as SyncRecord);
  }

  visibleSyncs(user: string, projects: string[]): SyncRecord[] {
    const rows = this.db.all(`SELECT body FROM syncs WHERE owner = ?${projects.length ? ` OR project IN (${placeholders(projects.length)})` : ''} ORDER BY rowid`, user, ...projects) as { body: string }[];
    return rows.map(r => JSON.parse(r.body) as SyncRecord);
  }

  allSyncs(): SyncRecord[] {
    return (this.db.all('SELECT body FROM syncs ORDER BY rowid') as { body: string }[]).map(r => JSON.parse(r.body) as SyncRecord);
  }

  setNextRun(id: string, at: string): void {
    const sync = this.sync(id);
    if (sync) this.db.run('UPDATE syncs SET body = ? WHERE id = ?', JSON.stringify({ ...sync, nextRunAt: at }), id);
  }

  removeSync(id: string): void {
    this.db.transaction(() => {
      this.db.run('DELETE FROM sync_runs WHERE sync_id = ?', id);
      this.db.run('DELETE FROM syncs WHERE id = ?', id);
    });
  }

  insertRun(run: SyncRunRecord): void {
    this.db.run('INSERT INTO sync_runs (id, sync_id, status, at, body) VALUES (?, ?, ?, ?, ?)', run.id, run.sync, run.status, run.at, JSON.stringify(run));
  }

  updateRun(run: SyncRunRecord): void {
    this.db.run('UPDATE sync_runs SET status = ?, body = ? WHERE id = ?', run.status, JSON.stringify(run), run.id);
  }

  run(id: string): SyncRunRecord | undefined {
    const row = this.db.get('SELECT body FROM sync_runs WHERE id = ?', id) as { body: string } | undefined;
    return row && (JSON.parse(row.body) as SyncRunRecord);
  }

  runs(syncId: string, limit: number): SyncRunRecord[] {
    const rows = this.db.all('SELECT body FROM sync_runs WHERE sync_id = ? ORDER BY at DESC, rowid DESC LIMIT ?', syncId, limit) as { body: string }[];
    return rows.map(r => JSON.parse(r.body) as SyncRunRecord);
  }

  runningRuns(): SyncRunRecord[] {
    const rows = this.db.all("SELECT body FROM sync_runs WHERE status = 'running' ORDER BY at") as { body: string }[];
    return rows.map(r => JSON.parse(r.body) as SyncRunRecord);
  }
}
