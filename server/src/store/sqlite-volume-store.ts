/**
 * EFS volumes on SQLite. It opens the same database file as SqliteStore,
 * which applies the migrations, so it is opened after it.
 */
import Database from 'better-sqlite3';
import type { VolumeRecord, VolumeStore } from '../domain/volumes';

interface VolumeRow {
  id: string;
  name: string;
  owner: string;
  project: string | null;
  file_system_id: string | null;
  created_at: string;
}

const toRecord = (row: VolumeRow): VolumeRecord => ({
  id: row.id,
  name: row.name,
  owner: row.owner,
  project: row.project,
  fileSystemId: row.file_system_id,
  createdAt: row.created_at
});

export class SqliteVolumeStore implements VolumeStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
  }

  insertVolume(volume: VolumeRecord): void {
    this.db
      .prepare('INSERT INTO volumes (id, name, owner, project, file_system_id, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(volume.id, volume.name, volume.owner, volume.project, volume.fileSystemId, volume.createdAt);
  }

  volume(id: string): VolumeRecord | undefined {
    const row = this.db.prepare('SELECT * FROM volumes WHERE id = ?').get(id) as VolumeRow | undefined;
    return row && toRecord(row);
  }

  setFileSystem(id: string, fileSystemId: string): void {
    this.db.prepare('UPDATE volumes SET file_system_id = ? WHERE id = ?').run(fileSystemId, id);
  }

  visibleVolumes(user: string, projects: string[]): VolumeRecord[] {
    const marks = projects.map(() => '?').join(', ');
    const rows = this.db
      .prepare(`SELECT * FROM volumes WHERE owner = ?${projects.length ? ` OR project IN (${marks})` : ''} ORDER BY created_at, id`)
      .all(user, ...projects) as VolumeRow[];
    return rows.map(toRecord);
  }

  removeVolume(id: string): void {
    this.db.prepare('DELETE FROM volumes WHERE id = ?').run(id);
  }

  close(): void {
    this.db.close();
  }
}
