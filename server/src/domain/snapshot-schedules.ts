/**
 * Snapshots on a schedule: every `everyHours` a workstation's root volume is
 * snapshotted, and the oldest scheduled snapshots beyond `keep` are deleted.
 * Only scheduled snapshots count toward `keep`; one taken by hand stays until
 * someone deletes it. The scheduler is started by whoever listens (service.ts).
 */
import type { ProjectRole } from '../contract/projects';
import type { SnapshotSchedule, SnapshotScheduleRequest } from '../contract/storage';
import { notFound, PrismError } from './errors';
import type { Clock, DomainLogger, WorkstationStore } from './ports';
import { workstationExists, type SnapshotRecord, type Snapshots, type SnapshotStore } from './snapshots';

export interface ScheduleRecord extends SnapshotScheduleRequest {
  workstationId: string;
  setBy: string;
  setAt: string;
  lastRunAt: string | null;
}

export interface ScheduleStore {
  putSchedule(record: ScheduleRecord): void;
  schedule(workstationId: string): ScheduleRecord | undefined;
  schedules(): ScheduleRecord[];
  setLastRun(workstationId: string, at: string): void;
  removeSchedule(workstationId: string): void;
}

export interface SnapshotSchedulesDeps {
  store: ScheduleStore & Pick<SnapshotStore, 'snapshotsOf'>;
  snapshots: Pick<Snapshots, 'takeScheduledSnapshot' | 'removeSnapshot'>;
  workstations: Pick<WorkstationStore, 'get'>;
  projects: { roleOf(user: string, project: string): ProjectRole | null };
  clock: Clock;
  logger: DomainLogger;
}

const HOUR_MS = 3_600_000;

/** The scheduled snapshots retention deletes: those beyond the newest `keep`. */
export function snapshotsBeyondKeep(snapshots: SnapshotRecord[], keep: number): SnapshotRecord[] {
  return snapshots
    .filter(s => s.trigger === 'schedule')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id))
    .slice(keep);
}

export function nextRunAt(record: ScheduleRecord): string {
  return record.lastRunAt ? new Date(Date.parse(record.lastRunAt) + record.everyHours * HOUR_MS).toISOString() : record.setAt;
}

export class SnapshotSchedules {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: SnapshotSchedulesDeps) {}

  /** The owner or a project member. @throws {PrismError} WORKSTATION_NOT_FOUND, FORBIDDEN, INVALID_STATE. */
  setSchedule(user: string, workstationId: string, request: SnapshotScheduleRequest): SnapshotSchedule {
    const workstation = this.controlled(user, workstationId);
    if (!workstationExists(workstation)) {
      throw new PrismError('INVALID_STATE', 409, 'Workstation is gone', `Workstation '${workstation.name}' is ${workstation.state}.`, 'Schedule snapshots of a workstation that still exists.');
    }
    const previous = this.deps.store.schedule(workstationId);
    const record: ScheduleRecord = {
      workstationId,
      everyHours: request.everyHours,
      keep: request.keep,
      setBy: user,
      setAt: this.deps.clock.now().toISOString(),
      lastRunAt: previous?.lastRunAt ?? null
    };
    this.deps.store.putSchedule(record);
    this.deps.logger.info({ workstation: workstationId, everyHours: request.everyHours, keep: request.keep, by: user }, 'snapshot schedule set');
    return toSchedule(record);
  }

  /** Anyone who may see the workstation. @throws {PrismError} WORKSTATION_NOT_FOUND, SCHEDULE_NOT_FOUND. */
  getSchedule(user: string, workstationId: string): SnapshotSchedule {
    this.visible(user, workstationId);
    const record = this.deps.store.schedule(workstationId);
    if (!record) {
      throw notFound('schedule', workstationId, 'Set one with PUT /instances/:id/snapshot-schedule.');
    }
    return toSchedule(record);
  }

  /** The owner or a project member; the snapshots already taken stay. */
  deleteSchedule(user: string, workstationId: string): void {
    this.controlled(user, workstationId);
    this.getSchedule(user, workstationId);
    this.deps.store.removeSchedule(workstationId);
  }

  /** Takes every snapshot due at `now`, then applies each schedule's retention. Never throws. */
  async runDue(now: Date = this.deps.clock.now()): Promise<void> {
    // One pass at a time: a slow pass and the next tick must not snapshot twice.
    while (this.running) await this.running;
    this.running = this.pass(now).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  start(everyMs: number): void {
    this.stop();
    this.timer = setInterval(() => void this.runDue(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async pass(now: Date): Promise<void> {
    for (const schedule of this.deps.store.schedules()) {
      const workstation = this.deps.workstations.get(schedule.workstationId);
      if (!workstationExists(workstation)) {
        this.deps.store.removeSchedule(schedule.workstationId);
        continue;
      }
      if (!workstation?.instanceId || workstation.state === 'pending' || Date.parse(nextRunAt(schedule)) > now.getTime()) continue;
      try {
        await this.deps.snapshots.takeScheduledSnapshot(workstation, now);
        this.deps.store.setLastRun(schedule.workstationId, now.toISOString());
        await this.applyRetention(schedule);
      } catch (error) {
        this.deps.logger.warn({ err: error, workstation: schedule.workstationId }, 'scheduled snapshot failed; trying again at the next check');
      }
    }
  }

  private async applyRetention(schedule: ScheduleRecord): Promise<void> {
    for (const old of snapshotsBeyondKeep(this.deps.store.snapshotsOf(schedule.workstationId), schedule.keep)) {
      await this.deps.snapshots.removeSnapshot(old);
      this.deps.logger.info({ workstation: schedule.workstationId, snapshot: old.id, keep: schedule.keep }, 'old scheduled snapshot deleted');
    }
  }

  private visible(user: string, id: string) {
    const record = this.deps.workstations.get(id);
    if (!record || (record.owner !== user && (!record.project || this.deps.projects.roleOf(user, record.project) === null))) {
      throw notFound('workstation', id, 'List your workstations with GET /instances.');
    }
    return record;
  }

  private controlled(user: string, id: string) {
    const record = this.visible(user, id);
    if (record.owner !== user && record.project && this.deps.projects.roleOf(user, record.project) === 'viewer') {
      throw new PrismError('FORBIDDEN', 403, 'Viewers cannot schedule snapshots', `You are a viewer of project '${record.project}'.`, 'Ask a project admin to make you a member.');
    }
    return record;
  }
}

function toSchedule(record: ScheduleRecord): SnapshotSchedule {
  return { ...record, nextRunAt: nextRunAt(record) };
}
