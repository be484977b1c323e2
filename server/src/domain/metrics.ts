/**
 * Monitoring arithmetic (docs/monitoring.md): a stored point from one agent
 * report, network rates from two successive byte totals, and a day of points
 * thinned to what a graph can show.
 */
import type { MetricsPoint } from '../contract/metrics';
import { silenceAfterMs, type Activity } from './idle';
import type { StoredMetricsPoint } from './ports';

/** Points older than this are dropped. */
export const METRICS_RETENTION_MS = 24 * 3_600_000;
/** At most this many points per answer: one every two minutes over a day. */
export const MAX_POINTS = 720;
/** The agent's own clock is trusted for the time of a point only this close to the service's. */
const CLOCK_SKEW_MS = 10 * 60_000;

/**
 * The point one report makes. Rates need the previous point: none when
 * there is none, when a total went down (the workstation rebooted) or when
 * reports stopped long enough that an average would hide what happened.
 */
export function pointOf(workstationId: string, activity: Activity, previous: StoredMetricsPoint | undefined, now: number): StoredMetricsPoint {
  const measured = activity.at ? Date.parse(activity.at) : NaN;
  // S3 reports arrive in batches: the agent's time spaces them as measured.
  const at = Math.abs(measured - now) <= CLOCK_SKEW_MS ? measured : now;
  const seconds = previous ? (at - previous.at) / 1000 : 0;
  const fresh = previous !== undefined && seconds > 0 && seconds * 1000 <= silenceAfterMs(activity);
  const rate = (total: number | undefined, before: number | null | undefined): number | null =>
    fresh && total !== undefined && before !== null && before !== undefined && total >= before ? round((total - before) / seconds) : null;
  return {
    workstationId,
    at,
    cpuPercent: activity.cpuPercent,
    memoryPercent: activity.memoryPercent ?? null,
    memoryUsedMiB: activity.memoryUsedMiB ?? null,
    diskPercent: activity.diskPercent ?? null,
    networkRxBytes: activity.networkRxBytes ?? null,
    networkTxBytes: activity.networkTxBytes ?? null,
    networkRxBps: rate(activity.networkRxBytes, previous?.networkRxBytes),
    networkTxBps: rate(activity.networkTxBytes, previous?.networkTxBytes)
  };
}

export function toMetricsPoint(point: StoredMetricsPoint): MetricsPoint {
  return {
    at: new Date(point.at).toISOString(),
    cpuPercent: point.cpuPercent,
    memoryPercent: point.memoryPercent,
    diskPercent: point.diskPercent,
    networkRxBps: point.networkRxBps,
    networkTxBps: point.networkTxBps
  };
}

/**
 * At most `max` points, oldest first: equal slices of the span, each the
 * mean of the points in it (a missing value stays missing), at the time of
 * its last point, so the newest point keeps its time.
 */
export function downsample(points: StoredMetricsPoint[], max = MAX_POINTS): MetricsPoint[] {
  if (points.length <= max) return points.map(toMetricsPoint);
  const first = points[0].at;
  const width = (points[points.length - 1].at - first) / max;
  const slices: StoredMetricsPoint[][] = [];
  for (const point of points) {
    const index = Math.min(max - 1, Math.floor((point.at - first) / width));
    (slices[index] ??= []).push(point);
  }
  return slices.filter(Boolean).map(slice => ({
    at: new Date(slice[slice.length - 1].at).toISOString(),
    cpuPercent: mean(slice.map(p => p.cpuPercent)) as number,
    memoryPercent: mean(slice.map(p => p.memoryPercent)),
    diskPercent: mean(slice.map(p => p.diskPercent)),
    networkRxBps: mean(slice.map(p => p.networkRxBps)),
    networkTxBps: mean(slice.map(p => p.networkTxBps))
  }));
}

function mean(values: (number | null)[]): number | null {
  const known = values.filter((v): v is number => v !== null);
  return known.length ? round(known.reduce((s, v) => s + v, 0) / known.length) : null;
}

const round = (value: number): number => Math.round(value * 10) / 10;
