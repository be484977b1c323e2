/**
 * Storage attached to a running workstation (docs/api.md, "Attach to a
 * running workstation"): a registered dataset or an EFS volume joins the
 * workstation's datasets (so a resume keeps it) and its desired state, which
 * its agent pulls and mounts, reporting each mount's status back. A dataset
 * widens the workstation's role to exactly its prefix; detaching narrows it.
 */
import type { AttachRequest, DatasetRequest, Workstation, WorkstationMount } from '../contract/api';
import { normalPrefix } from './bootstrap-steps';
import { PrismError, notFound } from './errors';
import type { LaunchSettings } from './launch';
import { s3Mounts } from './launch-storage';
import type { AgentMountStatus, AuthorizedKey, DesiredState, MountSpec, SyncOrder } from './mount-spec';
import type { BootReportInbox, Clock, Cloud, DomainLogger, WorkstationRecord, WorkstationStore } from './ports';
import type { Timeline } from './timeline';
import type { VolumeMount } from './volumes';
import { toWorkstation } from './workstations';

/** A registered dataset as a workstation mounts it. */
export interface NamedDataset {
  name: string;
  bucket: string;
  /** `""` or ending in `/`. */
  prefix: string;
  readOnly: boolean;
  mountPath: string;
}

export interface AttachmentsDeps {
  store: WorkstationStore;
  /** Owner or project member (not viewer); anyone else gets not-found. */
  requireControl: (user: string, id: string, action: string) => Workstation;
  /** A registered dataset the user may see; throws DATASET_NOT_FOUND. Absent: named datasets are off. */
  dataset?: (user: string, name: string) => NamedDataset;
  /** Volumes (domain/volumes.ts): `see` throws VOLUME_NOT_FOUND; `mount` makes the user's access point. Absent: volumes are off. */
  volumes?: { see: (user: string, id: string) => unknown; mount: (user: string, id: string) => Promise<VolumeMount> };
  cloud: Pick<Cloud, 'ensureWorkstationRole'>;
  settings: Pick<LaunchSettings, 'reportUrl' | 'reportBucket'>;
  inbox: Pick<BootReportInbox, 'publishDesired'> | null;
  timeline: Timeline;
  /** Tells the workstation's watchers it changed (socket `instance:updated`). */
  publish: (record: WorkstationRecord) => void;
  /** The sync runs the workstation's agent should do (domain/sync.ts). */
  syncOrders: (id: string) => SyncOrder[];
  /** The team keys its agent keeps in authorized_keys (domain/team-keys.ts); absent: the agent leaves the file alone. */
  authorizedKeys?: (record: WorkstationRecord) => AuthorizedKey[];
  /** Its project's shared space through its owner's access point, while the owner is in the project (domain/project-space.ts). */
  projectMounts?: (record: WorkstationRecord) => MountSpec[];
  clock: Clock;
  logger: DomainLogger;
}

export class Attachments {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly published = new Map<string, string>();

  constructor(private readonly deps: AttachmentsDeps) {}

  /**
   * Attaches a dataset or volume to a ready workstation; `created` false when
   * it was attached already (the same workstation is returned, nothing changes).
   * @throws {PrismError} WORKSTATION_NOT_FOUND, FORBIDDEN, NOT_READY, DATASET_NOT_FOUND, VOLUME_NOT_FOUND, MOUNT_PATH_TAKEN.
   */
  async attach(user: string, id: string, request: AttachRequest): Promise<{ workstation: Workstation; created: boolean }> {
    this.deps.requireControl(user, id, 'attach storage to');
    return this.serialized(id, async () => {
      const record = this.ready(id);
      const specs = await this.specsOf(record);
      const { spec, dataset } = await this.resolve(user, record, request);
      if (specs.some(s => s.ref === spec.ref)) {
        return { workstation: toWorkstation(record), created: false };
      }
      const taken = specs.find(s => s.path === spec.path);
      if (taken) {
        throw new PrismError(
          'MOUNT_PATH_TAKEN',
          409,
          'Mount path in use',
          `'${taken.ref}' is mounted at ${spec.path} on '${record.name}' already.`,
          `Detach it first (DELETE /instances/${id}/datasets/${encodeURIComponent(taken.ref)}).`
        );
      }
      const next = [...specs, spec];
      if (spec.kind === 's3') await this.grant(record, next);
      const updated = this.deps.store.update(id, {
        datasets: [...record.datasets, dataset],
        mountSpecs: next,
        mounts: [...(record.mounts ?? []), this.pending(spec)],
        updatedAt: this.deps.clock.now().toISOString()
      });
      this.deps.timeline.log(id, `attaching ${spec.source} at ${spec.path}${user === record.owner ? '' : ` (asked by ${user})`}; the workstation's agent mounts it at its next report`);
      this.deps.logger.info({ workstation: id, ref: spec.ref, path: spec.path, by: user }, 'storage attached');
      this.changed(updated);
      return { workstation: toWorkstation(updated), created: true };
    });
  }

  /**
   * Detaches by dataset name, volume id or `s3://bucket/prefix`: the agent
   * unmounts it at its next report, and a dataset's grant leaves the role.
   * @throws {PrismError} WORKSTATION_NOT_FOUND, FORBIDDEN, INVALID_STATE, ATTACHMENT_NOT_FOUND.
   */
  async detach(user: string, id: string, ref: string): Promise<Workstation> {
    this.deps.requireControl(user, id, 'detach storage from');
    return this.serialized(id, async () => {
      const record = this.deps.store.get(id) as WorkstationRecord;
      if (record.state === 'terminated' || record.state === 'failed') {
        throw new PrismError('INVALID_STATE', 409, 'Cannot detach now', `Workstation '${record.name}' is ${record.state}.`, 'Nothing to detach from a workstation that is gone.');
      }
      const specs = await this.specsOf(record);
      const spec = specs.find(s => s.ref === ref);
      if (!spec) {
        throw notFound('attachment', ref, `See what is attached in the workstation's mounts (GET /instances/${id}); name a dataset, a volume id or an s3:// source.`);
      }
      const rest = specs.filter(s => s !== spec);
      if (spec.kind === 's3') await this.grant(record, rest);
      const updated = this.deps.store.update(id, {
        datasets: record.datasets.filter(d => refOf(d) !== ref),
        mountSpecs: rest,
        mounts: (record.mounts ?? []).filter(m => m.path !== spec.path),
        updatedAt: this.deps.clock.now().toISOString()
      });
      this.deps.timeline.log(id, `detaching ${spec.source} from ${spec.path}${user === record.owner ? '' : ` (asked by ${user})`}`);
      this.deps.logger.info({ workstation: id, ref, by: user }, 'storage detached');
      this.changed(updated);
      return toWorkstation(updated);
    });
  }

  /** What the agent of a ready, running workstation should have; null for any other. */
  async desiredState(id: string): Promise<DesiredState | null> {
    const record = this.deps.store.get(id);
    if (!record || record.state !== 'running' || record.phase !== 'ready') return null;
    const mounts = await this.serialized(id, () => this.specsOf(this.deps.store.get(id) as WorkstationRecord));
    const space = this.deps.projectMounts?.(record) ?? [];
    const keys = this.deps.authorizedKeys?.(record);
    return {
      mounts: [...mounts.filter(m => !space.some(s => s.path === m.path)), ...space],
      syncs: this.deps.syncOrders(id),
      ...(keys && { authorizedKeys: keys })
    };
  }

  /** The mounts a workstation's agent keeps, resolved (launch-time ones on first use). */
  async mountSpecs(id: string): Promise<MountSpec[]> {
    return this.serialized(id, () => this.specsOf(this.deps.store.get(id) as WorkstationRecord));
  }

  /** The agent's `mounts` report: each mount's status as it found it. */
  applyMountReport(id: string, reported: AgentMountStatus[]): void {
    const record = this.deps.store.get(id);
    if (!record) return;
    const byPath = new Map(reported.map(m => [m.path, m]));
    let changed = false;
    const mounts = (record.mounts ?? []).map(mount => {
      const seen = byPath.get(mount.path);
      if (!seen || (seen.status === mount.status && seen.reason === mount.reason)) return mount;
      changed = true;
      const { reason: _dropped, ...rest } = mount;
      return { ...rest, status: seen.status, at: seen.at, ...(seen.reason ? { reason: seen.reason } : {}) };
    });
    if (changed) this.changed(this.deps.store.update(id, { mounts }));
  }

  /**
   * Over S3, writes the desired state where the agent reads it, when it
   * changed since last written; over HTTP the report's reply carries it.
   */
  async publishDesired(id: string): Promise<void> {
    const { inbox, settings } = this.deps;
    if (!inbox?.publishDesired || settings.reportUrl()) return;
    try {
      const state = await this.desiredState(id);
      if (!state) return;
      const text = JSON.stringify(state);
      if (this.published.get(id) === text) return;
      await inbox.publishDesired(id, state);
      this.published.set(id, text);
    } catch (error) {
      this.deps.logger.warn({ workstation: id, err: error }, 'could not write the desired state object; trying again at the next collection');
    }
  }

  /** Over S3: every ready workstation's desired state, where it changed (with each collection of report objects). */
  async publishRunning(): Promise<void> {
    const ready = this.deps.store.listAll().filter(r => r.state === 'running' && r.phase === 'ready');
    for (const record of ready) await this.publishDesired(record.id);
  }

  private changed(record: WorkstationRecord): void {
    this.deps.publish(record);
    void this.publishDesired(record.id);
  }

  private ready(id: string): WorkstationRecord {
    const record = this.deps.store.get(id) as WorkstationRecord;
    if (record.state !== 'running' || record.phase !== 'ready') {
      throw new PrismError(
        'NOT_READY',
        409,
        'Workstation not ready',
        `Workstation '${record.name}' is ${record.state} (${record.phase}).`,
        record.state === 'stopped' || record.state === 'hibernated'
          ? 'Start it first, or launch a new one with the storage in `datasets`.'
          : 'Wait for the launch to reach ready.'
      );
    }
    return record;
  }

  /** The specs as stored; a workstation launched before attachments gets its launch-time mounts resolved once. */
  private async specsOf(record: WorkstationRecord): Promise<MountSpec[]> {
    if (record.mountSpecs) return record.mountSpecs;
    const specs: MountSpec[] = s3Mounts(record).map(m => s3Spec(`s3://${m.bucket}/${normalPrefix(m.prefix)}`, m.mountPoint, m));
    for (const dataset of record.datasets) {
      try {
        if (dataset.dataset && this.deps.dataset) specs.push(datasetSpec(this.deps.dataset(record.owner, dataset.dataset)));
        if (dataset.efs && this.deps.volumes) specs.push(volumeSpec(await this.deps.volumes.mount(record.owner, dataset.efs.volume)));
      } catch (error) {
        this.deps.logger.warn({ workstation: record.id, dataset, err: error }, 'a launch-time mount could not be resolved; its agent will not keep it');
      }
    }
    const known = new Set((record.mounts ?? []).map(m => m.path));
    this.deps.store.update(record.id, {
      mountSpecs: specs,
      mounts: [...(record.mounts ?? []), ...specs.filter(s => !known.has(s.path)).map(s => this.pending(s))]
    });
    return specs;
  }

  private async resolve(user: string, record: WorkstationRecord, request: AttachRequest): Promise<{ spec: MountSpec; dataset: DatasetRequest }> {
    if ('dataset' in request) {
      if (!this.deps.dataset) throw unavailable('Named datasets');
      return { spec: datasetSpec(this.deps.dataset(user, request.dataset)), dataset: { dataset: request.dataset } };
    }
    if (!this.deps.volumes) throw unavailable('EFS volumes');
    this.deps.volumes.see(user, request.efs.volume);
    // The workstation's owner's access point, as at launch: what it writes there is the owner's.
    const mount = await this.deps.volumes.mount(record.owner, request.efs.volume);
    return { spec: volumeSpec(mount), dataset: { efs: { volume: request.efs.volume } } };
  }

  /** The role reaches exactly the workstation's S3 mounts (and its report objects over S3). */
  private async grant(record: WorkstationRecord, specs: MountSpec[]): Promise<void> {
    const url = this.deps.settings.reportUrl();
    const reportBucket = url ? null : await this.deps.settings.reportBucket();
    await this.deps.cloud.ensureWorkstationRole({
      launchId: record.id,
      owner: record.owner,
      datasets: specs.flatMap(s => (s.s3 ? [s.s3] : [])),
      reportBucket,
      ...(record.instanceId ? { instanceId: record.instanceId } : {})
    });
  }

  private pending(spec: MountSpec): WorkstationMount {
    return { path: spec.path, kind: spec.kind, source: spec.source, status: 'pending', at: this.deps.clock.now().toISOString() };
  }

  /** One change at a time per workstation: each reads the record the previous one wrote. */
  private serialized<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(id) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(id, settled);
    void settled.then(() => {
      if (this.queues.get(id) === settled) this.queues.delete(id);
    });
    return next;
  }
}

function s3Spec(ref: string, path: string, s3: { bucket: string; prefix: string; readOnly: boolean }): MountSpec {
  const prefix = normalPrefix(s3.prefix);
  return { ref, path, kind: 's3', source: `s3://${s3.bucket}/${prefix}`, s3: { bucket: s3.bucket, prefix, readOnly: s3.readOnly } };
}

function datasetSpec(dataset: NamedDataset): MountSpec {
  return s3Spec(dataset.name, dataset.mountPath, dataset);
}

function volumeSpec(mount: VolumeMount): MountSpec {
  return {
    ref: mount.volume,
    path: mount.mountPoint,
    kind: 'efs',
    source: mount.volume,
    efs: { fileSystemId: mount.fileSystemId, accessPointId: mount.accessPointId }
  };
}

/** The ref a launch request's dataset goes by (what DELETE names). */
function refOf(dataset: DatasetRequest): string | undefined {
  if (dataset.dataset) return dataset.dataset;
  if (dataset.efs) return dataset.efs.volume;
  return dataset.s3 ? `s3://${dataset.s3.bucket}/${normalPrefix(dataset.s3.prefix ?? '')}` : undefined;
}

function unavailable(what: string): PrismError {
  return new PrismError('STORAGE_UNAVAILABLE', 409, `${what} are not available`, `This service has no ${what.toLowerCase()}.`, 'Ask an administrator to turn them on.');
}
