/**
 * Idle rules that understand research work: a workstation is idle only when
 * no kernel is busy, nobody has a terminal or SSH session open, no job runs
 * and the CPU is quiet — continuously, as the workstation's agent reports it.
 * Pure: times are milliseconds given by the caller (the Clock port).
 */
import type { IdleAction } from '../contract/events';

export interface IdleRule {
  /** Idle this long, then act. Fractional minutes are allowed (tests use seconds). */
  afterMinutes: number;
  /** Warn this long before acting. */
  warnMinutes: number;
  /** `hibernate` falls back to `stop` where the workstation cannot hibernate. */
  action: IdleAction;
  /** CPU at or above this (percent of all cores) is activity. */
  cpuPercentBelow: number;
}

/** A template's (or an override's) `idle:` key: some of the rule, or `false` for never. */
export type IdleSetting = Partial<IdleRule> | false;

export const DEFAULT_IDLE_RULE: IdleRule = { afterMinutes: 60, warnMinutes: 10, action: 'stop', cpuPercentBelow: 5 };

/**
 * The rule for one workstation: the defaults, then the template's `idle:`,
 * then the project's override (domain/project-idle.ts).
 * Null when either says `false`.
 */
export function resolveIdleRule(template: IdleSetting | undefined, override?: IdleSetting): IdleRule | null {
  if (template === false || override === false) return null;
  const rule = { ...DEFAULT_IDLE_RULE, ...template, ...override };
  // A warning longer than the wait would come before the workstation was idle at all.
  return { ...rule, warnMinutes: Math.min(rule.warnMinutes, rule.afterMinutes) };
}

/** One `activity` report of the workstation's agent. */
export interface Activity {
  busyKernels: number;
  kernels: number;
  terminals: number;
  sshSessions: number;
  cpuPercent: number;
  loadAverage: number;
  runningJobs: number;
  /** The agent's reporting interval, so that silence can be told from a slow report. */
  intervalSeconds?: number;
  /** ISO 8601, the workstation's clock; the rules go by the service's clock. */
  at?: string;
  /** For the monitoring graphs only (domain/metrics.ts); absent from older agents. */
  memoryPercent?: number;
  memoryUsedMiB?: number;
  /** Of `/`. */
  diskPercent?: number;
  /** Totals since the workstation booted, loopback excluded; the service makes rates of them. */
  networkRxBytes?: number;
  networkTxBytes?: number;
}

/** What keeps the workstation busy under `rule`; empty when it is idle. */
export function busyWith(activity: Activity, rule: IdleRule): string[] {
  const reasons: string[] = [];
  if (activity.busyKernels > 0) reasons.push(count(activity.busyKernels, 'busy kernel'));
  if (activity.terminals > 0) reasons.push(count(activity.terminals, 'terminal'));
  if (activity.sshSessions > 0) reasons.push(count(activity.sshSessions, 'SSH session'));
  if (activity.runningJobs > 0) reasons.push(count(activity.runningJobs, 'running job'));
  if (activity.cpuPercent >= rule.cpuPercentBelow) reasons.push(`CPU ${Math.round(activity.cpuPercent)}%`);
  return reasons;
}

/** e.g. "idle 60 min: no busy kernel, no terminal, no SSH, no running job, CPU 1%". */
export function idleReason(activity: Activity, idleMs: number): string {
  return `idle ${duration(idleMs)}: no busy kernel, no terminal, no SSH, no running job, CPU ${Math.round(activity.cpuPercent)}%`;
}

/** Minutes, or seconds below one (short rules in tests). */
export function duration(ms: number): string {
  return ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.round(ms / 1000)} s`;
}

/** What the service remembers of one workstation between reports. */
export interface IdleState {
  /** Since when every report said idle; null while busy (or before the first idle report). */
  idleSince: number | null;
  lastReportAt: number | null;
  lastActivity: Activity | null;
  /** Whether the warning for the current deadline went out. */
  warned: boolean;
  /** Kept running by the researcher until then. */
  postponedUntil: number | null;
}

export const NO_IDLE_STATE: IdleState = { idleSince: null, lastReportAt: null, lastActivity: null, warned: false, postponedUntil: null };

const DEFAULT_INTERVAL_SECONDS = 60;
/** Silence shorter than this is a late report, not a gap. */
const MIN_SILENCE_MS = 30_000;

/** How long without a report before the idle run no longer counts as continuous. */
export function silenceAfterMs(activity: Activity | null): number {
  return Math.max(3 * (activity?.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS) * 1000, MIN_SILENCE_MS);
}

/**
 * Folds one report in. Any activity ends the idle run (and the warning with
 * it); after a silence the run starts again, since nobody knows what
 * happened while the agent was quiet.
 */
export function observe(state: IdleState, activity: Activity, rule: IdleRule, now: number): IdleState {
  const gap = state.lastReportAt === null || now - state.lastReportAt > silenceAfterMs(state.lastActivity);
  const idle = busyWith(activity, rule).length === 0;
  const continues = idle && !gap && state.idleSince !== null;
  // A report tells of the interval before it: the first quiet one starts the run an interval back.
  const startedAt = now - (activity.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS) * 1000;
  return {
    ...state,
    idleSince: idle ? (continues ? state.idleSince : startedAt) : null,
    lastReportAt: now,
    lastActivity: activity,
    warned: continues ? state.warned : false
  };
}

/** When the warning goes out and when the rule acts; null while not idle. */
export function deadlines(state: IdleState, rule: IdleRule): { warnAt: number; actAt: number } | null {
  if (state.idleSince === null) return null;
  const warnMs = rule.warnMinutes * 60_000;
  // Kept running: nothing before then, and a fresh warning at that time if still idle.
  const actAt = Math.max(state.idleSince + rule.afterMinutes * 60_000, (state.postponedUntil ?? 0) + warnMs);
  return { warnAt: actAt - warnMs, actAt };
}

export type IdleDecision = { kind: 'wait' } | { kind: 'warn'; actAt: number } | { kind: 'act'; idleMs: number };

/** What to do now. Never acts on silence: without a recent report there is no proof of idleness. */
export function decide(state: IdleState, rule: IdleRule, now: number): IdleDecision {
  const due = deadlines(state, rule);
  if (!due || state.lastReportAt === null || now - state.lastReportAt > silenceAfterMs(state.lastActivity)) {
    return { kind: 'wait' };
  }
  if (now >= due.actAt) return { kind: 'act', idleMs: now - (state.idleSince as number) };
  if (now >= due.warnAt && !state.warned) return { kind: 'warn', actAt: due.actAt };
  return { kind: 'wait' };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
