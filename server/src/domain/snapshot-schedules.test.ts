import type { Snapshot } from '../contract/storage';
import { nextRunAt, snapshotsBeyondKeep } from './snapshot-schedules';

function snapshot(id: string, createdAt: string, trigger: Snapshot['trigger'] = 'schedule'): Snapshot {
  return {
    id,
    workstationId: 'ws-1',
    workstationName: 'thesis',
    owner: 'ada',
    project: null,
    ebsSnapshotId: `snap-${id}`,
    sizeGiB: 30,
    description: '',
    trigger,
    state: 'completed',
    progress: null,
    availabilityZone: 'us-east-1a',
    createdAt
  };
}

describe('snapshot retention', () => {
  it('deletes the oldest scheduled snapshots beyond keep, whatever order they come in', () => {
    const snapshots = [
      snapshot('c', '2026-11-03T00:00:00.000Z'),
      snapshot('a', '2026-11-01T00:00:00.000Z'),
      snapshot('d', '2026-11-04T00:00:00.000Z'),
      snapshot('b', '2026-11-02T00:00:00.000Z')
    ];
    expect(snapshotsBeyondKeep(snapshots, 2).map(s => s.id)).toEqual(['b', 'a']);
  });

  it('never counts or deletes a snapshot taken by hand', () => {
    const snapshots = [
      snapshot('by-hand', '2026-10-01T00:00:00.000Z', 'request'),
      snapshot('a', '2026-11-01T00:00:00.000Z'),
      snapshot('b', '2026-11-02T00:00:00.000Z')
    ];
    expect(snapshotsBeyondKeep(snapshots, 1).map(s => s.id)).toEqual(['a']);
    expect(snapshotsBeyondKeep(snapshots, 2)).toEqual([]);
  });

  it('keeps the newer of two taken at the same moment by id, so a re-run deletes the same one', () => {
    const at = '2026-11-01T00:00:00.000Z';
    expect(snapshotsBeyondKeep([snapshot('x', at), snapshot('y', at)], 1).map(s => s.id)).toEqual(['x']);
  });

  it('is due at once when set, then every everyHours after the last run', () => {
    const record = { workstationId: 'ws-1', everyHours: 6, keep: 2, setBy: 'ada', setAt: '2026-11-01T10:00:00.000Z', lastRunAt: null };
    expect(nextRunAt(record)).toBe('2026-11-01T10:00:00.000Z');
    expect(nextRunAt({ ...record, lastRunAt: '2026-11-01T12:30:00.000Z' })).toBe('2026-11-01T18:30:00.000Z');
  });
});
