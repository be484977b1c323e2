import type { WorkstationRecord } from './ports';
import { costReport, withStorage } from './costs';
import { openTestDatabase } from '../store/testing/test-database';
import { SqlWorkstationStore } from '../store/workstation-store';

const at = (iso: string): Date => new Date(iso);

function record(overrides: Partial<WorkstationRecord> = {}): WorkstationRecord {
  return {
    id: 'ws-1',
    name: 'thesis',
    owner: 'ada',
    project: null,
    template: 'python-ml',
    templateVersion: '1.0.0',
    arch: 'arm64',
    size: 'medium',
    instanceType: 'm7g.large',
    state: 'running',
    phase: 'ready',
    percent: 100,
    instanceId: 'i-1',
    imageId: 'ami-1',
    pricePerHour: 0.0816,
    datasets: [],
    createdAt: '2026-11-01T00:00:00.000Z',
    updatedAt: '2026-11-01T00:00:00.000Z',
    error: null,
    bootToken: 'b',
    jupyterToken: 'j',
    lastReportSeq: 0,
    servicePorts: {},
    keyPath: null,
    address: null,
    ...overrides
  };
}

function storeWith(records: WorkstationRecord[], states: [string, string, string][]): SqlWorkstationStore {
  const store = new SqlWorkstationStore(openTestDatabase(':memory:'));
  records.forEach(r => store.insert(r));
  states.forEach(([id, state, iso]) =>
    store.appendEvent({ kind: 'state', id, state: state as WorkstationRecord['state'], at: iso })
  );
  return store;
}

describe('costs', () => {
  it('bills compute while running and storage while it exists, and projects the month to its end', () => {
    const store = storeWith(
      [record()],
      [
        ['ws-1', 'running', '2026-11-01T00:00:00.000Z'],
        ['ws-1', 'stopped', '2026-11-01T10:00:00.000Z'],
        ['ws-1', 'running', '2026-11-01T20:00:00.000Z']
      ]
    );
    const report = costReport(store, store.listAll(), () => 30, { now: () => at('2026-11-02T00:00:00.000Z') });
    // 14 h × $0.0816 + 24 h of 30 GiB gp3 ($0.08/GiB-month over 730 h) = $1.2213
    // + 696 h left × ($0.0816 + $0.003288) = $59.08
    expect(report.workstations[0]).toMatchObject({
      hoursRunning: 14,
      hoursStopped: 10,
      spend: 1.22,
      savings: 0.82,
      projectedMonthEnd: 60.3
    });
    expect(report.total).toEqual({ spend: 1.22, projectedMonthEnd: 60.3, savings: 0.82 });
    expect(report.period).toMatchObject({ start: '2026-11-01T00:00:00.000Z', end: '2026-12-01T00:00:00.000Z' });
  });

  it('projects only storage for a stopped workstation and nothing for a terminated one', () => {
    const stopped = record({ id: 'ws-s', state: 'stopped' });
    const gone = record({ id: 'ws-t', state: 'terminated' });
    const store = storeWith(
      [stopped, gone],
      [
        ['ws-s', 'running', '2026-11-01T00:00:00.000Z'],
        ['ws-s', 'stopped', '2026-11-01T01:00:00.000Z'],
        ['ws-t', 'running', '2026-11-01T00:00:00.000Z'],
        ['ws-t', 'terminated', '2026-11-01T01:00:00.000Z']
      ]
    );
    const report = costReport(store, store.listAll(), () => 730 / 0.08 / 100, { now: () => at('2026-11-01T02:00:00.000Z') });
    // A volume of 91.25 GiB costs exactly $0.01 an hour; 718 h are left in the month.
    const [s, t] = report.workstations;
    expect(s).toMatchObject({ spend: 0.1, projectedMonthEnd: 7.28 });
    expect(t).toMatchObject({ spend: 0.09, projectedMonthEnd: 0.09, savings: 0 });
  });

  it('does not count last month', () => {
    const store = storeWith(
      [record({ createdAt: '2026-10-31T00:00:00.000Z' })],
      [['ws-1', 'running', '2026-10-31T00:00:00.000Z']]
    );
    const report = costReport(store, store.listAll(), () => 0, { now: () => at('2026-11-01T01:00:00.000Z') });
    expect(report.workstations[0]).toMatchObject({ hoursRunning: 1, spend: 0.08 });
  });

  it('sums by user and by project', () => {
    const store = storeWith(
      [record({ id: 'a', owner: 'ada', project: 'genomics' }), record({ id: 'b', owner: 'bob', project: 'genomics' })],
      [
        ['a', 'running', '2026-11-01T00:00:00.000Z'],
        ['b', 'running', '2026-11-01T00:00:00.000Z']
      ]
    );
    const report = costReport(store, store.listAll(), () => 0, { now: () => at('2026-11-01T10:00:00.000Z') });
    expect(report.byUser).toEqual({
      ada: expect.objectContaining({ spend: 0.82 }),
      bob: expect.objectContaining({ spend: 0.82 })
    });
    // Totals add the cents each workstation shows, so the figures on screen add up.
    expect(report.byProject.genomics.spend).toBe(1.64);
  });

  it('adds stored data to the user, project and total, and lists each line', () => {
    const store = storeWith([record({ project: 'genomics' })], [['ws-1', 'running', '2026-11-01T00:00:00.000Z']]);
    const report = costReport(store, store.listAll(), () => 0, { now: () => at('2026-11-01T10:00:00.000Z') });
    const snapshot = { kind: 'snapshot' as const, id: 'snapshot-1', name: 'thesis', owner: 'ada', project: 'genomics', workstationId: 'ws-1', monthlyCost: 1.5, spend: 0.02, projectedMonthEnd: 1.5 };
    const volume = { kind: 'volume' as const, id: 'vol-1', name: 'scratch', owner: 'ada', project: null, workstationId: null, monthlyCost: 3, spend: 0.04, projectedMonthEnd: 3 };
    const withIt = withStorage(report, [snapshot, volume]);
    expect(withIt.storage).toEqual([snapshot, volume]);
    expect(withIt.byUser.ada).toEqual({ spend: 0.88, projectedMonthEnd: report.byUser.ada.projectedMonthEnd + 4.5, savings: 0 });
    expect(withIt.byProject.genomics).toMatchObject({ spend: 0.84, projectedMonthEnd: Number((report.byProject.genomics.projectedMonthEnd + 1.5).toFixed(2)) });
    expect(withIt.total.spend).toBe(0.88);
    // The workstation's own line is unchanged: storage is beside it, not in it.
    expect(withIt.workstations).toEqual(report.workstations);
  });
});
