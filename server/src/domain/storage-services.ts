/**
 * The storage services (snapshots, their schedules, EFS backups, housekeeping)
 * made from their ports, so that createApp wires them in one call.
 */
import type { ProjectRole } from '../contract/projects';
import { VolumeBackups, type VolumeRestoreStore } from './backups';
import type { BackupCloud, Clock, Cloud, DomainLogger, SnapshotCloud, WorkstationStore } from './ports';
import type { PriceBook } from './price-book';
import { SnapshotSchedules, type ScheduleStore } from './snapshot-schedules';
import { Snapshots, type SnapshotStore } from './snapshots';
import { Storage } from './storage';
import type { Volumes, VolumeStore } from './volumes';

export interface StoragePorts {
  store: SnapshotStore & ScheduleStore & VolumeRestoreStore & { fileSystemIds(): string[] };
  snapshots: SnapshotCloud;
  backups: BackupCloud;
}

export interface StorageServicesDeps {
  ports: StoragePorts;
  cloud: Pick<Cloud, 'ensureMountTargets'>;
  workstations: Pick<WorkstationStore, 'get' | 'listAll'>;
  /** Absent where the service has no volumes (then no EFS backups, and no volumes in the report). */
  volumes: { service: Volumes; store: VolumeStore } | undefined;
  projects: { roleOf(user: string, project: string): ProjectRole | null; projectsOf(user: string): string[] };
  prices: PriceBook;
  clock: Clock;
  logger: (module: string) => DomainLogger;
}

export interface StorageServices {
  snapshots: Snapshots;
  schedules: SnapshotSchedules;
  backups: VolumeBackups | null;
  storage: Storage;
}

const NO_VOLUMES: Pick<Volumes, 'listVolumes' | 'deleteVolume'> = {
  listVolumes: () => [],
  deleteVolume: async () => undefined
};

export function createStorageServices(deps: StorageServicesDeps): StorageServices {
  const { ports, clock, projects } = deps;
  const snapshots = new Snapshots({ store: ports.store, cloud: ports.snapshots, workstations: deps.workstations, projects, clock, logger: deps.logger('snapshots') });
  const schedules = new SnapshotSchedules({ store: ports.store, snapshots, workstations: deps.workstations, projects, clock, logger: deps.logger('snapshots') });
  const backups = deps.volumes
    ? new VolumeBackups({
        cloud: ports.backups,
        volumeCloud: deps.cloud,
        volumes: deps.volumes.service,
        volumeStore: deps.volumes.store,
        restores: ports.store,
        roleOf: (user, project) => projects.roleOf(user, project),
        allFileSystems: () => ports.store.fileSystemIds(),
        clock,
        logger: deps.logger('backups')
      })
    : null;
  const storage = new Storage({
    volumes: deps.volumes?.service ?? NO_VOLUMES,
    snapshots,
    snapshotStore: ports.store,
    snapshotCloud: ports.snapshots,
    backupCloud: ports.backups,
    workstations: deps.workstations,
    projects,
    prices: deps.prices,
    clock
  });
  return { snapshots, schedules, backups, storage };
}
