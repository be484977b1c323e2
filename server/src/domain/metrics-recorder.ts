/**
 * Each workstation's monitoring series (docs/monitoring.md): every agent
 * report becomes a stored point, pushed to the owner at once; the owner
 * reads back up to a day of points with the cost over the same time.
 */
import type { MetricsEvent, SpendPoint, WorkstationMetrics } from '../contract/metrics';
import { costPerHourOf, spendBetween, statesOf, type CostPrices } from './costs';
import type { Activity } from './idle';
import { downsample, METRICS_RETENTION_MS, pointOf, toMetricsPoint } from './metrics';
import type { Clock, MetricsSink, MetricsStore, WorkstationRecord, WorkstationStore } from './ports';
import type { Workstations } from './workstations';

export interface MetricsRecorderDeps {
  store: WorkstationStore;
  metrics: MetricsStore;
  workstations: Workstations;
  sink: MetricsSink;
  clock: Clock;
  /** The root volume GET /costs bills the workstation for. */
  rootVolumeGiB: (record: WorkstationRecord) => number;
  /** Storage's price, as GET /costs has it; the shipped table when absent. */
  prices?: CostPrices;
}

export class MetricsRecorder {
  constructor(private readonly deps: MetricsRecorderDeps) {}

  /** One agent report: a new point, kept and sent to the owner's room. */
  record(id: string, activity: Activity): void {
    const { store, metrics, sink } = this.deps;
    const record = store.get(id);
    if (!record) return;
    const now = this.now();
    const point = pointOf(id, activity, metrics.latest(id), now);
    metrics.append(point);
    metrics.forget(now - METRICS_RETENTION_MS);
    const event: MetricsEvent = {
      id,
      ...toMetricsPoint(point),
      spend: usd(this.spendAt(record, [point.at])[0].spend),
      costPerHour: this.costPerHour(record)
    };
    sink.publish(record.owner, event, record.project);
  }

  /**
   * The owner's view of the last day, or from `since` if later.
   * @throws {PrismError} WORKSTATION_NOT_FOUND for anyone but its owner.
   */
  metricsOf(owner: string, id: string, since?: Date): WorkstationMetrics {
    this.deps.workstations.getWorkstation(owner, id);
    const record = this.deps.store.get(id) as WorkstationRecord;
    const now = this.now();
    const from = Math.max(since?.getTime() ?? 0, now - METRICS_RETENTION_MS);
    const points = downsample(this.deps.metrics.since(id, from));
    const start = Math.max(from, Date.parse(record.createdAt));
    // Spend grows in straight lines between state changes: those, the points' times and now draw it exactly.
    const changes = statesOf(record, this.deps.store.events(id), now).map(i => i.from);
    const times = [start, ...changes, ...points.map(p => Date.parse(p.at)), now].filter(t => t >= start && t <= now);
    return {
      points,
      costPerHour: this.costPerHour(record),
      spendSeries: this.spendAt(record, [...new Set(times)].sort((a, b) => a - b)).map(p => ({ ...p, spend: usd(p.spend) }))
    };
  }

  /** Spend since launch at each time, from the workstation's own history. */
  private spendAt(record: WorkstationRecord, times: number[]): SpendPoint[] {
    const intervals = statesOf(record, this.deps.store.events(record.id), this.now());
    const volume = this.deps.rootVolumeGiB(record);
    const launched = Date.parse(record.createdAt);
    return times.map(t => ({ at: new Date(t).toISOString(), spend: spendBetween(record, intervals, volume, launched, t, this.deps.prices?.gp3UsdPerGiBMonth()) }));
  }

  private costPerHour(record: WorkstationRecord): number {
    return usd(costPerHourOf(record, this.deps.rootVolumeGiB(record), this.deps.prices?.gp3UsdPerGiBMonth()));
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}

/** Hundredths of a cent: a graph of minutes would be flat in cents. */
const usd = (value: number): number => Math.round(value * 10_000) / 10_000;
