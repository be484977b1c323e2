/**
 * Scheduled one-way sync from a dataset into a folder on an EFS volume
 * (docs/api.md, "Sync"; docs/decisions.md). The service picks a ready
 * workstation of the owner's (or the project's) that has both attached, and
 * hands the run to its agent through the desired state; the agent runs `aws
 * s3 sync` and reports the files it copied. With no such workstation the run
 * is recorded as skipped, with the reason.
 */
import crypto from 'node:crypto';
import type { CreateSyncRequest, Sync, SyncDetail, SyncRun } from '../contract/sync';
import { normalPrefix } from './bootstrap-steps';
import { PrismError, invalidRequest, notFound } from './errors';
import type { MountSpec, SyncOrder, SyncResult } from './mount-spec';
import type { Clock, DomainLogger, WorkstationRecord, WorkstationStore } from './ports';
import type { Projects } from './projects';
import type { Timeline } from './timeline';

export interface SyncRecord {
  id: string;
  owner: string;
  project: string | null;
  dataset: string;
  path: string;
  volume: string;
  folder: string;
  everyMinutes: number;
  createdAt: string;
  nextRunAt: string;
}

/** A run as kept: what the agent was asked to copy, beside what the API shows. */
export interface SyncRunRecord extends SyncRun {
  source: string | null;
  destination: string | null;
}

export interface SyncStore {
  insertSync(sync: SyncRecord): void;
  sync(id: string): SyncRecord | undefined;
  /** The user's syncs and those of the given projects. */
  visibleSyncs(user: string, projects: string[]): SyncRecord[];
  allSyncs(): SyncRecord[];
  setNextRun(id: string, at: string): void;
  /** The sync and its runs. */
  removeSync(id: string): void;
  insertRun(run: SyncRunRecord): void;
  updateRun(run: SyncRunRecord): void;
  run(id: string): SyncRunRecord | undefined;
  /** Newest first. */
  runs(syncId: string, limit: number): SyncRunRecord[];
  runningRuns(): SyncRunRecord[];
}

export interface SyncsDeps {
  store: SyncStore;
  workstations: Pick<WorkstationStore, 'get' | 'listAll'>;
  projects: Pick<Projects, 'require' | 'roleOf' | 'listProjects'>;
  /** Throws DATASET_NOT_FOUND when the user may not see it; absent: named datasets are off. */
  dataset?: (user: string, name: string) => unknown;
  /** Throws VOLUME_NOT_FOUND when the user may not see it. */
  volume: (user: string, id: string) => unknown;
  /** A workstation's mounts (domain/attachments.ts). */
  mountSpecs: (workstationId: string) => Promise<MountSpec[]>;
  /** Over S3, the agent learns of a run from its desired-state object. */
  publishDesired: (workstationId: string) => Promise<void>;
  timeline: Timeline;
  clock: Clock;
  logger: DomainLogger;
}

export const SYNC_MIN_MINUTES = 5;
export const SYNC_MAX_MINUTES = 7 * 24 * 60;
const RUNS_SHOWN = 50;
/** A run not reported by then failed: its agent is gone or the copy hangs. */
const RUN_TIMEOUT_MS = 6 * 60 * 60 * 1000;

export class Syncs {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly deps: SyncsDeps) {}

  /** @throws {PrismError} DATASET_NOT_FOUND, VOLUME_NOT_FOUND, PROJECT_NOT_FOUND, FORBIDDEN, INVALID_REQUEST. */
  createSync(user: string, request: CreateSyncRequest): Sync {
    const { dataset, volume, projects, store, clock, logger } = this.deps;
    if (!dataset) {
      throw new PrismError('STORAGE_UNAVAILABLE', 409, 'Named datasets are not available', 'This service has no dataset registry.', 'Ask an administrator to turn datasets on.');
    }
    if (request.project !== undefined) projects.require(user, request.project, 'member');
    dataset(user, request.dataset);
    volume(user, request.volume);
    const now = clock.now();
    const sync: SyncRecord = {
      id: `sync-${crypto.randomBytes(8).toString('hex')}`,
      owner: user,
      project: request.project ?? null,
      dataset: request.dataset,
      path: safePath(request.path ?? '', 'path'),
      volume: request.volume,
      folder: safePath(request.folder, 'folder').replace(/\/$/, ''),
      everyMinutes: request.everyMinutes,
      createdAt: now.toISOString(),
      nextRunAt: new Date(now.getTime() + request.everyMinutes * 60_000).toISOString()
    };
    if (sync.folder === '') throw invalidRequest('The folder is empty.', 'Name a folder on the volume, e.g. "inbox/raw".');
    store.insertSync(sync);
    logger.info({ sync: sync.id, owner: user, dataset: sync.dataset, volume: sync.volume }, 'sync created');
    return this.view(sync);
  }

  listSyncs(user: string): Sync[] {
    const projectIds = this.deps.projects.listProjects(user).map(p => p.id);
    return this.deps.store.visibleSyncs(user, projectIds).map(s => this.view(s));
  }

  /** @throws {PrismError} SYNC_NOT_FOUND when the user may not see it. */
  getSync(user: string, id: string): SyncDetail {
    const sync = this.visible(user, id);
    return { ...this.view(sync), runs: this.deps.store.runs(id, RUNS_SHOWN).map(publicRun) };
  }

  /** Runs it now (the schedule goes on). @throws {PrismError} SYNC_NOT_FOUND, FORBIDDEN. */
  async runNow(user: string, id: string): Promise<SyncRun> {
    return publicRun(await this.startRun(this.controlled(user, id, 'run')));
  }

  /** @throws {PrismError} SYNC_NOT_FOUND, FORBIDDEN. */
  deleteSync(user: string, id: string): void {
    this.controlled(user, id, 'delete');
    this.deps.store.removeSync(id);
    this.deps.logger.info({ sync: id, by: user }, 'sync deleted');
  }

  /** The runs a workstation's agent should do now. */
  ordersFor(workstationId: string): SyncOrder[] {
    return this.deps.store
      .runningRuns()
      .filter(run => run.workstation === workstationId && run.source && run.destination)
      .map(run => ({ run: run.id, source: run.source as string, destination: run.destination as string }));
  }

  /** The agent's `sync` report; one for a run it was not given is ignored. */
  applyResult(workstationId: string, result: SyncResult): void {
    const run = this.deps.store.run(result.run);
    if (!run || run.workstation !== workstationId || run.status !== 'running') {
      this.deps.logger.warn({ workstation: workstationId, run: result.run }, 'ignoring a sync result for a run this workstation was not running');
      return;
    }
    const bytes = result.files.reduce((sum, file) => sum + file.bytes, 0);
    this.finish(run, { status: result.status, files: result.files, bytes, ...(result.reason ? { reason: result.reason } : {}) });
    this.deps.timeline.log(
      workstationId,
      result.status === 'ok'
        ? `sync ${run.sync}: ${count(result.files.length, 'file')} (${bytes} bytes) copied from ${run.source} to ${run.destination}`
        : `sync ${run.sync} failed: ${result.reason ?? 'no reason given'}`
    );
  }

  /** Runs what is due, and fails runs whose workstation went away or never answered. */
  async tick(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    this.expireRuns(now);
    const running = new Set(this.deps.store.runningRuns().map(r => r.sync));
    for (const sync of this.deps.store.allSyncs()) {
      if (Date.parse(sync.nextRunAt) > now) continue;
      this.deps.store.setNextRun(sync.id, new Date(now + sync.everyMinutes * 60_000).toISOString());
      // The run before is still copying: this one would copy the same files.
      if (running.has(sync.id)) continue;
      try {
        await this.startRun(sync);
      } catch (error) {
        this.deps.logger.error({ sync: sync.id, err: error }, 'could not start a scheduled sync run');
      }
    }
  }

  start(intervalMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async startRun(sync: SyncRecord): Promise<SyncRunRecord> {
    const at = this.deps.clock.now().toISOString();
    const base = { id: `run-${crypto.randomBytes(8).toString('hex')}`, sync: sync.id, at, files: [], bytes: 0 };
    const place = await this.placeFor(sync);
    if (!place) {
      const run: SyncRunRecord = {
        ...base,
        status: 'skipped',
        workstation: null,
        source: null,
        destination: null,
        finishedAt: at,
        reason: `no ready workstation ${sync.project ? `of ${sync.owner} or project ${sync.project}` : `of ${sync.owner}`} has both dataset '${sync.dataset}' and volume '${sync.volume}' attached; attach both to one (POST /instances/:id/datasets)`
      };
      this.deps.store.insertRun(run);
      this.deps.logger.info({ sync: sync.id, run: run.id }, 'sync run skipped: no eligible workstation');
      return run;
    }
    const run: SyncRunRecord = { ...base, status: 'running', workstation: place.workstation.id, finishedAt: null, ...place.order };
    this.deps.store.insertRun(run);
    this.deps.timeline.log(place.workstation.id, `sync ${sync.id}: copying ${run.source} to ${run.destination} at the agent's next report`);
    this.deps.logger.info({ sync: sync.id, run: run.id, workstation: place.workstation.id }, 'sync run handed to a workstation');
    await this.deps.publishDesired(place.workstation.id);
    return run;
  }

  /** A ready workstation that may run it, with both mounts; one whose mounts are reported mounted first. */
  private async placeFor(sync: SyncRecord): Promise<{ workstation: WorkstationRecord; order: { source: string; destination: string } } | null> {
    const candidates = this.deps.workstations
      .listAll()
      .filter(w => w.state === 'running' && w.phase === 'ready' && (w.owner === sync.owner || (sync.project !== null && w.project === sync.project)));
    const places = [];
    for (const workstation of candidates) {
      const specs = await this.deps.mountSpecs(workstation.id);
      const dataset = specs.find(s => s.ref === sync.dataset && s.s3);
      const volume = specs.find(s => s.ref === sync.volume && s.efs);
      if (!dataset?.s3 || !volume) continue;
      const mounted = (path: string) => (workstation.mounts ?? []).some(m => m.path === path && m.status === 'mounted');
      places.push({
        workstation,
        ready: mounted(dataset.path) && mounted(volume.path),
        order: { source: `s3://${dataset.s3.bucket}/${dataset.s3.prefix}${sync.path}`, destination: `${volume.path}/${sync.folder}` }
      });
    }
    return places.find(p => p.ready) ?? places[0] ?? null;
  }

  private expireRuns(now: number): void {
    for (const run of this.deps.store.runningRuns()) {
      const workstation = run.workstation ? this.deps.workstations.get(run.workstation) : undefined;
      if (!workstation || workstation.state !== 'running') {
        this.finish(run, { status: 'failed', reason: `workstation ${run.workstation} ${workstation ? `is ${workstation.state}` : 'is gone'}; it did not report the sync` });
      } else if (now - Date.parse(run.at) > RUN_TIMEOUT_MS) {
        this.finish(run, { status: 'failed', reason: `workstation ${run.workstation} did not report the sync within ${RUN_TIMEOUT_MS / 3_600_000} hours` });
      }
    }
  }

  private finish(run: SyncRunRecord, outcome: Partial<SyncRunRecord>): void {
    this.deps.store.updateRun({ ...run, ...outcome, finishedAt: this.deps.clock.now().toISOString() });
  }

  private view(sync: SyncRecord): Sync {
    const [last] = this.deps.store.runs(sync.id, 1);
    const { id, owner, project, dataset, path, volume, folder, everyMinutes, createdAt, nextRunAt } = sync;
    return { id, owner, project, dataset, path, volume, folder, everyMinutes, createdAt, nextRunAt, lastRun: last ? publicRun(last) : null };
  }

  private visible(user: string, id: string): SyncRecord {
    const sync = this.deps.store.sync(id);
    if (!sync || (sync.owner !== user && (sync.project === null || this.deps.projects.roleOf(user, sync.project) === null))) {
      throw notFound('sync', id, 'List your syncs with GET /syncs.');
    }
    return sync;
  }

  private controlled(user: string, id: string, action: string): SyncRecord {
    const sync = this.visible(user, id);
    if (sync.owner !== user && sync.project !== null && this.deps.projects.roleOf(user, sync.project) === 'viewer') {
      throw new PrismError('FORBIDDEN', 403, 'Not allowed', `You are a viewer of project '${sync.project}'; to ${action} a sync needs member.`, `Ask its owner (${sync.owner}) or a project admin.`);
    }
    return sync;
  }
}

/** A folder within a dataset or on a volume: relative, no `.` or `..`; '' stays ''. */
function safePath(value: string, what: string): string {
  const trimmed = value.replace(/^\/+/, '');
  if (trimmed.split('/').some(segment => segment === '..' || segment === '.')) {
    throw invalidRequest(`The ${what} '${value}' leaves its folder.`, `Give the ${what} as a plain relative path, e.g. "raw/2024".`);
  }
  return normalPrefix(trimmed);
}

function publicRun(run: SyncRunRecord): SyncRun {
  const { source: _source, destination: _destination, ...shown } = run;
  return shown;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
