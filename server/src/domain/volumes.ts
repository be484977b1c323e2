/**
 * EFS volumes (docs/api.md, "Volumes"): a researcher's or a project's shared
 * file system. The record is durable before EFS is asked; its id is the file
 * system's CreationToken, so a retried create makes no second one. Each user
 * reaches a volume through their own access point (their POSIX uid, root
 * directory /home/<user>), made the first time a workstation attaches it.
 */
import crypto from 'node:crypto';
import type { Volume } from '../contract/datasets';
import { PrismError, notFound } from './errors';
import type { Cloud, Clock, DomainLogger, WorkstationStore } from './ports';
import type { Projects } from './projects';

/** The stored record is the contract's shape: routes return it as it is. */
export type VolumeRecord = Volume;
export type { Volume };

export interface VolumeStore {
  insertVolume(volume: VolumeRecord): void;
  volume(id: string): VolumeRecord | undefined;
  setFileSystem(id: string, fileSystemId: string): void;
  /** The user's volumes and those of the given projects. */
  visibleVolumes(user: string, projects: string[]): VolumeRecord[];
  removeVolume(id: string): void;
}

/** What a launch needs to mount a volume. */
export interface VolumeMount {
  volume: string;
  fileSystemId: string;
  accessPointId: string;
  mountPoint: string;
}

export interface VolumesDeps {
  store: VolumeStore;
  workstations: Pick<WorkstationStore, 'listAll'>;
  cloud: Pick<Cloud, 'createFileSystem' | 'ensureMountTargets' | 'ensureAccessPoint' | 'deleteFileSystem'>;
  projects: Pick<Projects, 'require' | 'listProjects' | 'roleOf'>;
  clock: Clock;
  logger: DomainLogger;
  /** Whether a new file system turns on EFS's own backups (backups.ts); off when absent. */
  backups?: { automaticBackupsOnCreate(): Promise<boolean> };
}

const UID_BASE = 10_000;
const UID_SPAN = 50_000;

/**
 * A stable POSIX uid for a user, the same on every volume and every service
 * replica: 10000 + (first 4 bytes of SHA-256 of the name) mod 50000.
 */
export function posixUid(user: string): number {
  return UID_BASE + (crypto.createHash('sha256').update(user).digest().readUInt32BE(0) % UID_SPAN);
}

/** A mount point name the shell and EFS both take. */
export function volumeMountPoint(name: string): string {
  return `/mnt/efs/${name}`;
}

export class Volumes {
  constructor(private readonly deps: VolumesDeps) {}

  async createVolume(user: string, request: { name: string; project?: string }): Promise<VolumeRecord> {
    const { store, cloud, clock, logger } = this.deps;
    if (request.project !== undefined) this.deps.projects.require(user, request.project, 'member');
    const volume: VolumeRecord = {
      id: `vol-${crypto.randomBytes(8).toString('hex')}`,
      name: request.name,
      owner: user,
      project: request.project ?? null,
      fileSystemId: null,
      createdAt: clock.now().toISOString()
    };
    store.insertVolume(volume);
    const automaticBackups = (await this.deps.backups?.automaticBackupsOnCreate()) ?? false;
    const fileSystemId = await cloud.createFileSystem({ volumeId: volume.id, name: volume.name, owner: user, project: volume.project, automaticBackups });
    store.setFileSystem(volume.id, fileSystemId);
    await cloud.ensureMountTargets(fileSystemId);
    logger.info({ volume: volume.id, fileSystemId, owner: user }, 'volume created');
    return { ...volume, fileSystemId };
  }

  listVolumes(user: string): VolumeRecord[] {
    return this.deps.store.visibleVolumes(user, this.deps.projects.listProjects(user).map(p => p.id));
  }

  /** @throws {PrismError} VOLUME_NOT_FOUND when the caller may not see it. */
  getVolume(user: string, id: string): VolumeRecord {
    const volume = this.deps.store.volume(id);
    if (!volume || !this.canSee(user, volume)) {
      throw notFound('volume', id, 'List your volumes with GET /volumes.');
    }
    return volume;
  }

  /** The owner or a project admin; refused while a workstation that is not terminated has it attached. */
  async deleteVolume(user: string, id: string): Promise<void> {
    const volume = this.getVolume(user, id);
    if (volume.owner !== user && (volume.project === null || this.deps.projects.roleOf(user, volume.project) !== 'admin')) {
      throw new PrismError('FORBIDDEN', 403, 'Not yours to delete', `Volume '${id}' belongs to ${volume.owner}.`, 'Ask its owner or a project admin to delete it.');
    }
    const users = this.attachedTo(id);
    if (users.length > 0) {
      throw new PrismError(
        'VOLUME_IN_USE',
        409,
        'Volume in use',
        `Volume '${volume.name}' is attached to ${users.map(w => w.name).join(', ')}.`,
        `Terminate ${users.length === 1 ? 'that workstation' : 'those workstations'} first (DELETE /instances/:id), then delete the volume.`
      );
    }
    if (volume.fileSystemId) await this.deps.cloud.deleteFileSystem(volume.fileSystemId);
    this.deps.store.removeVolume(id);
    this.deps.logger.info({ volume: id, by: user }, 'volume deleted');
  }

  /** For a launch: the caller's access point on the volume, made on first attach. */
  async attachVolume(user: string, id: string): Promise<VolumeMount> {
    const volume = this.getVolume(user, id);
    if (!volume.fileSystemId) {
      throw new PrismError('VOLUME_NOT_READY', 409, 'Volume not ready', `Volume '${id}' has no file system yet.`, 'Create it again with POST /volumes, or delete it.');
    }
    await this.deps.cloud.ensureMountTargets(volume.fileSystemId);
    const accessPointId = await this.deps.cloud.ensureAccessPoint({
      fileSystemId: volume.fileSystemId,
      volumeId: volume.id,
      user,
      uid: posixUid(user),
      rootDirectory: `/home/${user}`
    });
    return { volume: volume.id, fileSystemId: volume.fileSystemId, accessPointId, mountPoint: volumeMountPoint(volume.name) };
  }

  private attachedTo(id: string) {
    return this.deps.workstations
      .listAll()
      .filter(w => w.state !== 'terminated' && w.datasets.some(d => d.efs?.volume === id));
  }

  private canSee(user: string, volume: VolumeRecord): boolean {
    return volume.owner === user || (volume.project !== null && this.deps.projects.roleOf(user, volume.project) !== null);
  }
}
