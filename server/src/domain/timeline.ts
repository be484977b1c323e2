/**
 * A workstation's timeline: every progress, log and state event is stored
 * first (so a reconnecting client replays it) and then published live.
 */
import type { IdleEvent, LaunchPhase, WorkstationEvent, WorkstationState, Problem } from '../contract/events';
import type { Clock, EventSink, WorkstationRecord, WorkstationStore } from './ports';
import { ProgressEstimator } from './progress';

interface PhaseClock {
  phase: LaunchPhase;
  startedAt: number;
  estimator: ProgressEstimator;
}

export class Timeline {
  private readonly phaseClocks = new Map<string, PhaseClock>();

  constructor(
    private readonly store: WorkstationStore,
    private readonly sink: EventSink,
    private readonly clock: Clock
  ) {}

  /** Enter `phase` (or move within it, with `fraction` of its steps done). */
  progress(id: string, phase: LaunchPhase, message: string, fraction?: number, problem?: Problem): WorkstationRecord {
    const record = this.mustGet(id);
    const clock = this.enter(record, phase);
    const elapsed = (this.clock.now().getTime() - clock.startedAt) / 1000;
    const point = clock.estimator.at(phase, elapsed, fraction);
    const percent = Math.max(record.percent, point.percent);
    const updated = this.store.update(id, { phase, percent, updatedAt: this.clock.now().toISOString() });
    this.emit(updated, {
      kind: 'progress',
      id,
      phase,
      step: point.step,
      steps: point.steps,
      percent,
      etaSeconds: point.etaSeconds,
      message,
      at: this.clock.now().toISOString(),
      ...(problem ? { problem } : {})
    });
    if (phase === 'ready' || phase === 'failed') {
      this.phaseClocks.delete(id);
    }
    return updated;
  }

  log(id: string, line: string): void {
    const record = this.mustGet(id);
    this.emit(record, { kind: 'log', id, line, at: this.clock.now().toISOString() });
  }

  state(id: string, state: WorkstationState, patch: Partial<WorkstationRecord> = {}): WorkstationRecord {
    const before = this.mustGet(id);
    const updated = this.store.update(id, { ...patch, state, updatedAt: this.clock.now().toISOString() });
    if (before.state !== state) {
      this.emit(updated, { kind: 'state', id, state, at: this.clock.now().toISOString() });
    }
    return updated;
  }

  /** An idle rule's warning, postponement or action, kept with the rest of the history. */
  idle(id: string, event: Omit<IdleEvent, 'kind' | 'id' | 'at'>): IdleEvent {
    const idle: IdleEvent = { kind: 'idle', id, ...event, at: this.clock.now().toISOString() };
    this.emit(this.mustGet(id), idle);
    return idle;
  }

  private enter(record: WorkstationRecord, phase: LaunchPhase): PhaseClock {
    const now = this.clock.now().getTime();
    const current = this.phaseClocks.get(record.id);
    if (current && current.phase === phase) {
      return current;
    }
    const key = durationKey(record);
    if (current && phase !== 'failed') {
      this.store.recordPhaseDuration(key, current.phase, (now - current.startedAt) / 1000);
    }
    const next: PhaseClock = {
      phase,
      startedAt: now,
      estimator: current?.estimator ?? new ProgressEstimator(this.store.typicalPhaseSeconds(key))
    };
    this.phaseClocks.set(record.id, next);
    return next;
  }

  private emit(record: WorkstationRecord, event: WorkstationEvent): void {
    const seq = this.store.appendEvent(event);
    this.sink.publish(record.owner, { ...event, seq }, record.project);
  }

  private mustGet(id: string): WorkstationRecord {
    const record = this.store.get(id);
    if (!record) {
      throw new Error(`workstation ${id} is not in the store`);
    }
    return record;
  }
}

/** Launches of one template on one arch take alike; ETAs are learned per pair. */
export function durationKey(record: Pick<WorkstationRecord, 'template' | 'arch'>): string {
  return `${record.template}:${record.arch}`;
}
