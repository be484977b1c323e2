/** EFS volumes on the SQL seam (SQLite or PostgreSQL). */
import type { VolumeRecord, VolumeStore } from '../domain/volumes';
import { placeholders, type SqlDatabase } from './sql-database';

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

export class SqlVolumeStore implements VolumeStore {
  constructor(private readonly db: SqlDatabase) {}

  insertVolume(volume: VolumeRecord): void {
    this.db.run('INSERT INTO volumes (id, name, owner, project, file_system_id, created_at) VALUES (?, ?, ?, ?, ?, ?)', volume.id, volume.name, volume.owner, volume.project, volume.fileSystemId, volume.createdAt);
  }

  volume(id: string): VolumeRecord | undefined {
    const row = this.db.get('SELECT * FROM volumes WHERE id = ?', id) as VolumeRow | undefined;
    return row && toRecord(row);
  }

  setFileSystem(id: string, fileSystemId: string): void {
    this.db.run('UPDATE volumes SET file_system_id = ? WHERE id = ?', fileSystemId, id);
  }

  visibleVolumes(user: string, projects: string[]): VolumeRecord[] {
    const rows = this.db.all(`SELECT * FROM volumes WHERE owner = ?${projects.length ? ` OR project IN (${placeholders(projects.length)})` : ''} ORDER BY created_at, id`, user, ...projects) as VolumeRow[];
    return rows.map(toRecord);
  }

  removeVolume(id: string): void {
    this.db.run('DELETE FROM volumes WHERE id = ?', id);
  }
}
