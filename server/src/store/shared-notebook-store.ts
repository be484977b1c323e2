/**
 * Shared notebooks' records on the SQL seam (SQLite or PostgreSQL); the bytes
 * are S3 objects (aws/notebook-objects.ts). The store port is promise-based;
 * the seam below it is synchronous.
 */
import crypto from 'node:crypto';
import type { PublishedRow, SharedNotebookStore, StoredNotebookVersion } from '../domain/shared-notebooks';
import type { SqlDatabase } from './sql-database';

interface VersionRow {
  project_id: string;
  name: string;
  version: number;
  author: string;
  note: string;
  size: number;
  sha256: string;
  bucket: string;
  object_key: string;
  published_at: string;
}

const toVersion = (row: VersionRow): StoredNotebookVersion => ({
  project: row.project_id,
  name: row.name,
  version: Number(row.version),
  author: row.author,
  note: row.note,
  size: Number(row.size),
  sha256: row.sha256,
  bucket: row.bucket,
  key: row.object_key,
  publishedAt: row.published_at
});

const VERSIONS = `SELECT n.project_id, n.name, v.version, v.author, v.note, v.size, v.sha256, v.bucket, v.object_key, v.published_at
  FROM shared_notebooks n JOIN shared_notebook_versions v ON v.notebook_id = n.id`;

export class SqlSharedNotebookStore implements SharedNotebookStore {
  constructor(private readonly db: SqlDatabase) {}

  async authorOf(project: string, name: string): Promise<string | undefined> {
    return this.db.get<{ author: string }>('SELECT author FROM shared_notebooks WHERE project_id = ? AND name = ?', project, name)?.author;
  }

  async addVersion(entry: Omit<StoredNotebookVersion, 'version'>): Promise<{ version: number } | { takenBy: string }> {
    return this.db.transaction((): { version: number } | { takenBy: string } => {
      this.db.run(
        'INSERT INTO shared_notebooks (id, project_id, name, author, latest_version, created_at) VALUES (?, ?, ?, ?, 0, ?) ON CONFLICT (project_id, name) DO NOTHING',
        crypto.randomUUID(),
        entry.project,
        entry.name,
        entry.author,
        entry.publishedAt
      );
      const notebook = this.db.get<{ id: string; author: string }>('SELECT id, author FROM shared_notebooks WHERE project_id = ? AND name = ?', entry.project, entry.name);
      if (!notebook) throw new Error(`shared notebook ${entry.project}/${entry.name} vanished inside its own transaction`);
      if (notebook.author !== entry.author) return { takenBy: notebook.author };
      // The row's update lock orders two publications of one notebook, on either database.
      const counted = this.db.get<{ latest_version: number }>(
        'UPDATE shared_notebooks SET latest_version = latest_version + 1 WHERE id = ? RETURNING latest_version',
        notebook.id
      );
      const version = Number(counted?.latest_version);
      this.db.run(
        'INSERT INTO shared_notebook_versions (notebook_id, version, author, note, size, sha256, bucket, object_key, published_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        notebook.id,
        version,
        entry.author,
        entry.note,
        entry.size,
        entry.sha256,
        entry.bucket,
        entry.key,
        entry.publishedAt
      );
      return { version };
    });
  }

  async notebooks(project: string): Promise<PublishedRow[]> {
    const rows = this.db.all<VersionRow>(
      `${VERSIONS}
       WHERE n.project_id = ? AND v.version = (SELECT MAX(m.version) FROM shared_notebook_versions m WHERE m.notebook_id = n.id)
       ORDER BY v.published_at DESC, n.name`,
      project
    );
    const counts = this.db.all<{ name: string; versions: number }>(
      'SELECT n.name, COUNT(*) AS versions FROM shared_notebooks n JOIN shared_notebook_versions v ON v.notebook_id = n.id WHERE n.project_id = ? GROUP BY n.name',
      project
    );
    const count = new Map(counts.map(c => [c.name, Number(c.versions)]));
    return rows.map(row => ({ ...toVersion(row), versions: count.get(row.name) ?? 1 }));
  }

  async versions(project: string, name: string): Promise<StoredNotebookVersion[]> {
    return this.db.all<VersionRow>(`${VERSIONS} WHERE n.project_id = ? AND n.name = ? ORDER BY v.version DESC`, project, name).map(toVersion);
  }

  async version(project: string, name: string, version: number): Promise<StoredNotebookVersion | undefined> {
    const row = this.db.get<VersionRow>(`${VERSIONS} WHERE n.project_id = ? AND n.name = ? AND v.version = ?`, project, name, version);
    return row && toVersion(row);
  }

  async removeVersion(project: string, name: string, version: number): Promise<StoredNotebookVersion | undefined> {
    return this.db.transaction(() => {
      const row = this.db.get<VersionRow & { notebook_id: string }>(
        `SELECT n.id AS notebook_id, n.project_id, n.name, v.version, v.author, v.note, v.size, v.sha256, v.bucket, v.object_key, v.published_at
         FROM shared_notebooks n JOIN shared_notebook_versions v ON v.notebook_id = n.id
         WHERE n.project_id = ? AND n.name = ? AND v.version = ?`,
        project,
        name,
        version
      );
      if (!row) return undefined;
      this.db.run('DELETE FROM shared_notebook_versions WHERE notebook_id = ? AND version = ?', row.notebook_id, version);
      // With its last version the notebook goes too, and its name is free again.
      this.db.run(
        'DELETE FROM shared_notebooks WHERE id = ? AND NOT EXISTS (SELECT 1 FROM shared_notebook_versions v WHERE v.notebook_id = shared_notebooks.id)',
        row.notebook_id
      );
      return toVersion(row);
    });
  }

  async removeNotebook(project: string, name: string): Promise<StoredNotebookVersion[]> {
    return this.db.transaction(() => {
      const notebook = this.db.get<{ id: string }>('SELECT id FROM shared_notebooks WHERE project_id = ? AND name = ?', project, name);
      if (!notebook) return [];
      const rows = this.db.all<VersionRow>(`${VERSIONS} WHERE n.id = ?`, notebook.id);
      this.db.run('DELETE FROM shared_notebook_versions WHERE notebook_id = ?', notebook.id);
      this.db.run('DELETE FROM shared_notebooks WHERE id = ?', notebook.id);
      return rows.map(toVersion);
    });
  }
}
