import { LAUNCH_PHASES } from '../contract/events';
import { ProgressEstimator } from './progress';

describe('ProgressEstimator', () => {
  it('never goes down as a launch moves through its phases in order', () => {
    const estimator = new ProgressEstimator();
    const percents = LAUNCH_PHASES.map(phase => estimator.at(phase, 0).percent);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
    expect(percents[percents.length - 1]).toBe(100);
  });

  it('counts down the ETA to zero at ready', () => {
    const estimator = new ProgressEstimator();
    const etas = LAUNCH_PHASES.map(phase => estimator.at(phase, 0).etaSeconds ?? Infinity);
    expect([...etas].sort((a, b) => b - a)).toEqual(etas);
    expect(estimator.at('ready', 0).etaSeconds).toBe(0);
  });

  it('learns from observed durations: a fast bootstrap gives a short ETA', () => {
    const slow = new ProgressEstimator().at('wait-running', 0).etaSeconds!;
    const fast = new ProgressEstimator({ bootstrap: 5, 'wait-running': 1 }).at('wait-running', 0).etaSeconds!;
    expect(fast).toBeLessThan(slow / 10);
  });

  it('moves within bootstrap by the fraction of its steps done', () => {
    const estimator = new ProgressEstimator();
    const start = estimator.at('bootstrap', 0, 0);
    const half = estimator.at('bootstrap', 0, 0.5);
    const next = estimator.at('health-check', 0);
    expect(half.percent).toBeGreaterThan(start.percent);
    expect(next.percent).toBeGreaterThanOrEqual(half.percent);
    expect(half.etaSeconds!).toBeLessThan(start.etaSeconds!);
  });

  it('numbers steps from 1 to the count of phases', () => {
    const estimator = new ProgressEstimator();
    expect(estimator.at('validate', 0)).toMatchObject({ step: 1, steps: 9 });
    expect(estimator.at('ready', 0)).toMatchObject({ step: 9, steps: 9, percent: 100 });
  });
});
