/**
 * Storage housekeeping (docs/api.md, "Storage"): what the caller may see of
 * volumes, snapshots and restored EBS volumes, what each costs a month, which
 * of them nothing uses any more, and a cleanup that deletes exactly the items
 * the person confirmed, each only if it is still unused and theirs (or they
 * are an admin of its project), answering for every item.
 */
import type { StorageCost } from '../contract/api';
import type {
  CleanupOutcome,
  CleanupRequest,
  StorageEbsVolume,
  StorageKind,
  StorageReport,
  StorageSnapshot,
  StorageVolume,
  UnusedItem
} from '../contract/storage';
import type { ProjectRole } from '../contract/projects';
import { PrismError } from './errors';
import type { BackupCloud, Clock, SnapshotCloud, WorkstationStore } from './ports';
import type { PriceBook } from './price-book';
import { workstationExists, type Snapshots, type SnapshotStore } from './snapshots';
import { dollars, ebsVolumeMonthlyCost, efsMonthlyCost, monthShare, snapshotMonthlyCost, storageTotals } from './storage-costs';
import type { Volumes } from './volumes';

export interface StorageDeps {
  volumes: Pick<Volumes, 'listVolumes' | 'deleteVolume'>;
  snapshots: Pick<Snapshots, 'listSnapshots' | 'getSnapshot' | 'requireDelete' | 'removeSnapshot'>;
  snapshotStore: Pick<SnapshotStore, 'visibleRestores' | 'restoreByVolume' | 'removeRestore'>;
  snapshotCloud: Pick<SnapshotCloud, 'findRestoredVolumes' | 'deleteRestoredVolume'>;
  backupCloud: Pick<BackupCloud, 'fileSystemSizes'>;
  workstations: Pick<WorkstationStore, 'get' | 'listAll'>;
  projects: { roleOf(user: string, project: string): ProjectRole | null; projectsOf(user: string): string[] };
  prices: Pick<PriceBook, 'storagePrices' | 'date'>;
  clock: Clock;
}

/** Cleanup takes at most this many items at once. */
export const CLEANUP_MAX_ITEMS = 100;

type Stored = StorageVolume | StorageSnapshot | StorageEbsVolume;

export class Storage {
  constructor(private readonly deps: StorageDeps) {}

  async report(user: string): Promise<StorageReport> {
    const prices = this.deps.prices.storagePrices();
    const [volumes, snapshots, ebsVolumes] = await Promise.all([this.volumes(user), this.snapshots(user), this.ebsVolumes(user)]);
    const all: Stored[] = [...volumes, ...snapshots, ...ebsVolumes];
    const unused = all.flatMap(item => {
      const reason = unusedReason(item);
      return reason ? [toUnused(item, reason)] : [];
    });
    const unusedKeys = new Set(unused.map(u => `${u.kind}:${u.id}`));
    const isUnused = (item: Stored): boolean => unusedKeys.has(`${item.kind}:${item.id}`);
    return {
      currency: 'USD',
      priceTableDate: this.deps.prices.date(),
      prices,
      volumes,
      snapshots,
      ebsVolumes,
      unused: { items: unused, monthlyCost: dollars(unused.reduce((sum, u) => sum + u.monthlyCost, 0)) },
      byUser: storageTotals(all, item => item.owner, isUnused),
      byProject: storageTotals(all, item => item.project, isUnused),
      total: storageTotals(all, () => 'all', isUnused).all ?? { monthlyCost: 0, unusedMonthlyCost: 0 }
    };
  }

  /** For GET /costs: the caller's own storage this month, as cost lines. */
  async costsOf(user: string): Promise<StorageCost[]> {
    const now = this.deps.clock.now();
    const month = { start: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1), end: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1), now: now.getTime() };
    const report = await this.report(user);
    const lines: StorageCost[] = [];
    for (const item of [...report.volumes, ...report.snapshots, ...report.ebsVolumes]) {
      if (item.owner !== user) continue;
      lines.push({
        kind: item.kind,
        id: item.id,
        name: nameOf(item),
        owner: item.owner,
        project: item.project,
        workstationId: item.kind === 'snapshot' ? item.workstation.id : null,
        monthlyCost: item.monthlyCost,
        ...monthShare(item.monthlyCost, item.createdAt, month)
      });
    }
    return lines;
  }

  /** Deletes each confirmed item that is still unused and the caller's to delete; one outcome per item, in order. */
  async cleanup(user: string, request: CleanupRequest): Promise<CleanupOutcome[]> {
    const outcomes: CleanupOutcome[] = [];
    const seen = new Set<string>();
    for (const item of request.items) {
      if (seen.has(`${item.kind}:${item.id}`)) continue;
      seen.add(`${item.kind}:${item.id}`);
      try {
        await this.deleteOne(user, item.kind, item.id);
        outcomes.push({ kind: item.kind, id: item.id, result: 'deleted' });
      } catch (error) {
        if (!(error instanceof PrismError)) throw error;
        outcomes.push({ kind: item.kind, id: item.id, result: 'refused', code: error.code, detail: error.detail, hint: error.hint });
      }
    }
    return outcomes;
  }

  private async deleteOne(user: string, kind: StorageKind, id: string): Promise<void> {
    if (kind === 'volume') {
      // Volumes.deleteVolume checks owner or project admin, and refuses with VOLUME_IN_USE while attached.
      await this.deps.volumes.deleteVolume(user, id);
      return;
    }
    if (kind === 'snapshot') {
      const snapshot = this.deps.snapshots.getSnapshot(user, id);
      this.deps.snapshots.requireDelete(user, snapshot);
      const workstation = this.deps.workstations.get(snapshot.workstationId);
      if (workstationExists(workstation)) {
        throw new PrismError(
          'SNAPSHOT_IN_USE',
          409,
          'Snapshot still backs a workstation',
          `Workstation '${snapshot.workstationName}' still exists, so its snapshot '${id}' is not unused.`,
          'Delete it on purpose with DELETE /snapshots/:id, or terminate the workstation first.'
        );
      }
      await this.deps.snapshots.removeSnapshot(snapshot);
      return;
    }
    const restore = this.deps.snapshotStore.restoreByVolume(id);
    if (!restore || !this.canSee(user, restore)) {
      throw new PrismError('EBS_VOLUME_NOT_FOUND', 404, 'No such EBS volume', `There is no restored volume '${id}'.`, 'List your storage with GET /storage.');
    }
    this.deps.snapshots.requireDelete(user, { ...restore, id });
    const volume = (await this.deps.snapshotCloud.findRestoredVolumes()).find(v => v.volumeId === id);
    if (volume && (volume.attachedTo.length > 0 || volume.state === 'in-use')) {
      throw new PrismError(
        'EBS_VOLUME_IN_USE',
        409,
        'Volume attached',
        `EBS volume ${id} is attached to ${volume.attachedTo.join(', ') || 'an instance'}.`,
        'Detach it first (stop the workstation, then aws ec2 detach-volume), and clean up again.'
      );
    }
    await this.deps.snapshotCloud.deleteRestoredVolume(id, restore.id);
    this.deps.snapshotStore.removeRestore(restore.id);
  }

  private async volumes(user: string): Promise<StorageVolume[]> {
    const prices = this.deps.prices.storagePrices();
    const volumes = this.deps.volumes.listVolumes(user);
    const sizes = await this.deps.backupCloud.fileSystemSizes(volumes.flatMap(v => (v.fileSystemId ? [v.fileSystemId] : [])));
    const live = this.deps.workstations.listAll().filter(w => w.state !== 'terminated');
    return volumes.map(volume => {
      const size = (volume.fileSystemId && sizes[volume.fileSystemId]) || { standard: 0, infrequentAccess: 0 };
      return {
        kind: 'volume',
        id: volume.id,
        name: volume.name,
        owner: volume.owner,
        project: volume.project,
        fileSystemId: volume.fileSystemId,
        sizeBytes: size,
        monthlyCost: efsMonthlyCost(size, prices),
        attachedTo: live.filter(w => w.datasets.some(d => d.efs?.volume === volume.id)).map(w => ({ id: w.id, name: w.name, state: w.state })),
        createdAt: volume.createdAt
      };
    });
  }

  private async snapshots(user: string): Promise<StorageSnapshot[]> {
    const prices = this.deps.prices.storagePrices();
    return (await this.deps.snapshots.listSnapshots(user)).map(snapshot => {
      const workstation = this.deps.workstations.get(snapshot.workstationId);
      return {
        kind: 'snapshot',
        id: snapshot.id,
        ebsSnapshotId: snapshot.ebsSnapshotId,
        owner: snapshot.owner,
        project: snapshot.project,
        sizeGiB: snapshot.sizeGiB ?? 0,
        monthlyCost: snapshotMonthlyCost(snapshot.sizeGiB ?? 0, prices),
        state: snapshot.state,
        trigger: snapshot.trigger,
        createdAt: snapshot.createdAt,
        workstation: { id: snapshot.workstationId, name: snapshot.workstationName, exists: workstationExists(workstation) }
      };
    });
  }

  private async ebsVolumes(user: string): Promise<StorageEbsVolume[]> {
    const restores = this.deps.snapshotStore.visibleRestores(user, this.deps.projects.projectsOf(user)).filter(r => r.volumeId);
    if (restores.length === 0) return [];
    const prices = this.deps.prices.storagePrices();
    const found = new Map((await this.deps.snapshotCloud.findRestoredVolumes()).map(v => [v.volumeId, v]));
    return restores.flatMap(restore => {
      const volume = found.get(restore.volumeId as string);
      if (!volume) return [];
      return [
        {
          kind: 'ebs-volume' as const,
          id: volume.volumeId,
          snapshotId: restore.snapshotId,
          owner: restore.owner,
          project: restore.project,
          sizeGiB: volume.sizeGiB,
          monthlyCost: ebsVolumeMonthlyCost(volume.sizeGiB, prices),
          state: volume.state,
          availabilityZone: volume.availabilityZone,
          createdAt: restore.createdAt
        }
      ];
    });
  }

  private canSee(user: string, record: { owner: string; project: string | null }): boolean {
    return record.owner === user || (record.project !== null && this.deps.projects.roleOf(user, record.project) !== null);
  }
}

function unusedReason(item: Stored): string | null {
  if (item.kind === 'volume') return item.attachedTo.length === 0 ? 'No workstation that is not terminated mounts it.' : null;
  if (item.kind === 'snapshot') return item.workstation.exists ? null : `Its workstation '${item.workstation.name}' is gone.`;
  return item.state === 'available' ? 'Restored from a snapshot and attached to no instance.' : null;
}

function nameOf(item: Stored): string {
  if (item.kind === 'volume') return item.name;
  if (item.kind === 'snapshot') return `${item.workstation.name} (${item.createdAt.slice(0, 16).replace('T', ' ')})`;
  return `${item.id} (from ${item.snapshotId})`;
}

function toUnused(item: Stored, reason: string): UnusedItem {
  return { kind: item.kind, id: item.id, name: nameOf(item), owner: item.owner, project: item.project, monthlyCost: item.monthlyCost, reason };
}
