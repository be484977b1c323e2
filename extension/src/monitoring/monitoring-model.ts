/**
 * The monitoring dashboard's state: each workstation's series, loaded from
 * GET /instances/:id/metrics and extended by `instance:metrics` as the
 * agents report. Requests go through the Prism model's request seam, live
 * points through the socket seam.
 */
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type {
  MetricsEvent,
  MetricsPoint,
  WorkstationMetrics
} from '../../../server/src/contract/metrics';
import { PrismApi, problemOf } from '../api';
import { openRealtime, PrismSocket } from '../realtime';
import type { IPrismModel, Problem, Workstation } from '../tokens';

/** The service keeps a day; so does the dashboard. */
const KEEP_MS = 24 * 3_600_000;

/** One workstation's graphs: times in seconds since the epoch (uPlot's x), oldest first. */
export interface ISeries {
  readonly times: number[];
  readonly cpu: (number | null)[];
  readonly memory: (number | null)[];
  readonly disk: (number | null)[];
  readonly rx: (number | null)[];
  readonly tx: (number | null)[];
  readonly spendTimes: number[];
  readonly spend: number[];
  readonly costPerHour: number;
}

export class MonitoringModel implements IDisposable {
  constructor(private readonly _prism: IPrismModel) {
    this._socket = this._follow(_prism.api);
    _prism.changed.connect(this._onPrismChanged, this);
  }

  /** Emitted whenever a series, the workstations or the problem change. */
  get changed(): ISignal<MonitoringModel, void> {
    return this._changed;
  }
  /** The workstations worth watching: every one not terminated. */
  get workstations(): ReadonlyArray<Workstation> {
    return this._prism.workstations.filter(w => w.state !== 'terminated' && w.state !== 'failed');
  }
  /** Why the series could not be loaded; null when they could. */
  get problem(): Problem | null {
    return this._problem;
  }
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  seriesOf(id: string): ISeries | null {
    return this._series.get(id) ?? null;
  }

  /** Load every watched workstation's last day again. Never throws. */
  async load(): Promise<void> {
    await Promise.all(this.workstations.map(w => this._loadOne(w.id)));
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._socket.close();
    this._prism.changed.disconnect(this._onPrismChanged, this);
    Signal.clearData(this);
  }

  private async _loadOne(id: string): Promise<void> {
    this._loading.add(id);
    try {
      const metrics = await this._prism.api.request<WorkstationMetrics>(
        `instances/${encodeURIComponent(id)}/metrics`
      );
      // Points that arrived live during the request are newer than its answer.
      const arrived = this._series.get(id);
      const series = seriesFrom(metrics);
      arrived?.times.forEach((t, i) => {
        if (t > (series.times[series.times.length - 1] ?? 0)) {
          appendPoint(series, t, arrived, i);
        }
      });
      this._series.set(id, series);
      this._problem = null;
    } catch (reason) {
      this._problem = problemOf(reason);
    } finally {
      this._loading.delete(id);
    }
    this._changed.emit();
  }

  private _follow(api: PrismApi): PrismSocket {
    this._api = api;
    const socket = openRealtime(api);
    socket.on('instance:metrics', event => this._receive(event));
    // Points may have been missed while disconnected.
    socket.on('connect', () => void this.load());
    return socket;
  }

  private _receive(event: MetricsEvent): void {
    const series = this._series.get(event.id) ?? seriesFrom({ points: [], costPerHour: 0, spendSeries: [] });
    const t = Date.parse(event.at) / 1000;
    appendPoint(series, t, pointSeries(event), 0);
    series.spendTimes.push(t);
    series.spend.push(event.spend);
    this._series.set(event.id, { ...trim(series), costPerHour: event.costPerHour });
    this._changed.emit();
  }

  /** The settings changed (another service), or the workstations did (a launch, a state change). */
  private _onPrismChanged(): void {
    if (this._prism.api !== this._api) {
      this._socket.close();
      this._series.clear();
      this._socket = this._follow(this._prism.api);
    }
    for (const w of this.workstations) {
      if (!this._series.has(w.id) && !this._loading.has(w.id)) {
        void this._loadOne(w.id);
      }
    }
    this._changed.emit();
  }

  private _socket: PrismSocket;
  private _api: PrismApi | null = null;
  private _series = new Map<string, ISeries>();
  private _loading = new Set<string>();
  private _problem: Problem | null = null;
  private _isDisposed = false;
  private _changed = new Signal<MonitoringModel, void>(this);
}

function seriesFrom(metrics: WorkstationMetrics): ISeries {
  const series: ISeries = {
    times: [],
    cpu: [],
    memory: [],
    disk: [],
    rx: [],
    tx: [],
    spendTimes: metrics.spendSeries.map(p => Date.parse(p.at) / 1000),
    spend: metrics.spendSeries.map(p => p.spend),
    costPerHour: metrics.costPerHour
  };
  metrics.points.forEach(p => appendPoint(series, Date.parse(p.at) / 1000, pointSeries(p), 0));
  return series;
}

/** One point as a series of length one, so that copying from either goes one way. */
function pointSeries(p: MetricsPoint): ISeries {
  return {
    times: [Date.parse(p.at) / 1000],
    cpu: [p.cpuPercent],
    memory: [p.memoryPercent],
    disk: [p.diskPercent],
    rx: [p.networkRxBps],
    tx: [p.networkTxBps],
    spendTimes: [],
    spend: [],
    costPerHour: 0
  };
}

function appendPoint(into: ISeries, t: number, from: ISeries, i: number): void {
  into.times.push(t);
  into.cpu.push(from.cpu[i]);
  into.memory.push(from.memory[i]);
  into.disk.push(from.disk[i]);
  into.rx.push(from.rx[i]);
  into.tx.push(from.tx[i]);
}

/** Drops what is older than a day, as the service does. */
function trim(series: ISeries): ISeries {
  const from = (Date.now() - KEEP_MS) / 1000;
  const firstKept = (times: number[]): number => {
    const i = times.findIndex(t => t >= from);
    return i < 0 ? times.length : i;
  };
  const keep = firstKept(series.times);
  const spendKeep = firstKept(series.spendTimes);
  const cut = <T>(values: T[], at: number): T[] => (at === 0 ? values : values.slice(at));
  return {
    ...series,
    times: cut(series.times, keep),
    cpu: cut(series.cpu, keep),
    memory: cut(series.memory, keep),
    disk: cut(series.disk, keep),
    rx: cut(series.rx, keep),
    tx: cut(series.tx, keep),
    spendTimes: cut(series.spendTimes, spendKeep),
    spend: cut(series.spend, spendKeep)
  };
}
