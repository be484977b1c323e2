/**
 * Applies each workstation's idle rule to its agent's reports: warns the
 * owner before acting, lets them keep it running, then stops or hibernates
 * it through the ordinary lifecycle, recording every step with its reason.
 * A scheduler checks the deadlines between reports too, but never acts on
 * silence (see idle.ts, `decide`).
 */
import type { IdleEvent } from '../contract/events';
import { PrismError } from './errors';
import {
  decide,
  duration,
  idleReason,
  NO_IDLE_STATE,
  observe,
  resolveIdleRule,
  type Activity,
  type IdleRule,
  type IdleSetting,
  type IdleState
} from './idle';
import type { Clock, DomainLogger, TemplateCatalog, WorkstationRecord, WorkstationStore } from './ports';
import type { Timeline } from './timeline';
import type { Workstations } from './workstations';

export interface IdleWatchDeps {
  store: WorkstationStore;
  catalog: TemplateCatalog;
  timeline: Timeline;
  workstations: Workstations;
  clock: Clock;
  logger: DomainLogger;
  /** The project's override of the template's rule (domain/project-idle.ts); none by default. */
  overrideFor?: (record: WorkstationRecord) => IdleSetting | undefined;
}

export const KEEP_RUNNING_MAX_HOURS = 24;

export class IdleWatch {
  private readonly states = new Map<string, IdleState>();
  private readonly acting = new Set<string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: IdleWatchDeps) {}

  /** One activity report of a ready workstation; resolves once any action it led to is done. */
  async observe(id: string, activity: Activity): Promise<void> {
    const record = this.deps.store.get(id);
    const rule = record && this.ruleOf(record);
    if (!record || !rule || record.state !== 'running') return;
    this.states.set(id, observe(this.stateOf(id), activity, rule, this.now()));
    await this.check(record, rule);
  }

  /** Postpones any idle action for `hours`; recorded with who asked and why. */
  keepRunning(owner: string, id: string, hours: number, why?: string): IdleEvent {
    this.deps.workstations.requireControl(owner, id, 'keep running');
    const running = this.deps.store.get(id) as WorkstationRecord;
    if (running.state !== 'running') {
      throw new PrismError(
        'INVALID_STATE',
        409,
        'Nothing to keep running',
        `Workstation '${running.name}' is ${running.state}.`,
        'Keep running applies to a running workstation; start it first.'
      );
    }
    const until = this.now() + hours * 3_600_000;
    this.states.set(id, { ...this.stateOf(id), postponedUntil: until, warned: false });
    const rule = this.ruleOf(running);
    this.deps.logger.info({ workstation: id, owner, hours }, 'kept running');
    return this.deps.timeline.idle(id, {
      status: 'postponed',
      action: rule?.action ?? 'stop',
      actAt: new Date(until).toISOString(),
      reason: `${owner} kept it running for ${hours} h${why ? `: ${why}` : ''}`,
      by: owner
    });
  }

  /** Checks every watched workstation's deadlines, whether or not a report came. */
  async tick(): Promise<void> {
    for (const id of [...this.states.keys()]) {
      const record = this.deps.store.get(id);
      const rule = record && this.ruleOf(record);
      if (!record || !rule || record.state !== 'running') {
        // Stopped, gone or rule removed: a later start begins a new idle run.
        this.states.delete(id);
        continue;
      }
      await this.check(record, rule);
    }
  }

  start(everyMs: number): void {
    this.timer = setInterval(() => {
      this.tick().catch(error => this.deps.logger.error({ err: error }, 'idle check failed'));
    }, everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async check(record: WorkstationRecord, rule: IdleRule): Promise<void> {
    const state = this.stateOf(record.id);
    const decision = decide(state, rule, this.now());
    if (decision.kind === 'warn') {
      this.states.set(record.id, { ...state, warned: true });
      this.deps.timeline.idle(record.id, {
        status: 'warning',
        action: rule.action,
        actAt: new Date(decision.actAt).toISOString(),
        reason: `${idleReason(state.lastActivity as Activity, this.now() - (state.idleSince as number))}; ${rule.action === 'hibernate' ? 'hibernating' : 'stopping'} in ${duration(decision.actAt - this.now())} unless kept running`
      });
    } else if (decision.kind === 'act' && !this.acting.has(record.id)) {
      this.acting.add(record.id);
      try {
        await this.act(record, rule, idleReason(state.lastActivity as Activity, decision.idleMs));
      } finally {
        this.acting.delete(record.id);
        this.states.delete(record.id);
      }
    }
  }

  /** Stops (or hibernates) through the lifecycle the researcher uses, so state events stream as usual. */
  private async act(record: WorkstationRecord, rule: IdleRule, reason: string): Promise<void> {
    const { workstations, timeline, logger } = this.deps;
    let action = rule.action;
    let note = '';
    try {
      if (action === 'hibernate') {
        try {
          await workstations.stopWorkstation(record.owner, record.id, true);
        } catch (error) {
          if (!(error instanceof PrismError) || error.code === 'INVALID_STATE') throw error;
          // This workstation cannot hibernate: stopping still saves the money.
          action = 'stop';
          note = ` (hibernation not available: ${error.detail})`;
          await workstations.stopWorkstation(record.owner, record.id);
        }
      } else {
        await workstations.stopWorkstation(record.owner, record.id);
      }
    } catch (error) {
      logger.warn({ workstation: record.id, err: error }, 'idle action failed; the next idle run tries again');
      return;
    }
    logger.info({ workstation: record.id, action, reason }, 'idle workstation stopped');
    timeline.idle(record.id, { status: 'acted', action, actAt: this.deps.clock.now().toISOString(), reason: `${reason}${note}` });
  }

  private ruleOf(record: WorkstationRecord): IdleRule | null {
    const template = this.deps.catalog.get(record.template, record.templateVersion);
    return resolveIdleRule(template?.idle, this.deps.overrideFor?.(record));
  }

  /** A postponement outlives a service restart: it is read back from the history. */
  private stateOf(id: string): IdleState {
    const known = this.states.get(id);
    if (known) return known;
    const postponed = this.deps.store
      .events(id)
      .filter((e): e is IdleEvent => e.kind === 'idle' && e.status === 'postponed')
      .pop();
    return { ...NO_IDLE_STATE, postponedUntil: postponed ? Date.parse(postponed.actAt) : null };
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}
