/**
 * The project's shared space (docs/api.md, "Project space"): one EFS file
 * system tagged with the project, and in it the project folder
 * /projects/<id>, owned by the project's own POSIX group with mode 2775
 * (group-writable; setgid, so every file written there is the group's). Each
 * member reaches it through their own access point: their stable uid and the
 * project's gid, rooted at the folder. A viewer's access point carries their
 * own gid instead, so EFS itself lets them read and not write (the folder is
 * r-x for others), and their workstation mounts it read-only as well.
 *
 * A project admin makes the space. Members joining, changing role or leaving
 * get, replace or lose their access point at once; each project workstation
 * mounts the space at /project through its owner's access point, at launch and
 * through the desired state its agent pulls, which drops it when the owner
 * leaves. Uids and gids are allocated in the store, once, never reused.
 */
import crypto from 'node:crypto';
import type { ProjectMember, ProjectRole } from '../contract/projects';
import type { ProjectSpace, ProjectSpaceAccess } from '../contract/team';
import { PrismError } from './errors';
import type { MountSpec } from './mount-spec';
import type { Cloud, DomainLogger, Clock, WorkstationRecord } from './ports';
import type { VolumeMount } from './volumes';

export const PROJECT_SPACE_MOUNT = '/project';
/** Above the uids EFS volumes derive from names (10000-59999) and any system or login account. */
export const FIRST_UID = 200_000;
export const FIRST_GID = 300_000;
/** rwxrwsr-x: the group writes, new files and folders keep the group, others (viewers) read. */
export const PROJECT_FOLDER_MODE = '2775';

export interface ProjectSpaceRecord {
  project: string;
  /** The file system's CreationToken and `prism:volume` tag. */
  spaceId: string;
  fileSystemId: string | null;
  createdBy: string;
  createdAt: string;
}

export interface SpaceAccessRecord {
  user: string;
  accessPointId: string;
  readOnly: boolean;
}

/** Spaces, members' access points and POSIX ids, kept durably (store/sqlite-team-store.ts). */
export interface ProjectSpaceStore {
  /** False when the project has a space already. */
  insertSpace(space: ProjectSpaceRecord): boolean;
  space(project: string): ProjectSpaceRecord | undefined;
  setSpaceFileSystem(project: string, fileSystemId: string): void;
  /** The space and every access row of it. */
  removeSpace(project: string): void;
  spaceAccess(project: string): SpaceAccessRecord[];
  setSpaceAccess(project: string, access: SpaceAccessRecord): void;
  removeSpaceAccess(project: string, user: string): void;
  /** The user's uid or the project's gid: allocated at first ask (from `first` up), the same ever after. */
  posixId(kind: 'user' | 'project', name: string, first: number): number;
}

export interface SpaceAccessPointSpec {
  fileSystemId: string;
  spaceId: string;
  user: string;
  uid: number;
  /** The project's gid for a member; the user's own (their uid) for a viewer. */
  gid: number;
  readOnly: boolean;
  /** The project folder, made on first use with the project's gid and PROJECT_FOLDER_MODE. */
  rootDirectory: string;
  folderGid: number;
}

/** What the space asks of the cloud (aws/project-space.ts, and the volumes' file system calls). */
export interface SpaceCloud extends Pick<Cloud, 'createFileSystem' | 'ensureMountTargets' | 'deleteFileSystem'> {
  /** The user's access point with exactly this identity; one with another identity is not it. Returns its id. */
  ensureSpaceAccessPoint(spec: SpaceAccessPointSpec): Promise<string>;
  /** One already gone is fine. */
  deleteAccessPoint(accessPointId: string): Promise<void>;
}

export interface ProjectSpacesDeps {
  store: ProjectSpaceStore;
  cloud: SpaceCloud;
  projects: { require(user: string, project: string, needed: ProjectRole): ProjectRole; members(project: string): ProjectMember[] };
  workstations: () => WorkstationRecord[];
  clock: Clock;
  logger: DomainLogger;
  /** The project's workstations' desired state changed (an access point made, replaced or deleted). */
  onChange?: (project: string) => void;
}

export class ProjectSpaces {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly deps: ProjectSpacesDeps) {}

  /**
   * Makes the space (file system, mount targets, everyone's access point);
   * `created` false when it was there already.
   * @throws {PrismError} PROJECT_NOT_FOUND, FORBIDDEN (not a project admin).
   */
  async createSpace(admin: string, project: string): Promise<{ space: ProjectSpace; created: boolean }> {
    this.deps.projects.require(admin, project, 'admin');
    const { store, cloud, clock, logger } = this.deps;
    const record: ProjectSpaceRecord = {
      project,
      spaceId: `space-${crypto.randomBytes(8).toString('hex')}`,
      fileSystemId: null,
      createdBy: admin,
      createdAt: clock.now().toISOString()
    };
    const created = store.insertSpace(record);
    const space = store.space(project) as ProjectSpaceRecord;
    // A create that failed half-way is finished by the next one: the CreationToken finds the same file system.
    if (!space.fileSystemId) {
      const fileSystemId = await cloud.createFileSystem({ volumeId: space.spaceId, name: `project-${project}`, owner: space.createdBy, project });
      store.setSpaceFileSystem(project, fileSystemId);
      await cloud.ensureMountTargets(fileSystemId);
      logger.info({ project, fileSystemId, by: admin }, 'project space created');
    }
    await this.followMembers(project);
    return { space: this.view(admin, project), created };
  }

  /** @throws {PrismError} PROJECT_NOT_FOUND, PROJECT_SPACE_NOT_FOUND. */
  getSpace(user: string, project: string): ProjectSpace {
    this.deps.projects.require(user, project, 'viewer');
    this.existing(project);
    return this.view(user, project);
  }

  /**
   * Deletes the file system with everything in it: refused while a workstation
   * of the project that is not terminated may have it mounted.
   * @throws {PrismError} PROJECT_NOT_FOUND, FORBIDDEN, PROJECT_SPACE_NOT_FOUND, PROJECT_SPACE_IN_USE.
   */
  async deleteSpace(admin: string, project: string): Promise<void> {
    this.deps.projects.require(admin, project, 'admin');
    const space = this.existing(project);
    const users = this.deps.workstations().filter(w => w.project === project && w.state !== 'terminated' && w.state !== 'failed');
    if (users.length > 0) {
      throw new PrismError(
        'PROJECT_SPACE_IN_USE',
        409,
        'Project space in use',
        `The space of project '${project}' is mounted at ${PROJECT_SPACE_MOUNT} on ${users.map(w => w.name).join(', ')}.`,
        `Terminate ${users.length === 1 ? 'that workstation' : 'those workstations'} first (DELETE /instances/:id), then delete the space; copy out what you want to keep.`
      );
    }
    await this.serialized(project, async () => {
      if (space.fileSystemId) await this.deps.cloud.deleteFileSystem(space.fileSystemId);
      this.deps.store.removeSpace(project);
    });
    this.deps.logger.info({ project, fileSystemId: space.fileSystemId, by: admin }, 'project space deleted');
  }

  /**
   * Brings the access points in line with the members: a new member gets one,
   * a role change across viewer replaces it, someone who left loses theirs.
   */
  async followMembers(project: string): Promise<void> {
    const changed = await this.serialized(project, () => this.syncAccess(project));
    if (changed) this.deps.onChange?.(project);
  }

  /** For a launch: the space through the owner's access point; none when the project has no space or the owner only views. */
  async launchMount(record: Pick<WorkstationRecord, 'owner' | 'project'>): Promise<VolumeMount | null> {
    if (!record.project || !this.deps.store.space(record.project)?.fileSystemId) return null;
    if (!this.deps.store.spaceAccess(record.project).some(a => a.user === record.owner)) await this.followMembers(record.project);
    const spec = this.projectMounts(record)[0];
    if (!spec?.efs || spec.efs.readOnly) return null;
    return { volume: spec.ref, fileSystemId: spec.efs.fileSystemId, accessPointId: spec.efs.accessPointId, mountPoint: spec.path };
  }

  /** The workstation's share of the space, for its agent's desired state: read from the store, never from the cloud. */
  projectMounts(record: Pick<WorkstationRecord, 'owner' | 'project'>): MountSpec[] {
    if (!record.project) return [];
    const space = this.deps.store.space(record.project);
    const access = this.deps.store.spaceAccess(record.project).find(a => a.user === record.owner);
    if (!space?.fileSystemId || !access) return [];
    return [
      {
        ref: space.spaceId,
        path: PROJECT_SPACE_MOUNT,
        kind: 'efs',
        source: space.spaceId,
        efs: { fileSystemId: space.fileSystemId, accessPointId: access.accessPointId, ...(access.readOnly && { readOnly: true }) }
      }
    ];
  }

  private async syncAccess(project: string): Promise<boolean> {
    const { store, cloud, logger } = this.deps;
    const space = store.space(project);
    if (!space?.fileSystemId) return false;
    const fileSystemId = space.fileSystemId;
    const roles = new Map(this.deps.projects.members(project).map(m => [m.user, m.role]));
    const held = new Map(store.spaceAccess(project).map(a => [a.user, a]));
    const gid = store.posixId('project', project, FIRST_GID);
    let changed = false;
    for (const [user, access] of held) {
      const role = roles.get(user);
      if (role && (role === 'viewer') === access.readOnly) continue;
      // Out of the desired state first: access goes at the next round even if EFS refuses the delete now.
      store.removeSpaceAccess(project, user);
      held.delete(user);
      changed = true;
      try {
        await cloud.deleteAccessPoint(access.accessPointId);
        logger.info({ project, user, accessPoint: access.accessPointId }, role ? 'project space access point replaced' : 'project space access point deleted');
      } catch (error) {
        // Unused from now on; deleting the space deletes every access point of its file system.
        logger.warn({ project, user, accessPoint: access.accessPointId, err: error }, 'could not delete a project space access point; it is no longer mounted');
      }
    }
    for (const [user, role] of roles) {
      if (held.has(user)) continue;
      const uid = store.posixId('user', user, FIRST_UID);
      const readOnly = role === 'viewer';
      const accessPointId = await cloud.ensureSpaceAccessPoint({
        fileSystemId,
        spaceId: space.spaceId,
        user,
        uid,
        gid: readOnly ? uid : gid,
        readOnly,
        rootDirectory: `/projects/${project}`,
        folderGid: gid
      });
      store.setSpaceAccess(project, { user, accessPointId, readOnly });
      changed = true;
      logger.info({ project, user, uid, readOnly, accessPoint: accessPointId }, 'project space access point made');
    }
    return changed;
  }

  private existing(project: string): ProjectSpaceRecord {
    const space = this.deps.store.space(project);
    if (!space) {
      throw new PrismError(
        'PROJECT_SPACE_NOT_FOUND',
        404,
        'No project space',
        `Project '${project}' has no shared space yet.`,
        `A project admin makes it with POST /projects/${project}/space.`
      );
    }
    return space;
  }

  private view(user: string, project: string): ProjectSpace {
    const { store } = this.deps;
    const space = store.space(project) as ProjectSpaceRecord;
    const admin = this.deps.projects.members(project).some(m => m.user === user && m.role === 'admin');
    const access: ProjectSpaceAccess[] = store
      .spaceAccess(project)
      .filter(a => admin || a.user === user)
      .map(a => ({ user: a.user, uid: store.posixId('user', a.user, FIRST_UID), accessPointId: a.accessPointId, readOnly: a.readOnly }));
    return {
      project,
      fileSystemId: space.fileSystemId,
      path: `/projects/${project}`,
      gid: store.posixId('project', project, FIRST_GID),
      mountPoint: PROJECT_SPACE_MOUNT,
      createdBy: space.createdBy,
      createdAt: space.createdAt,
      access
    };
  }

  /** One change at a time per project: access points are made and deleted in the order membership changed. */
  private serialized<T>(project: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(project) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(project, settled);
    void settled.then(() => {
      if (this.queues.get(project) === settled) this.queues.delete(project);
    });
    return next;
  }
}
