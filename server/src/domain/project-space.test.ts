/**
 * The project space's bookkeeping, on the real store (SQLite in memory) with
 * the cloud stubbed: who gets which access point, with which identity, as
 * members join, change role and leave; what a workstation mounts; and when
 * the space may be deleted.
 */
import type { ProjectMember } from '../contract/projects';
import type { SqlDatabase } from '../store/sql-database';
import { openTestDatabase } from '../store/testing/test-database';
import { SqlTeamStore } from '../store/team-store';
import { FIRST_GID, FIRST_UID, ProjectSpaces, type SpaceAccessPointSpec, type SpaceCloud } from './project-space';
import type { WorkstationRecord } from './ports';
import { silentLogger } from './testing/harness';

let db: SqlDatabase;
let members: ProjectMember[];
let made: SpaceAccessPointSpec[];
let deleted: string[];
let workstations: Pick<WorkstationRecord, 'project' | 'state' | 'name'>[];
let spaces: ProjectSpaces;
let changed: string[];
let failDeletes: boolean;

beforeEach(() => {
  db = openTestDatabase(':memory:');
  db.run('INSERT INTO projects (id, name, description, created_by, created_at) VALUES (?, ?, ?, ?, ?)', 'genomics', 'Genomics', '', 'ada', '2026-11-27T11:00:00Z');
  members = [
    { user: 'ada', role: 'admin' },
    { user: 'bo', role: 'member' },
    { user: 'vi', role: 'viewer' }
  ];
  made = [];
  deleted = [];
  workstations = [];
  changed = [];
  failDeletes = false;
  const cloud: SpaceCloud = {
    createFileSystem: async () => 'fs-0001',
    ensureMountTargets: async () => ['fsmt-1'],
    deleteFileSystem: async () => undefined,
    ensureSpaceAccessPoint: async spec => {
      made.push(spec);
      return `fsap-${made.length}`;
    },
    deleteAccessPoint: async id => {
      if (failDeletes) throw Object.assign(new Error('AWS refused elasticfilesystem:DeleteAccessPoint'), { code: 'CLOUD_REQUEST_REJECTED' });
      deleted.push(id);
    }
  };
  spaces = new ProjectSpaces({
    store: new SqlTeamStore(db),
    cloud,
    projects: {
      require: (user, project, needed) => {
        const role = members.find(m => m.user === user)?.role;
        if (!role) throw Object.assign(new Error('not found'), { code: 'PROJECT_NOT_FOUND' });
        if (needed === 'admin' && role !== 'admin') throw Object.assign(new Error('forbidden'), { code: 'FORBIDDEN' });
        return role;
      },
      members: () => members
    },
    workstations: () => workstations as WorkstationRecord[],
    clock: { now: () => new Date('2026-11-27T12:00:00Z') },
    logger: silentLogger(),
    onChange: project => void changed.push(project)
  });
});

afterEach(() => db.close());

describe('a project space', () => {
  it('gives each member their own access point: their uid with the project gid, a viewer their own gid, all rooted at the 2775 folder', async () => {
    const { space, created } = await spaces.createSpace('ada', 'genomics');
    expect(created).toBe(true);
    const ids = Object.fromEntries(made.map(m => [m.user, m]));
    expect(Object.keys(ids).sort()).toEqual(['ada', 'bo', 'vi']);
    for (const spec of made) {
      expect(spec).toMatchObject({ fileSystemId: 'fs-0001', rootDirectory: '/projects/genomics', folderGid: FIRST_GID });
      expect(spec.uid).toBeGreaterThanOrEqual(FIRST_UID);
    }
    expect(new Set(made.map(m => m.uid)).size).toBe(3);
    expect(ids.bo.gid).toBe(FIRST_GID);
    expect(ids.vi).toMatchObject({ gid: ids.vi.uid, readOnly: true });
    expect(space.access.map(a => a.user)).toEqual(['ada', 'bo', 'vi']);
    expect(spaces.getSpace('bo', 'genomics').access.map(a => a.user)).toEqual(['bo']);
  });

  it('keeps a user’s uid and a project’s gid the same ever after', async () => {
    await spaces.createSpace('ada', 'genomics');
    const first = spaces.getSpace('ada', 'genomics');
    await spaces.deleteSpace('ada', 'genomics');
    await spaces.createSpace('ada', 'genomics');
    const again = spaces.getSpace('ada', 'genomics');
    expect(again.gid).toBe(first.gid);
    expect(again.access.map(a => a.uid)).toEqual(first.access.map(a => a.uid));
  });

  it('replaces the access point of a member made viewer, and deletes the one of a member who left', async () => {
    await spaces.createSpace('ada', 'genomics');
    const before = Object.fromEntries(spaces.getSpace('ada', 'genomics').access.map(a => [a.user, a.accessPointId]));
    changed = [];
    members = [
      { user: 'ada', role: 'admin' },
      { user: 'bo', role: 'viewer' }
    ];
    await spaces.followMembers('genomics');
    expect(deleted.sort()).toEqual([before.bo, before.vi].sort());
    expect(made.at(-1)).toMatchObject({ user: 'bo', readOnly: true });
    expect(spaces.getSpace('ada', 'genomics').access.map(a => [a.user, a.readOnly])).toEqual([
      ['ada', false],
      ['bo', true]
    ]);
    expect(changed).toEqual(['genomics']);
  });

  it('takes a leaving member’s mount out of the desired state even when EFS refuses to delete their access point', async () => {
    await spaces.createSpace('ada', 'genomics');
    failDeletes = true;
    members = members.filter(m => m.user !== 'bo');
    await spaces.followMembers('genomics');
    expect(spaces.projectMounts({ owner: 'bo', project: 'genomics' })).toEqual([]);
    expect(spaces.getSpace('ada', 'genomics').access.map(a => a.user)).toEqual(['ada', 'vi']);
  });

  it('mounts at /project through the owner’s access point, read-only for a viewer, nothing for someone not in the project', async () => {
    await spaces.createSpace('ada', 'genomics');
    const access = Object.fromEntries(spaces.getSpace('ada', 'genomics').access.map(a => [a.user, a.accessPointId]));
    expect(spaces.projectMounts({ owner: 'bo', project: 'genomics' })).toEqual([
      expect.objectContaining({ path: '/project', kind: 'efs', efs: { fileSystemId: 'fs-0001', accessPointId: access.bo } })
    ]);
    expect(spaces.projectMounts({ owner: 'vi', project: 'genomics' })[0].efs).toMatchObject({ accessPointId: access.vi, readOnly: true });
    expect(spaces.projectMounts({ owner: 'stranger', project: 'genomics' })).toEqual([]);
    expect(await spaces.launchMount({ owner: 'bo', project: 'genomics' })).toMatchObject({ accessPointId: access.bo, mountPoint: '/project' });
    expect(await spaces.launchMount({ owner: 'vi', project: 'genomics' })).toBeNull();
    expect(await spaces.launchMount({ owner: 'bo', project: null })).toBeNull();
  });

  it('refuses to delete the space while a project workstation is not terminated', async () => {
    await spaces.createSpace('ada', 'genomics');
    workstations = [{ project: 'genomics', state: 'stopped', name: 'bo-ws' }];
    await expect(spaces.deleteSpace('ada', 'genomics')).rejects.toMatchObject({ code: 'PROJECT_SPACE_IN_USE', status: 409, detail: expect.stringContaining('bo-ws') });
    workstations = [{ project: 'genomics', state: 'terminated', name: 'bo-ws' }];
    await spaces.deleteSpace('ada', 'genomics');
    expect(() => spaces.getSpace('ada', 'genomics')).toThrow(expect.objectContaining({ code: 'PROJECT_SPACE_NOT_FOUND' }));
  });

  it('is made and deleted by project admins only', async () => {
    await expect(spaces.createSpace('bo', 'genomics')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(made).toEqual([]);
  });
});
