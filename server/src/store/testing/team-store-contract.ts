/**
 * The team store (SSH keys, project spaces, POSIX ids), as describeStoreContract
 * runs it on each database: keys come back with their types, one fingerprint
 * once; spaces and access flags round-trip; ids are allocated once, in order.
 */
import type { StoredSshKey } from '../../domain/team-keys';
import type { SqlDatabase } from '../sql-database';
import { SqlTeamStore } from '../team-store';

const KEY: StoredSshKey = {
  user: 'alice',
  fingerprint: 'SHA256:+miLcl0+RWMmHwYfm/KtDNnmvkiM5E2T6Jnlm6l/gbg',
  type: 'ssh-ed25519',
  bits: 256,
  comment: 'alice@laptop',
  publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID0Qp76ojs4+A5XGF1nrOU7lnaWd95iXIB45NAn6UkrW alice@laptop',
  addedAt: '2026-11-27T12:00:00.000Z'
};

export function describeTeamStore(dialect: SqlDatabase['dialect'], openDatabase: () => SqlDatabase): void {
  describe(`the team store on ${dialect}`, () => {
    it('keeps SSH keys per user, a fingerprint once whoever adds it, and removes only the owner’s', () => {
      const store = new SqlTeamStore(openDatabase());
      expect(store.addSshKey(KEY)).toBe(true);
      expect(store.addSshKey({ ...KEY, user: 'bob' })).toBe(false);
      expect(store.addSshKey({ ...KEY, user: 'bob', fingerprint: 'SHA256:bob', comment: '' })).toBe(true);
      expect(store.sshKeys(['alice'])).toEqual([KEY]);
      expect(store.sshKeys(['alice', 'bob']).map(k => k.user)).toEqual(['alice', 'bob']);
      expect(store.sshKeys([])).toEqual([]);
      expect(store.removeSshKey('bob', KEY.fingerprint)).toBe(false);
      expect(store.removeSshKey('alice', KEY.fingerprint)).toBe(true);
      expect(store.sshKeys(['alice'])).toEqual([]);
    });

    it('keeps a project space and its access points with their read-only flag, and removes them together', () => {
      const db = openDatabase();
      db.run('INSERT INTO projects (id, name, description, created_by, created_at) VALUES (?, ?, ?, ?, ?)', 'genomics', 'Genomics', '', 'ada', '2026-11-27T11:00:00Z');
      const store = new SqlTeamStore(db);
      const space = { project: 'genomics', spaceId: 'space-1', fileSystemId: null, createdBy: 'ada', createdAt: '2026-11-27T12:00:00Z' };
      expect(store.insertSpace(space)).toBe(true);
      expect(store.insertSpace({ ...space, spaceId: 'space-2' })).toBe(false);
      store.setSpaceFileSystem('genomics', 'fs-1');
      expect(store.space('genomics')).toEqual({ ...space, fileSystemId: 'fs-1' });
      store.setSpaceAccess('genomics', { user: 'vi', accessPointId: 'fsap-1', readOnly: true });
      store.setSpaceAccess('genomics', { user: 'bo', accessPointId: 'fsap-2', readOnly: false });
      store.setSpaceAccess('genomics', { user: 'vi', accessPointId: 'fsap-3', readOnly: false });
      expect(store.spaceAccess('genomics')).toEqual([
        { user: 'bo', accessPointId: 'fsap-2', readOnly: false },
        { user: 'vi', accessPointId: 'fsap-3', readOnly: false }
      ]);
      store.removeSpaceAccess('genomics', 'bo');
      expect(store.spaceAccess('genomics').map(a => a.user)).toEqual(['vi']);
      store.removeSpace('genomics');
      expect(store.space('genomics')).toBeUndefined();
      expect(store.spaceAccess('genomics')).toEqual([]);
    });

    it('allocates each user’s uid and each project’s gid once, in order from the first', () => {
      const store = new SqlTeamStore(openDatabase());
      expect(store.posixId('user', 'ada', 200_000)).toBe(200_000);
      expect(store.posixId('user', 'bo', 200_000)).toBe(200_001);
      expect(store.posixId('project', 'genomics', 300_000)).toBe(300_000);
      expect(store.posixId('user', 'ada', 200_000)).toBe(200_000);
      expect(new SqlTeamStore(openDatabase()).posixId('user', 'bo', 200_000)).toBe(200_001);
    });
  });
}
