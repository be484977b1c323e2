/**
 * The monitoring arithmetic: network rates from the agent's byte totals, and
 * a day of points thinned for a graph.
 */
import type { Activity } from './idle';
import { downsample, MAX_POINTS, pointOf } from './metrics';

const T0 = Date.parse('2026-05-04T10:00:00.000Z');

const report = (seconds: number, rx: number, tx: number, extra: Partial<Activity> = {}): Activity => ({
  busyKernels: 0,
  kernels: 1,
  terminals: 0,
  sshSessions: 0,
  cpuPercent: 12.5,
  loadAverage: 0.2,
  runningJobs: 0,
  intervalSeconds: 60,
  at: new Date(T0 + seconds * 1000).toISOString(),
  memoryPercent: 41.2,
  memoryUsedMiB: 1650,
  diskPercent: 23,
  networkRxBytes: rx,
  networkTxBytes: tx,
  ...extra
});

describe('monitoring points', () => {
  it('makes network rates from two successive totals over the time between the agent’s measurements', () => {
    const first = pointOf('ws-1', report(0, 1_000_000, 50_000), undefined, T0 + 3000);
    // The S3 channel delivers reports late and together: the agent's own times space them.
    const second = pointOf('ws-1', report(60, 7_000_000, 110_000), first, T0 + 65_000);
    expect(first).toMatchObject({ at: T0, networkRxBps: null, networkTxBps: null, cpuPercent: 12.5, memoryPercent: 41.2, diskPercent: 23 });
    expect(second).toMatchObject({ at: T0 + 60_000, networkRxBps: 100_000, networkTxBps: 1000 });
  });

  it('makes no rate across a reboot (a total went down) or a silence of more than three intervals', () => {
    const before = pointOf('ws-1', report(0, 9_000_000, 9_000), undefined, T0);
    expect(pointOf('ws-1', report(60, 2_000, 100), before, T0 + 60_000)).toMatchObject({ networkRxBps: null, networkTxBps: null });
    expect(pointOf('ws-1', report(181, 9_500_000, 9_500), before, T0 + 181_000)).toMatchObject({ networkRxBps: null });
    expect(pointOf('ws-1', report(180, 9_900_000, 9_900), before, T0 + 180_000)).toMatchObject({ networkRxBps: 5000, networkTxBps: 5 });
  });

  it('goes by the service’s clock when the agent’s is far off or missing, and leaves out what an older agent does not measure', () => {
    const skewed = pointOf('ws-1', report(-3600, 1, 1), undefined, T0);
    expect(skewed.at).toBe(T0);
    const older = pointOf('ws-1', { ...report(0, 0, 0), at: undefined, memoryPercent: undefined, diskPercent: undefined, networkRxBytes: undefined }, undefined, T0 + 5);
    expect(older).toMatchObject({ at: T0 + 5, memoryPercent: null, diskPercent: null, networkRxBytes: null });
  });

  it('thins a day of two-second points to at most 720, each the mean of its slice, keeping the newest time', () => {
    const points = Array.from({ length: 43_200 }, (_, i) => ({
      ...pointOf('ws-1', report(i * 2, 0, 0, { cpuPercent: i % 2 ? 100 : 0, memoryPercent: undefined }), undefined, T0 + i * 2000),
      networkRxBps: i % 2 ? 10 : null
    }));
    const thinned = downsample(points);
    expect(thinned.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(thinned.length).toBeGreaterThan(MAX_POINTS - 2);
    expect(thinned.every(p => p.cpuPercent === 50 && p.networkRxBps === 10 && p.memoryPercent === null)).toBe(true);
    expect(thinned[thinned.length - 1].at).toBe(new Date(T0 + 43_199 * 2000).toISOString());
    expect(downsample(points.slice(0, 5)).map(p => p.at)).toEqual(points.slice(0, 5).map(p => new Date(p.at).toISOString()));
  });
});
