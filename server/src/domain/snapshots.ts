/**
 * EBS snapshots of a workstation's root volume (docs/api.md, "Snapshots and
 * backups"): taken on request or on a schedule (snapshot-schedules.ts), listed
 * for their owner and their project, deleted by their owner or a project
 * admin, restored into a new EBS volume in the workstation's zone. The record
 * is durable before EC2 is asked; its id is the snapshot's `prism:snapshot`
 * tag, so a retry finds the snapshot already made instead of making another.
 */
import crypto from 'node:crypto';
import type { RestoredVolume, Snapshot, SnapshotState } from '../contract/storage';
import type { ProjectRole } from '../contract/projects';
import { notFound, PrismError } from './errors';
import type { Clock, DomainLogger, SnapshotCloud, WorkstationRecord, WorkstationStore } from './ports';

export type SnapshotRecord = Snapshot;

/** A restore, recorded before EC2 is asked; `volumeId` is set once it made the volume. */
export interface RestoreRecord {
  id: string;
  volumeId: string | null;
  snapshotId: string;
  workstationId: string;
  owner: string;
  project: string | null;
  availabilityZone: string;
  sizeGiB: number;
  createdAt: string;
}

export interface SnapshotStore {
  insertSnapshot(record: SnapshotRecord): void;
  snapshot(id: string): SnapshotRecord | undefined;
  updateSnapshot(id: string, patch: Partial<Pick<SnapshotRecord, 'ebsSnapshotId' | 'sizeGiB' | 'state' | 'progress' | 'availabilityZone'>>): void;
  removeSnapshot(id: string): void;
  /** The user's snapshots and those of the given projects, oldest first. */
  visibleSnapshots(user: string, projects: string[]): SnapshotRecord[];
  snapshotsOf(workstationId: string): SnapshotRecord[];
  pendingSnapshots(): SnapshotRecord[];
  insertRestore(record: RestoreRecord): void;
  setRestoredVolume(id: string, volumeId: string): void;
  restoreByVolume(volumeId: string): RestoreRecord | undefined;
  removeRestore(id: string): void;
  visibleRestores(user: string, projects: string[]): RestoreRecord[];
}

export interface SnapshotsDeps {
  store: SnapshotStore;
  cloud: SnapshotCloud;
  workstations: Pick<WorkstationStore, 'get'>;
  projects: { roleOf(user: string, project: string): ProjectRole | null; projectsOf(user: string): string[] };
  clock: Clock;
  logger: DomainLogger;
}

export const SNAPSHOT_TAG = 'prism:snapshot';

/** Where a workstation's instance still exists (and so what its snapshots still back). */
export const workstationExists = (record: WorkstationRecord | undefined): boolean =>
  record !== undefined && record.state !== 'terminated' && record.state !== 'failed';

export class Snapshots {
  constructor(private readonly deps: SnapshotsDeps) {}

  /**
   * The owner or a project member (not a viewer) may snapshot a workstation.
   * @throws {PrismError} WORKSTATION_NOT_FOUND, FORBIDDEN, INVALID_STATE.
   */
  async takeSnapshot(user: string, workstationId: string, description?: string): Promise<Snapshot> {
    const workstation = this.controlled(user, workstationId, 'snapshot');
    return this.snapshotOf(workstation, 'request', description ?? `Snapshot of ${workstation.name}`, this.deps.clock.now());
  }

  /** For the scheduler: a snapshot of the workstation made at `at`. */
  async takeScheduledSnapshot(workstation: WorkstationRecord, at: Date): Promise<Snapshot> {
    return this.snapshotOf(workstation, 'schedule', `Scheduled snapshot of ${workstation.name}`, at);
  }

  /** The caller's snapshots and their projects', with EC2's progress for those still pending. */
  async listSnapshots(user: string): Promise<Snapshot[]> {
    const records = this.deps.store.visibleSnapshots(user, this.deps.projects.projectsOf(user));
    if (records.some(r => r.state === 'pending')) await this.refresh();
    return this.deps.store.visibleSnapshots(user, this.deps.projects.projectsOf(user));
  }

  /** @throws {PrismError} SNAPSHOT_NOT_FOUND when the caller may not see it. */
  getSnapshot(user: string, id: string): SnapshotRecord {
    const record = this.deps.store.snapshot(id);
    if (!record || !this.canSee(user, record)) {
      throw notFound('snapshot', id, 'List your snapshots with GET /snapshots.');
    }
    return record;
  }

  /** Its owner or a project admin. @throws {PrismError} SNAPSHOT_NOT_FOUND, FORBIDDEN. */
  async deleteSnapshot(user: string, id: string): Promise<void> {
    const record = this.getSnapshot(user, id);
    this.requireDelete(user, record);
    await this.removeSnapshot(record);
    this.deps.logger.info({ snapshot: id, workstation: record.workstationId, by: user }, 'snapshot deleted');
  }

  /** Deletes from EC2 (only while the snapshot still carries its tag), then the record. */
  async removeSnapshot(record: SnapshotRecord): Promise<void> {
    if (record.ebsSnapshotId) await this.deps.cloud.deleteSnapshot(record.ebsSnapshotId, record.id);
    this.deps.store.removeSnapshot(record.id);
  }

  /** @throws {PrismError} FORBIDDEN unless the caller owns it or is an admin of its project. */
  requireDelete(user: string, record: { owner: string; project: string | null; id: string }): void {
    if (record.owner === user) return;
    if (record.project !== null && this.deps.projects.roleOf(user, record.project) === 'admin') return;
    throw new PrismError('FORBIDDEN', 403, 'Not yours to delete', `'${record.id}' belongs to ${record.owner}.`, 'Ask its owner or a project admin to delete it.');
  }

  /**
   * A new gp3 volume from the snapshot in the workstation's zone, once
   * available. The owner or a project member (not a viewer) may.
   * @throws {PrismError} SNAPSHOT_NOT_FOUND, FORBIDDEN, SNAPSHOT_NOT_READY.
   */
  async restoreSnapshot(user: string, id: string): Promise<RestoredVolume> {
    let record = this.getSnapshot(user, id);
    if (record.owner !== user && (record.project === null || this.deps.projects.roleOf(user, record.project) === 'viewer')) {
      throw new PrismError('FORBIDDEN', 403, 'Viewers cannot restore', `Restoring '${id}' makes a volume that costs money.`, 'Ask a project member or admin to restore it.');
    }
    if (record.state === 'pending') {
      await this.refresh();
      record = this.getSnapshot(user, id);
    }
    if (record.state !== 'completed' || !record.ebsSnapshotId || !record.availabilityZone) {
      throw new PrismError(
        'SNAPSHOT_NOT_READY',
        409,
        'Snapshot not ready',
        `Snapshot '${id}' is ${record.state}${record.progress ? ` (${record.progress})` : ''}.`,
        'Wait until GET /snapshots shows it completed, then restore it.'
      );
    }
    const restore: RestoreRecord = {
      id: `restore-${crypto.randomBytes(8).toString('hex')}`,
      volumeId: null,
      snapshotId: record.id,
      workstationId: record.workstationId,
      owner: user,
      project: record.project,
      availabilityZone: record.availabilityZone,
      sizeGiB: record.sizeGiB ?? 0,
      createdAt: this.deps.clock.now().toISOString()
    };
    this.deps.store.insertRestore(restore);
    const volume = await this.deps.cloud.restoreSnapshot({
      restoreId: restore.id,
      ebsSnapshotId: record.ebsSnapshotId,
      availabilityZone: record.availabilityZone,
      tags: {
        Name: `prism-${record.workstationName}-restore`,
        'prism:restore': restore.id,
        [SNAPSHOT_TAG]: record.id,
        'prism:launch': record.workstationId,
        'prism:owner': user,
        ...(record.project ? { 'prism:project': record.project } : {})
      }
    });
    this.deps.store.setRestoredVolume(restore.id, volume.volumeId);
    this.deps.logger.info({ snapshot: id, volume: volume.volumeId, zone: volume.availabilityZone, by: user }, 'snapshot restored');
    return restoredVolume({ ...restore, volumeId: volume.volumeId, sizeGiB: volume.sizeGiB }, volume.state);
  }

  /** Brings pending records up to date with EC2 (state, progress, size). */
  async refresh(): Promise<void> {
    const found = new Map((await this.deps.cloud.findSnapshots()).map(s => [s.snapshotId, s]));
    for (const record of this.deps.store.pendingSnapshots()) {
      const cloud = found.get(record.id);
      if (cloud && (cloud.state !== record.state || cloud.progress !== record.progress)) {
        this.deps.store.updateSnapshot(record.id, { state: cloud.state, progress: cloud.progress, sizeGiB: cloud.sizeGiB });
      }
    }
  }

  private async snapshotOf(workstation: WorkstationRecord, trigger: Snapshot['trigger'], description: string, at: Date): Promise<Snapshot> {
    if (!workstation.instanceId || !workstationExists(workstation) || workstation.state === 'pending') {
      throw new PrismError(
        'INVALID_STATE',
        409,
        'Cannot snapshot now',
        `Workstation '${workstation.name}' is ${workstation.state}; a snapshot needs its instance running or stopped.`,
        workstation.state === 'pending' ? 'Wait until it is running, then snapshot it.' : 'Snapshot a workstation that still exists.'
      );
    }
    const record: SnapshotRecord = {
      id: `snapshot-${crypto.randomBytes(8).toString('hex')}`,
      workstationId: workstation.id,
      workstationName: workstation.name,
      owner: workstation.owner,
      project: workstation.project,
      ebsSnapshotId: null,
      sizeGiB: null,
      description,
      trigger,
      state: 'pending',
      progress: null,
      availabilityZone: null,
      createdAt: at.toISOString()
    };
    this.deps.store.insertSnapshot(record);
    try {
      const made = await this.deps.cloud.snapshotRootVolume({
        snapshotId: record.id,
        instanceId: workstation.instanceId,
        description,
        tags: {
          Name: `prism-${workstation.name}`,
          [SNAPSHOT_TAG]: record.id,
          'prism:launch': workstation.id,
          'prism:owner': workstation.owner,
          ...(workstation.project ? { 'prism:project': workstation.project } : {})
        }
      });
      const patch = { ebsSnapshotId: made.ebsSnapshotId, sizeGiB: made.sizeGiB, state: made.state as SnapshotState, progress: made.progress, availabilityZone: made.availabilityZone };
      this.deps.store.updateSnapshot(record.id, patch);
      this.deps.logger.info({ workstation: workstation.id, snapshot: record.id, ebsSnapshot: made.ebsSnapshotId, trigger }, 'snapshot started');
      return { ...record, ...patch };
    } catch (error) {
      // Nothing was made (EC2 refused): the record would only be a ghost.
      this.deps.store.removeSnapshot(record.id);
      throw error;
    }
  }

  private controlled(user: string, id: string, action: string): WorkstationRecord {
    const record = this.deps.workstations.get(id);
    const role = record?.project ? this.deps.projects.roleOf(user, record.project) : null;
    if (!record || (record.owner !== user && role === null)) {
      throw notFound('workstation', id, 'List your workstations with GET /instances.');
    }
    if (record.owner !== user && role === 'viewer') {
      throw new PrismError('FORBIDDEN', 403, `Viewers cannot ${action}`, `You are a viewer of project '${record.project}'.`, 'Ask a project admin to make you a member.');
    }
    return record;
  }

  private canSee(user: string, record: { owner: string; project: string | null }): boolean {
    return record.owner === user || (record.project !== null && this.deps.projects.roleOf(user, record.project) !== null);
  }
}

export function restoredVolume(record: RestoreRecord & { volumeId: string }, state: string): RestoredVolume {
  return {
    id: record.volumeId,
    snapshotId: record.snapshotId,
    workstationId: record.workstationId,
    owner: record.owner,
    project: record.project,
    availabilityZone: record.availabilityZone,
    sizeGiB: record.sizeGiB,
    state,
    createdAt: record.createdAt,
    howToUse:
      `Stop a workstation in ${record.availabilityZone}, then attach it: aws ec2 attach-volume --volume-id ${record.volumeId} ` +
      '--instance-id <its EC2 instance id> --device /dev/sdf; start it and mount the partition (lsblk shows it). ' +
      'Delete it from the Storage view when done.'
  };
}
