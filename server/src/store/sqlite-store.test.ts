import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { WorkstationEvent } from '../contract/events';
import { workstationRecord } from '../domain/testing/harness';
import { MIGRATIONS } from './migrations';
import { SqliteStore } from './sqlite-store';

const log = (id: string, line: string): WorkstationEvent => ({ kind: 'log', id, line, at: '2025-03-01T09:00:00.000Z' });

describe('the SQLite store', () => {
  let dir: string;
  const open: SqliteStore[] = [];
  const openStore = (file: string): SqliteStore => {
    const store = new SqliteStore(file);
    open.push(store);
    return store;
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-store-'));
  });

  afterEach(() => {
    open.splice(0).forEach(store => store.close());
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('applies its migrations once: reopening the file keeps the workstations and their events', () => {
    const file = path.join(dir, 'nested', 'prism.sqlite');
    const first = openStore(file);
    first.insert(workstationRecord({ id: 'ws-1' }));
    first.appendEvent(log('ws-1', 'hello'));
    first.close();
    open.splice(0);

    const second = openStore(file);
    expect(second.get('ws-1')?.name).toBe('thesis-analysis');
    expect(second.events('ws-1')).toEqual([{ ...log('ws-1', 'hello'), seq: 1 }]);
    second.close();
    open.splice(0);

    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('gives events back oldest first, each workstation its own', () => {
    const store = openStore(':memory:');
    ['one', 'two', 'three'].forEach((line, i) => {
      store.appendEvent(log('ws-a', line));
      store.appendEvent(log('ws-b', `b-${i}`));
    });
    expect(store.events('ws-a').map(e => (e.kind === 'log' ? e.line : ''))).toEqual(['one', 'two', 'three']);
    expect(store.events('ws-b')).toHaveLength(3);
    expect(store.events('ws-none')).toEqual([]);
  });

  it('numbers events with one counter for all workstations, for replay after a reconnect', () => {
    const store = openStore(':memory:');
    expect(store.lastEventSeq()).toBe(0);
    const seqs = ['a1', 'b1', 'a2', 'b2', 'a3'].map(line => store.appendEvent(log(`ws-${line[0]}`, line)));
    expect(seqs).toEqual([1, 2, 3, 4, 5]);
    expect(store.lastEventSeq()).toBe(5);
    expect(store.events('ws-a').map(e => e.seq)).toEqual([1, 3, 5]);
    const since = (seq: number, limit: number) => store.eventsSince(seq, limit).map(e => [e.id, e.seq]);
    expect(since(2, 10)).toEqual([
      ['ws-a', 3],
      ['ws-b', 4],
      ['ws-a', 5]
    ]);
    expect(since(0, 2)).toEqual([
      ['ws-a', 1],
      ['ws-b', 2]
    ]);
    expect(since(5, 10)).toEqual([]);
    // A seq on the way in is the store's to give, not kept twice.
    expect(store.appendEvent({ ...log('ws-a', 'again'), seq: 99 })).toBe(6);
    expect(store.events('ws-a').at(-1)).toMatchObject({ line: 'again', seq: 6 });
  });

  it('averages the recent durations of each phase, per template and arch', () => {
    const store = openStore(':memory:');
    // 25 old slow bootstraps, then 20 fast ones: only the 20 most recent count.
    for (let i = 0; i < 25; i++) store.recordPhaseDuration('python-ml:arm64', 'bootstrap', 300);
    for (let i = 0; i < 20; i++) store.recordPhaseDuration('python-ml:arm64', 'bootstrap', 60 + (i % 2) * 20);
    store.recordPhaseDuration('python-ml:arm64', 'wait-running', 12);
    store.recordPhaseDuration('python-ml:arm64', 'wait-running', 18);
    store.recordPhaseDuration('python-ml:x86_64', 'bootstrap', 500);

    expect(store.typicalPhaseSeconds('python-ml:arm64')).toEqual({ bootstrap: 70, 'wait-running': 15 });
    expect(store.typicalPhaseSeconds('python-ml:x86_64')).toEqual({ bootstrap: 500 });
    expect(store.typicalPhaseSeconds('r-rstudio:arm64')).toEqual({});
  });

  it('lists as unfinished only launches that have not settled', () => {
    const store = openStore(':memory:');
    store.insert(workstationRecord({ id: 'ws-launching', state: 'pending', phase: 'bootstrap' }));
    store.insert(workstationRecord({ id: 'ws-ready' }));
    store.insert(workstationRecord({ id: 'ws-other', state: 'pending', phase: 'validate' }));
    expect(store.listUnfinished().map(r => r.id)).toEqual(['ws-launching', 'ws-other']);

    store.update('ws-launching', { phase: 'failed', state: 'failed' });
    store.update('ws-other', { state: 'terminated' });
    expect(store.listUnfinished()).toEqual([]);
  });

  it('lists a researcher’s workstations in launch order and no one else’s', () => {
    const store = openStore(':memory:');
    store.insert(workstationRecord({ id: 'ws-2', owner: 'ada' }));
    store.insert(workstationRecord({ id: 'ws-1', owner: 'grace' }));
    store.insert(workstationRecord({ id: 'ws-3', owner: 'ada' }));
    expect(store.listByOwner('ada').map(r => r.id)).toEqual(['ws-2', 'ws-3']);
    expect(store.listAll().map(r => r.id)).toEqual(['ws-2', 'ws-1', 'ws-3']);
  });

  it('updates a record by patch, keeping its id and every other field', () => {
    const store = openStore(':memory:');
    store.insert(workstationRecord({ id: 'ws-1', servicePorts: { jupyter: 8888 } }));
    const updated = store.update('ws-1', { percent: 42, id: 'ws-hijack' } as never);
    expect(updated).toMatchObject({ id: 'ws-1', percent: 42, servicePorts: { jupyter: 8888 } });
    expect(store.get('ws-1')).toEqual(updated);
    expect(store.get('ws-hijack')).toBeUndefined();
    expect(() => store.update('ws-missing', { percent: 1 })).toThrow(/not in the store/);
  });
});
