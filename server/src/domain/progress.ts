/**
 * Percent and ETA of a launch, from how long each phase typically takes.
 * Typical durations start from defaults and are learned from this service's
 * own launches (per template and arch), so ETAs get honest over time.
 */
import { LAUNCH_PHASES, type LaunchPhase } from '../contract/events';

type RunningPhase = (typeof LAUNCH_PHASES)[number];

/** Seconds each phase takes on AWS when we know nothing better. */
export const DEFAULT_PHASE_SECONDS: Record<RunningPhase, number> = {
  validate: 0.2,
  'resolve-image': 1.5,
  'prepare-network': 1.5,
  'prepare-storage': 0.5,
  'run-instance': 2,
  'wait-running': 25,
  bootstrap: 240,
  'health-check': 5,
  ready: 0
};

export interface ProgressPoint {
  step: number;
  steps: number;
  percent: number;
  etaSeconds: number | null;
}

export class ProgressEstimator {
  private readonly seconds: Record<RunningPhase, number>;
  private readonly total: number;

  constructor(learned: Record<string, number> = {}) {
    this.seconds = { ...DEFAULT_PHASE_SECONDS };
    for (const phase of LAUNCH_PHASES) {
      const value = learned[phase];
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) {
        this.seconds[phase] = value;
      }
    }
    this.total = LAUNCH_PHASES.reduce((sum, p) => sum + this.seconds[p], 0) || 1;
  }

  /**
   * Where a launch stands: in `phase`, `elapsedInPhase` seconds in, and (for
   * bootstrap) `fraction` of the phase's own steps done.
   */
  at(phase: LaunchPhase, elapsedInPhase: number, fraction?: number): ProgressPoint {
    const steps = LAUNCH_PHASES.length;
    if (phase === 'failed') {
      return { step: steps, steps, percent: 100, etaSeconds: null };
    }
    const index = LAUNCH_PHASES.indexOf(phase);
    const before = LAUNCH_PHASES.slice(0, index).reduce((sum, p) => sum + this.seconds[p], 0);
    const own = this.seconds[phase];
    const done = fraction !== undefined ? own * clamp(fraction) : Math.min(elapsedInPhase, own * 0.95);
    const after = LAUNCH_PHASES.slice(index + 1).reduce((sum, p) => sum + this.seconds[p], 0);
    const percent = phase === 'ready' ? 100 : Math.min(99, Math.floor(((before + done) / this.total) * 100));
    const etaSeconds = phase === 'ready' ? 0 : Math.max(0, Math.round(own - done + after));
    return { step: index + 1, steps, percent, etaSeconds };
  }
}

function clamp(fraction: number): number {
  return Math.max(0, Math.min(1, fraction));
}
