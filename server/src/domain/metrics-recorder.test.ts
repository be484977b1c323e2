/**
 * A workstation's monitoring series on a clock the test moves: each agent
 * report is kept and pushed to the owner, and the owner reads back the day
 * with its cost over time, priced as GET /costs prices it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MetricsEvent } from '../contract/metrics';
import { SqlMetricsStore } from '../store/metrics-store';
import type { SqlDatabase } from '../store/sql-database';
import { openTestDatabase } from '../store/testing/test-database';
import { SqlWorkstationStore } from '../store/workstation-store';
import { PrismError } from './errors';
import type { Activity } from './idle';
import { MetricsRecorder } from './metrics-recorder';
import type { Clock } from './ports';
import { OWNER, startDomain, stopDomains, workstationRecord } from './testing/harness';

const LAUNCHED = Date.parse('2026-05-04T08:00:00.000Z');
const ID = 'ws-monitored';

class ManualClock implements Clock {
  t = LAUNCHED;
  now(): Date {
    return new Date(this.t);
  }
}

const activity = (at: number, rxBytes: number): Activity => ({
  busyKernels: 1,
  kernels: 1,
  terminals: 0,
  sshSessions: 0,
  cpuPercent: 87.5,
  loadAverage: 1.9,
  runningJobs: 1,
  intervalSeconds: 60,
  at: new Date(at).toISOString(),
  memoryPercent: 63,
  memoryUsedMiB: 2580,
  diskPercent: 31.5,
  networkRxBytes: rxBytes,
  networkTxBytes: 0
});

let dir: string;
let database: SqlDatabase;
let store: SqlWorkstationStore;
let metrics: SqlMetricsStore;
let clock: ManualClock;
let recorder: MetricsRecorder;
let sent: { owner: string; event: MetricsEvent }[];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-metrics-'));
  database = openTestDatabase(path.join(dir, 'prism.sqlite'));
  store = new SqlWorkstationStore(database);
  metrics = new SqlMetricsStore(database);
  const domain = startDomain({ store });
  // m7g.large at $0.0816/h, running since launch, with a 30 GiB root volume.
  store.insert(workstationRecord({ id: ID, pricePerHour: 0.0816, createdAt: new Date(LAUNCHED).toISOString() }));
  store.appendEvent({ kind: 'state', id: ID, state: 'running', at: new Date(LAUNCHED).toISOString() });
  clock = new ManualClock();
  sent = [];
  recorder = new MetricsRecorder({
    store,
    metrics,
    workstations: domain.workstations,
    sink: { publish: (owner, event) => sent.push({ owner, event }) },
    clock,
    rootVolumeGiB: () => 30
  });
});

afterEach(() => {
  stopDomains();
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the monitoring series', () => {
  it('keeps each report as a point and sends it to the owner with the spend so far', () => {
    clock.t = LAUNCHED + 2 * 3_600_000;
    recorder.record(ID, activity(clock.t, 5_000_000));
    clock.t += 60_000;
    recorder.record(ID, activity(clock.t, 11_000_000));

    expect(sent.map(s => s.owner)).toEqual([OWNER, OWNER]);
    // 2 h 1 min × ($0.0816 + 30 GiB × $0.08 / 730 h) = $0.1712
    expect(sent[1].event).toEqual({
      id: ID,
      at: '2026-05-04T10:01:00.000Z',
      cpuPercent: 87.5,
      memoryPercent: 63,
      diskPercent: 31.5,
      networkRxBps: 100_000,
      networkTxBps: 0,
      spend: 0.1712,
      costPerHour: 0.0849
    });
  });

  it('gives the owner the points since a time and the cost over time, drawn through every state change', () => {
    clock.t = LAUNCHED + 3_600_000;
    recorder.record(ID, activity(clock.t, 0));
    clock.t += 60_000;
    recorder.record(ID, activity(clock.t, 600_000));

    const all = recorder.metricsOf(OWNER, ID);
    expect(all.points.map(p => [p.at, p.networkRxBps])).toEqual([
      ['2026-05-04T09:00:00.000Z', null],
      ['2026-05-04T09:01:00.000Z', 10_000]
    ]);
    expect(all.costPerHour).toBe(0.0849);
    // From launch (a day is not over yet): $0 at launch, then 1 h and 1 h 1 min of $0.0849.
    expect(all.spendSeries).toEqual([
      { at: '2026-05-04T08:00:00.000Z', spend: 0 },
      { at: '2026-05-04T09:00:00.000Z', spend: 0.0849 },
      { at: '2026-05-04T09:01:00.000Z', spend: 0.0863 }
    ]);
    expect(recorder.metricsOf(OWNER, ID, new Date('2026-05-04T09:00:30.000Z')).points).toHaveLength(1);
  });

  it('forgets points older than a day', () => {
    clock.t = LAUNCHED + 3_600_000;
    recorder.record(ID, activity(clock.t, 0));
    clock.t += 25 * 3_600_000;
    recorder.record(ID, activity(clock.t, 0));
    expect(recorder.metricsOf(OWNER, ID).points.map(p => p.at)).toEqual(['2026-05-05T10:00:00.000Z']);
  });

  it('bills only the root volume once stopped: the cost line flattens', () => {
    store.appendEvent({ kind: 'state', id: ID, state: 'stopped', at: new Date(LAUNCHED + 3_600_000).toISOString() });
    store.update(ID, { state: 'stopped' });
    clock.t = LAUNCHED + 2 * 3_600_000;
    const stopped = recorder.metricsOf(OWNER, ID);
    // 30 GiB × $0.08 / 730 h
    expect(stopped.costPerHour).toBe(0.0033);
    // 1 h running at $0.0849, then 1 h of the volume alone.
    expect(stopped.spendSeries.map(p => p.spend)).toEqual([0, 0.0849, 0.0882]);
  });

  it('is not found for anyone but its owner', () => {
    expect(() => recorder.metricsOf('mallory', ID)).toThrow(PrismError);
    try {
      recorder.metricsOf('mallory', ID);
    } catch (error) {
      expect((error as PrismError).status).toBe(404);
    }
  });
});
