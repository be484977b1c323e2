/**
 * Team keys, project spaces with their members' access points, and the POSIX
 * ids Prism hands out, through the SQL seam (SQLite or PostgreSQL, same SQL).
 */
import type { ProjectSpaceRecord, ProjectSpaceStore, SpaceAccessRecord } from '../domain/project-space';
import type { SshKeyStore, StoredSshKey } from '../domain/team-keys';
import { placeholders, type SqlDatabase } from './sql-database';

interface SshKeyRow {
  fingerprint: string;
  user_name: string;
  key_type: string;
  public_key: string;
  bits: number;
  key_comment: string;
  added_at: string;
}

interface SpaceRow {
  project_id: string;
  space_id: string;
  file_system_id: string | null;
  created_by: string;
  created_at: string;
}

interface AccessRow {
  user_name: string;
  access_point_id: string;
  read_only: number;
}

export class SqlTeamStore implements SshKeyStore, ProjectSpaceStore {
  constructor(private readonly db: SqlDatabase) {}

  sshKeys(users: string[]): StoredSshKey[] {
    if (users.length === 0) return [];
    const rows = this.db.all<SshKeyRow>(`SELECT * FROM ssh_keys WHERE user_name IN (${placeholders(users.length)}) ORDER BY user_name, added_at, fingerprint`, ...users);
    return rows.map(row => ({
      user: row.user_name,
      fingerprint: row.fingerprint,
      type: row.key_type,
      bits: Number(row.bits),
      comment: row.key_comment,
      publicKey: row.public_key,
      addedAt: row.added_at
    }));
  }

  addSshKey(key: StoredSshKey): boolean {
    const inserted = this.db.run(
      `INSERT INTO ssh_keys (fingerprint, user_name, key_type, public_key, bits, key_comment, added_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (fingerprint) DO NOTHING`,
      key.fingerprint,
      key.user,
      key.type,
      key.publicKey,
      key.bits,
      key.comment,
      key.addedAt
    );
    return inserted === 1;
  }

  removeSshKey(user: string, fingerprint: string): boolean {
    return this.db.run('DELETE FROM ssh_keys WHERE user_name = ? AND fingerprint = ?', user, fingerprint) === 1;
  }

  insertSpace(space: ProjectSpaceRecord): boolean {
    const inserted = this.db.run(
      `INSERT INTO project_spaces (project_id, space_id, file_system_id, created_by, created_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT (project_id) DO NOTHING`,
      space.project,
      space.spaceId,
      space.fileSystemId,
      space.createdBy,
      space.createdAt
    );
    return inserted === 1;
  }

  space(project: string): ProjectSpaceRecord | undefined {
    const row = this.db.get<SpaceRow>('SELECT * FROM project_spaces WHERE project_id = ?', project);
    return row && { project: row.project_id, spaceId: row.space_id, fileSystemId: row.file_system_id, createdBy: row.created_by, createdAt: row.created_at };
  }

  setSpaceFileSystem(project: string, fileSystemId: string): void {
    this.db.run('UPDATE project_spaces SET file_system_id = ? WHERE project_id = ?', fileSystemId, project);
  }

  removeSpace(project: string): void {
    this.db.transaction(() => {
      this.db.run('DELETE FROM project_space_access WHERE project_id = ?', project);
      this.db.run('DELETE FROM project_spaces WHERE project_id = ?', project);
    });
  }

  spaceAccess(project: string): SpaceAccessRecord[] {
    return this.db
      .all<AccessRow>('SELECT user_name, access_point_id, read_only FROM project_space_access WHERE project_id = ? ORDER BY user_name', project)
      .map(row => ({ user: row.user_name, accessPointId: row.access_point_id, readOnly: Number(row.read_only) === 1 }));
  }

  setSpaceAccess(project: string, access: SpaceAccessRecord): void {
    this.db.run(
      `INSERT INTO project_space_access (project_id, user_name, access_point_id, read_only) VALUES (?, ?, ?, ?)
       ON CONFLICT (project_id, user_name) DO UPDATE SET access_point_id = excluded.access_point_id, read_only = excluded.read_only`,
      project,
      access.user,
      access.accessPointId,
      access.readOnly ? 1 : 0
    );
  }

  removeSpaceAccess(project: string, user: string): void {
    this.db.run('DELETE FROM project_space_access WHERE project_id = ? AND user_name = ?', project, user);
  }

  posixId(kind: 'user' | 'project', name: string, first: number): number {
    return this.db.transaction(() => {
      this.db.lock('posix_ids');
      const known = this.db.get<{ posix_id: number }>('SELECT posix_id FROM posix_ids WHERE kind = ? AND name = ?', kind, name);
      if (known) return Number(known.posix_id);
      const top = this.db.get<{ top: number | null }>('SELECT MAX(posix_id) AS top FROM posix_ids WHERE kind = ?', kind);
      const id = top?.top === null || top?.top === undefined ? first : Number(top.top) + 1;
      this.db.run('INSERT INTO posix_ids (kind, name, posix_id) VALUES (?, ?, ?)', kind, name, id);
      return id;
    });
  }
}
