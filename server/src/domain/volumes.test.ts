import type { DatasetRequest } from '../contract/api';
import type { ProjectRole } from '../contract/projects';
import { FakeCloud } from './testing/fake-cloud';
import type { WorkstationRecord } from './ports';
import { Volumes, posixUid, type VolumeRecord, type VolumeStore } from './volumes';

class MemoryVolumes implements VolumeStore {
  readonly rows = new Map<string, VolumeRecord>();
  insertVolume(volume: VolumeRecord): void {
    this.rows.set(volume.id, { ...volume });
  }
  volume(id: string): VolumeRecord | undefined {
    return this.rows.get(id);
  }
  setFileSystem(id: string, fileSystemId: string): void {
    (this.rows.get(id) as VolumeRecord).fileSystemId = fileSystemId;
  }
  visibleVolumes(user: string, projects: string[]): VolumeRecord[] {
    return [...this.rows.values()].filter(v => v.owner === user || (v.project !== null && projects.includes(v.project)));
  }
  removeVolume(id: string): void {
    this.rows.delete(id);
  }
}

const ROLES: Record<string, Record<string, ProjectRole>> = { genomics: { alice: 'admin', bob: 'viewer' } };

function setUp(workstations: Partial<WorkstationRecord>[] = []) {
  const cloud = new FakeCloud();
  const store = new MemoryVolumes();
  const volumes = new Volumes({
    store,
    workstations: { listAll: () => workstations as WorkstationRecord[] },
    cloud,
    projects: {
      roleOf: (user, project) => ROLES[project]?.[user] ?? null,
      require: (user, project) => {
        const role = ROLES[project]?.[user];
        if (!role) throw new Error('no such project');
        return role;
      },
      listProjects: user => Object.keys(ROLES).filter(p => ROLES[p][user]).map(id => ({ id }) as never)
    },
    clock: { now: () => new Date('2026-11-27T12:00:00Z') },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined }
  });
  return { cloud, store, volumes };
}

const attached = (volume: string, state: WorkstationRecord['state']): Partial<WorkstationRecord> => ({
  name: 'ws',
  state,
  datasets: [{ efs: { volume } } as DatasetRequest]
});

describe('EFS volumes', () => {
  it('derives the same uid from the same name, between 10000 and 59999', () => {
    expect(posixUid('alice')).toBe(posixUid('alice'));
    expect(posixUid('alice')).not.toBe(posixUid('bob'));
    for (const user of ['alice', 'bob', 'carol', 'x']) {
      expect(posixUid(user)).toBeGreaterThanOrEqual(10_000);
      expect(posixUid(user)).toBeLessThan(60_000);
    }
  });

  it('records the volume before asking EFS, and makes its mount targets', async () => {
    const { cloud, store, volumes } = setUp();
    const volume = await volumes.createVolume('alice', { name: 'shared' });
    expect(store.volume(volume.id)?.fileSystemId).toBe(`fs-${volume.id}`);
    expect(cloud.calls.map(c => c.method)).toEqual(['createFileSystem', 'ensureMountTargets']);
  });

  it('shows a project volume to the project and hides a personal one from others', async () => {
    const { volumes } = setUp();
    const mine = await volumes.createVolume('carol', { name: 'mine' });
    const shared = await volumes.createVolume('alice', { name: 'team', project: 'genomics' });
    expect(volumes.listVolumes('bob').map(v => v.id)).toEqual([shared.id]);
    expect(() => volumes.getVolume('bob', mine.id)).toThrow(expect.objectContaining({ code: 'VOLUME_NOT_FOUND', status: 404 }));
    await expect(volumes.deleteVolume('bob', shared.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('gives each user their own access point with their uid and home directory', async () => {
    const { cloud, volumes } = setUp();
    const volume = await volumes.createVolume('alice', { name: 'team', project: 'genomics' });
    const mount = await volumes.attachVolume('bob', volume.id);
    expect(mount).toMatchObject({ fileSystemId: volume.fileSystemId, mountPoint: '/mnt/efs/team' });
    expect(cloud.fileSystems.get(volume.fileSystemId as string)?.accessPoints.get('bob')).toMatchObject({
      uid: posixUid('bob'),
      rootDirectory: '/home/bob'
    });
  });

  it('refuses to delete a volume a live workstation has attached, and deletes it once terminated', async () => {
    const live = attached('', 'stopped');
    const { cloud, volumes } = setUp([live]);
    const volume = await volumes.createVolume('alice', { name: 'shared' });
    live.datasets = [{ efs: { volume: volume.id } } as DatasetRequest];
    await expect(volumes.deleteVolume('alice', volume.id)).rejects.toMatchObject({ code: 'VOLUME_IN_USE', status: 409, hint: expect.any(String) });
    live.state = 'terminated';
    await volumes.deleteVolume('alice', volume.id);
    expect(cloud.fileSystems.size).toBe(0);
    expect(volumes.listVolumes('alice')).toEqual([]);
  });
});
