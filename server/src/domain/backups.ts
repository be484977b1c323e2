/**
 * Backups of EFS volumes (docs/api.md, "Snapshots and backups"). Where AWS
 * Backup answers (backup:ListBackupVaults), Prism keeps a vault and the plan
 * `prism-efs-daily` that selects every file system tagged `prism:volume`;
 * elsewhere, or when the plan cannot be made, each volume has EFS's own
 * automatic backups turned on. The choice is made once per service start.
 * A restore makes a NEW volume from a recovery point (the old one is left as
 * it is); it is a volume without a file system until AWS Backup's job ends.
 */
import crypto from 'node:crypto';
import type { BackupMode, RecoveryPointList, VolumeRestore, VolumeRestoreState } from '../contract/storage';
import { notFound, PrismError } from './errors';
import type { BackupCloud, Clock, Cloud, DomainLogger } from './ports';
import type { Volumes, VolumeStore } from './volumes';

export const BACKUP_VAULT = 'prism-efs';
export const BACKUP_PLAN = 'prism-efs-daily';
export const BACKUP_RETENTION_DAYS = 35;
const VOLUME_TAG = 'prism:volume';

export interface VolumeRestoreStore {
  insertVolumeRestore(record: VolumeRestore): void;
  volumeRestore(volumeId: string): VolumeRestore | undefined;
  runningVolumeRestores(): VolumeRestore[];
  finishVolumeRestore(volumeId: string, state: Exclude<VolumeRestoreState, 'running'>, message: string | null): void;
}

export interface VolumeBackupsDeps {
  cloud: BackupCloud;
  /** Mount targets for a restored file system, as for any volume. */
  volumeCloud: Pick<Cloud, 'ensureMountTargets'>;
  volumes: Pick<Volumes, 'getVolume' | 'listVolumes'>;
  volumeStore: Pick<VolumeStore, 'insertVolume' | 'setFileSystem' | 'volume'>;
  restores: VolumeRestoreStore;
  /** Only owners and project members restore (a restore makes a volume that costs money). */
  roleOf(user: string, project: string): string | null;
  allFileSystems(): string[];
  clock: Clock;
  logger: DomainLogger;
  retentionDays?: number;
}

export class VolumeBackups {
  private chosen: Promise<BackupMode> | undefined;
  private followTimer: NodeJS.Timeout | undefined;
  /** Set by stopFollowing: background work started before then touches no store after it (the service closes them next). */
  private stopped = false;
  /** The background work in flight (the start's prepare and the checks that follow), awaited by stopFollowing. */
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly deps: VolumeBackupsDeps) {}

  /** AWS Backup's plan when it can be made, else EFS's own backup policy; decided once. Never throws. */
  mode(): Promise<BackupMode> {
    return (this.chosen ??= this.choose());
  }

  /** For a new volume's file system: turn EFS's own backups on? */
  async automaticBackupsOnCreate(): Promise<boolean> {
    return (await this.mode()) === 'efs-policy';
  }

  /** At start: the mode, and with EFS's policy, backups turned on for volumes made before. Never throws. */
  async prepare(): Promise<BackupMode> {
    const mode = await this.mode();
    if (mode !== 'efs-policy' || this.stopped) return mode;
    for (const fileSystemId of this.deps.allFileSystems()) {
      if (this.stopped) break;
      try {
        if (!(await this.deps.cloud.fileSystemBackupsEnabled(fileSystemId))) {
          await this.deps.cloud.enableFileSystemBackups(fileSystemId);
          this.deps.logger.info({ fileSystemId }, 'EFS automatic backups turned on');
        }
      } catch (error) {
        this.deps.logger.warn({ err: error, fileSystemId }, 'could not turn on EFS automatic backups for this file system');
      }
    }
    return mode;
  }

  /** The volume's recovery points, newest first. @throws {PrismError} VOLUME_NOT_FOUND. */
  async recoveryPoints(user: string, volumeId: string): Promise<RecoveryPointList> {
    const volume = this.deps.volumes.getVolume(user, volumeId);
    const backups = await this.mode();
    if (!volume.fileSystemId) return { volumeId, backups, recoveryPoints: [], note: 'This volume has no file system yet, so nothing was backed up.' };
    try {
      const points = await this.deps.cloud.listRecoveryPoints(volume.fileSystemId);
      return { volumeId, backups, recoveryPoints: points.sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '')), note: null };
    } catch (error) {
      if (backups === 'aws-backup') throw error;
      this.deps.logger.warn({ err: error, volume: volumeId }, 'could not list recovery points');
      return {
        volumeId,
        backups,
        recoveryPoints: [],
        note:
          'EFS makes daily automatic backups of this volume (its backup policy is on), but AWS Backup could not be asked for the list here. ' +
          'See them in the AWS Backup console (vault aws/efs/automatic-backup-vault), or grant backup:ListRecoveryPointsByResource.'
      };
    }
  }

  /**
   * Restores a recovery point of the volume into a NEW volume, named
   * `<name>-restored-<date>`, in the caller's name and the volume's project.
   * @throws {PrismError} VOLUME_NOT_FOUND, FORBIDDEN, RECOVERY_POINT_NOT_FOUND.
   */
  async restore(user: string, volumeId: string, recoveryPoint: string): Promise<VolumeRestore> {
    const volume = this.deps.volumes.getVolume(user, volumeId);
    if (volume.owner !== user && (volume.project === null || this.deps.roleOf(user, volume.project) === 'viewer')) {
      throw new PrismError('FORBIDDEN', 403, 'Viewers cannot restore', `Restoring makes a new volume that costs money.`, 'Ask a project member or admin to restore it.');
    }
    const listed = await this.recoveryPoints(user, volumeId);
    // Only a recovery point of this volume's own file system: an ARN from elsewhere is not the caller's to restore.
    if (!listed.recoveryPoints.some(p => p.arn === recoveryPoint)) {
      throw new PrismError(
        'RECOVERY_POINT_NOT_FOUND',
        404,
        'No such recovery point',
        `Volume '${volume.name}' has no recovery point '${recoveryPoint}'.`,
        listed.note ?? 'List them with GET /volumes/:id/recovery-points and pass one of their arn values.'
      );
    }
    const now = this.deps.clock.now();
    const restored = {
      id: `vol-${crypto.randomBytes(8).toString('hex')}`,
      name: `${volume.name}-restored-${now.toISOString().slice(0, 10)}`.slice(0, 63),
      owner: user,
      project: volume.project,
      fileSystemId: null,
      createdAt: now.toISOString()
    };
    this.deps.volumeStore.insertVolume(restored);
    const jobId = await this.deps.cloud.startRestore({ restoreId: restored.id, recoveryPointArn: recoveryPoint, fileSystemId: volume.fileSystemId as string });
    const record: VolumeRestore = { volumeId: restored.id, sourceVolumeId: volumeId, recoveryPoint, jobId, state: 'running', message: null, startedAt: now.toISOString() };
    this.deps.restores.insertVolumeRestore(record);
    this.deps.logger.info({ volume: restored.id, from: volumeId, job: jobId, by: user }, 'volume restore started');
    return record;
  }

  /** The restore that made this volume. @throws {PrismError} VOLUME_NOT_FOUND, RESTORE_NOT_FOUND. */
  restoreOf(user: string, volumeId: string): VolumeRestore {
    this.deps.volumes.getVolume(user, volumeId);
    const record = this.deps.restores.volumeRestore(volumeId);
    if (!record) throw notFound('restore', volumeId, 'This volume was not made by a restore.');
    return record;
  }

  /** Checks every running restore once: a completed one gets its file system, tags and mount targets. Never throws. */
  async followRestores(): Promise<void> {
    if (this.stopped) return;
    for (const restore of this.deps.restores.runningVolumeRestores()) {
      if (this.stopped) return;
      try {
        await this.followOne(restore);
      } catch (error) {
        this.deps.logger.warn({ err: error, volume: restore.volumeId, job: restore.jobId }, 'could not check the restore; trying again');
      }
    }
  }

  /** At start: prepare, then check running restores every `everyMs`. */
  startFollowing(everyMs: number): void {
    if (this.followTimer) clearInterval(this.followTimer);
    this.stopped = false;
    this.track(this.prepare().then(() => this.followRestores()));
    this.followTimer = setInterval(() => this.track(this.followRestores()), everyMs);
    this.followTimer.unref();
  }

  /** Starts no more background work; settles once the work in flight has stopped touching the stores. Never rejects. */
  async stopFollowing(): Promise<void> {
    if (this.followTimer) clearInterval(this.followTimer);
    this.followTimer = undefined;
    this.stopped = true;
    await Promise.allSettled([...this.inFlight]);
  }

  private track(work: Promise<unknown>): void {
    const settled = work.catch(error => this.deps.logger.warn({ err: error }, 'background backup work failed')).finally(() => this.inFlight.delete(settled));
    this.inFlight.add(settled);
  }

  private async followOne(restore: VolumeRestore): Promise<void> {
    const job = await this.deps.cloud.restoreJob(restore.jobId);
    if (job.state === 'running') return;
    if (job.state === 'failed' || !job.fileSystemId) {
      this.deps.restores.finishVolumeRestore(restore.volumeId, 'failed', job.message ?? 'AWS Backup gave no file system.');
      this.deps.logger.warn({ volume: restore.volumeId, job: restore.jobId, message: job.message }, 'volume restore failed');
      return;
    }
    const volume = this.deps.volumeStore.volume(restore.volumeId);
    if (!volume) return;
    await this.deps.cloud.adoptFileSystem(job.fileSystemId, { volumeId: volume.id, name: volume.name, owner: volume.owner, project: volume.project });
    this.deps.volumeStore.setFileSystem(volume.id, job.fileSystemId);
    await this.deps.volumeCloud.ensureMountTargets(job.fileSystemId);
    this.deps.restores.finishVolumeRestore(restore.volumeId, 'completed', null);
    this.deps.logger.info({ volume: volume.id, fileSystemId: job.fileSystemId }, 'volume restored');
  }

  private async choose(): Promise<BackupMode> {
    const { cloud, logger } = this.deps;
    try {
      if (await cloud.awsBackupAvailable()) {
        await cloud.ensureBackupPlan({ vault: BACKUP_VAULT, plan: BACKUP_PLAN, retentionDays: this.deps.retentionDays ?? BACKUP_RETENTION_DAYS, tagKey: VOLUME_TAG });
        logger.info({ vault: BACKUP_VAULT, plan: BACKUP_PLAN }, 'EFS volumes are backed up by AWS Backup');
        return 'aws-backup';
      }
      logger.info({}, 'AWS Backup does not answer here; each EFS volume gets its own automatic backups');
    } catch (error) {
      logger.warn({ err: error }, 'could not set up the AWS Backup plan; each EFS volume gets its own automatic backups instead');
    }
    return 'efs-policy';
  }
}
