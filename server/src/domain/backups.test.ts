/**
 * EFS backups with the BackupCloud port stubbed: moto has no backup
 * selections, recovery points or restore jobs, so the choice of backup
 * mode and the restore into a new volume are proven here.
 */
import type { VolumeRestore } from '../contract/storage';
import { VolumeBackups, type VolumeRestoreStore } from './backups';
import { notFound } from './errors';
import type { BackupCloud, CloudRecoveryPoint, CloudRestoreJob, FileSystemSpec } from './ports';
import type { VolumeRecord } from './volumes';

const POINT: CloudRecoveryPoint = {
  arn: 'arn:aws:backup:us-east-1:111122223333:recovery-point:aa-1',
  createdAt: '2026-11-02T05:10:00.000Z',
  status: 'COMPLETED',
  sizeBytes: 4096,
  expiresAt: null,
  vault: 'prism-efs'
};

class StubBackupCloud implements BackupCloud {
  available = true;
  planFails = false;
  listFails = false;
  enabled = new Set<string>(['fs-on']);
  job: CloudRestoreJob = { state: 'running', fileSystemId: null, message: null };
  /** When set, awsBackupAvailable answers only once it resolves (a slow cloud at start). */
  answerAvailable: Promise<void> | undefined;
  readonly calls: { method: string; args: unknown[] }[] = [];

  private record(method: string, ...args: unknown[]): void {
    this.calls.push({ method, args });
  }

  async awsBackupAvailable() {
    this.record('awsBackupAvailable');
    await this.answerAvailable;
    return this.available;
  }
  async ensureBackupPlan(spec: unknown) {
    this.record('ensureBackupPlan', spec);
    if (this.planFails) throw new Error('backup:CreateBackupSelection is not implemented here');
  }
  async fileSystemBackupsEnabled(fileSystemId: string) {
    return this.enabled.has(fileSystemId);
  }
  async enableFileSystemBackups(fileSystemId: string) {
    this.record('enableFileSystemBackups', fileSystemId);
    this.enabled.add(fileSystemId);
  }
  async listRecoveryPoints(fileSystemId: string) {
    this.record('listRecoveryPoints', fileSystemId);
    if (this.listFails) throw new Error('AccessDenied');
    return fileSystemId === 'fs-data' ? [POINT] : [];
  }
  async startRestore(spec: { restoreId: string; recoveryPointArn: string; fileSystemId: string }) {
    this.record('startRestore', spec);
    return 'job-1';
  }
  async restoreJob(jobId: string) {
    this.record('restoreJob', jobId);
    return this.job;
  }
  async adoptFileSystem(fileSystemId: string, spec: FileSystemSpec) {
    this.record('adoptFileSystem', fileSystemId, spec);
  }
  async fileSystemSizes() {
    return {};
  }
}

function harness(roles: Record<string, string> = {}) {
  const cloud = new StubBackupCloud();
  const volumes = new Map<string, VolumeRecord>([
    ['vol-data', { id: 'vol-data', name: 'data', owner: 'ada', project: 'lab', fileSystemId: 'fs-data', createdAt: '2026-11-01T00:00:00.000Z' }],
    ['vol-old', { id: 'vol-old', name: 'old', owner: 'ada', project: null, fileSystemId: 'fs-old', createdAt: '2026-10-01T00:00:00.000Z' }]
  ]);
  const restores = new Map<string, VolumeRestore>();
  /** The background work's reads of the stores, in order. */
  const storeReads: string[] = [];
  const restoreStore: VolumeRestoreStore = {
    insertVolumeRestore: r => void restores.set(r.volumeId, r),
    volumeRestore: id => restores.get(id),
    runningVolumeRestores: () => (storeReads.push('runningVolumeRestores'), [...restores.values()].filter(r => r.state === 'running')),
    finishVolumeRestore: (id, state, message) => void restores.set(id, { ...(restores.get(id) as VolumeRestore), state, message })
  };
  const mountTargets: string[] = [];
  const roleOf = (user: string, project: string): string | null => roles[`${user}@${project}`] ?? null;
  const backups = new VolumeBackups({
    cloud,
    volumeCloud: { ensureMountTargets: async id => (mountTargets.push(id), [`fsmt-${id}`]) },
    volumes: {
      getVolume: (user, id) => {
        const volume = volumes.get(id);
        if (!volume || (volume.owner !== user && !(volume.project && roleOf(user, volume.project)))) throw notFound('volume', id, 'List your volumes.');
        return volume;
      },
      listVolumes: () => [...volumes.values()]
    },
    volumeStore: {
      insertVolume: v => void volumes.set(v.id, v),
      setFileSystem: (id, fs) => void volumes.set(id, { ...(volumes.get(id) as VolumeRecord), fileSystemId: fs }),
      volume: id => volumes.get(id)
    },
    restores: restoreStore,
    roleOf,
    allFileSystems: () => (storeReads.push('allFileSystems'), ['fs-data', 'fs-old', 'fs-on']),
    clock: { now: () => new Date('2026-11-05T09:00:00.000Z') },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined }
  });
  return { backups, cloud, volumes, restores, mountTargets, storeReads };
}

describe('EFS backups', () => {
  it('uses AWS Backup when it answers and the plan is made: a daily plan selecting the prism:volume tag, no per-volume policy', async () => {
    const { backups, cloud } = harness();
    expect(await backups.prepare()).toBe('aws-backup');
    expect(await backups.automaticBackupsOnCreate()).toBe(false);
    expect(cloud.calls.find(c => c.method === 'ensureBackupPlan')?.args[0]).toEqual({ vault: 'prism-efs', plan: 'prism-efs-daily', retentionDays: 35, tagKey: 'prism:volume' });
    expect(cloud.calls.some(c => c.method === 'enableFileSystemBackups')).toBe(false);
  });

  it("falls back to each volume's own backup policy when the plan cannot be made, turning it on where it is off, once", async () => {
    const { backups, cloud } = harness();
    cloud.planFails = true;
    expect(await backups.prepare()).toBe('efs-policy');
    expect(await backups.automaticBackupsOnCreate()).toBe(true);
    expect(cloud.calls.filter(c => c.method === 'enableFileSystemBackups').map(c => c.args[0])).toEqual(['fs-data', 'fs-old']);
    await backups.mode();
    expect(cloud.calls.filter(c => c.method === 'awsBackupAvailable')).toHaveLength(1);
  });

  it("says so when only EFS's policy backs the volume and its recovery points cannot be listed", async () => {
    const { backups, cloud } = harness();
    cloud.available = false;
    cloud.listFails = true;
    expect(await backups.recoveryPoints('ada', 'vol-data')).toMatchObject({ backups: 'efs-policy', recoveryPoints: [], note: expect.stringContaining('aws/efs/automatic-backup-vault') });
  });

  it('lets a failed listing through when AWS Backup is the way volumes are backed up', async () => {
    const { backups, cloud } = harness();
    cloud.listFails = true;
    await expect(backups.recoveryPoints('ada', 'vol-data')).rejects.toThrow('AccessDenied');
  });

  it("refuses a recovery point that is not the volume's own, and a viewer, making nothing", async () => {
    const { backups, cloud, volumes } = harness({ 'cy@lab': 'viewer' });
    await expect(backups.restore('ada', 'vol-old', POINT.arn)).rejects.toMatchObject({ code: 'RECOVERY_POINT_NOT_FOUND', status: 404 });
    await expect(backups.restore('cy', 'vol-data', POINT.arn)).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    await expect(backups.restore('bo', 'vol-data', POINT.arn)).rejects.toMatchObject({ code: 'VOLUME_NOT_FOUND' });
    expect(volumes.size).toBe(2);
    expect(cloud.calls.some(c => c.method === 'startRestore')).toBe(false);
  });

  it('restores into a new volume that gets its file system, tags and mount targets once the job completes', async () => {
    const { backups, cloud, volumes, mountTargets } = harness({ 'mo@lab': 'member' });
    const started = await backups.restore('mo', 'vol-data', POINT.arn);
    expect(started).toMatchObject({ sourceVolumeId: 'vol-data', recoveryPoint: POINT.arn, jobId: 'job-1', state: 'running' });
    const made = volumes.get(started.volumeId) as VolumeRecord;
    expect(made).toMatchObject({ name: 'data-restored-2026-11-05', owner: 'mo', project: 'lab', fileSystemId: null });
    expect(cloud.calls.find(c => c.method === 'startRestore')?.args[0]).toEqual({ restoreId: started.volumeId, recoveryPointArn: POINT.arn, fileSystemId: 'fs-data' });

    await backups.followRestores();
    expect(backups.restoreOf('mo', started.volumeId).state).toBe('running');
    expect(volumes.get(started.volumeId)?.fileSystemId).toBeNull();

    cloud.job = { state: 'completed', fileSystemId: 'fs-new', message: null };
    await backups.followRestores();
    expect(volumes.get(started.volumeId)?.fileSystemId).toBe('fs-new');
    expect(cloud.calls.find(c => c.method === 'adoptFileSystem')?.args).toEqual(['fs-new', { volumeId: started.volumeId, name: made.name, owner: 'mo', project: 'lab' }]);
    expect(mountTargets).toEqual(['fs-new']);
    expect(backups.restoreOf('mo', started.volumeId)).toMatchObject({ state: 'completed', message: null });

    // Finished restores are not asked about again.
    const asked = cloud.calls.filter(c => c.method === 'restoreJob').length;
    await backups.followRestores();
    expect(cloud.calls.filter(c => c.method === 'restoreJob')).toHaveLength(asked);
  });

  it("records a failed job's reason and leaves the new volume without a file system", async () => {
    const { backups, cloud, volumes } = harness();
    const started = await backups.restore('ada', 'vol-data', POINT.arn);
    cloud.job = { state: 'failed', fileSystemId: null, message: 'The IAM role cannot be assumed' };
    await backups.followRestores();
    expect(backups.restoreOf('ada', started.volumeId)).toMatchObject({ state: 'failed', message: 'The IAM role cannot be assumed' });
    expect(volumes.get(started.volumeId)?.fileSystemId).toBeNull();
  });

  it('stopped while the start is still asking AWS which way to back up: stop waits for that answer, and no store is read after it', async () => {
    const { backups, cloud, storeReads } = harness();
    cloud.available = false;
    let answer!: () => void;
    cloud.answerAvailable = new Promise(resolve => (answer = resolve));
    backups.startFollowing(60_000);
    await Promise.resolve();
    expect(cloud.calls.map(c => c.method)).toEqual(['awsBackupAvailable']);

    let stopped = false;
    const stopping = backups.stopFollowing().then(() => (stopped = true));
    await new Promise(resolve => setImmediate(resolve));
    expect(stopped).toBe(false);

    answer();
    await stopping;
    // The service closes its stores right after stop settles: the start's prepare and restore check must not reach them.
    expect(storeReads).toEqual([]);
    expect(cloud.calls.some(c => c.method === 'enableFileSystemBackups')).toBe(false);
  });

  it('started normally, prepares and checks restores once, and after stop its timer starts nothing more', async () => {
    jest.useFakeTimers();
    try {
      const { backups, cloud, storeReads } = harness();
      cloud.available = false;
      backups.startFollowing(1_000);
      await jest.advanceTimersByTimeAsync(0);
      expect(storeReads).toEqual(['allFileSystems', 'runningVolumeRestores']);
      expect(cloud.calls.filter(c => c.method === 'enableFileSystemBackups').map(c => c.args[0])).toEqual(['fs-data', 'fs-old']);
      await jest.advanceTimersByTimeAsync(1_000);
      expect(storeReads).toHaveLength(3);
      await backups.stopFollowing();
      await jest.advanceTimersByTimeAsync(5_000);
      expect(storeReads).toHaveLength(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
