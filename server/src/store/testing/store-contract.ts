/**
 * What every store promises, whichever database holds it: the SQLite unit run
 * (store-contract.test.ts) and the PostgreSQL integration run
 * (server/test/stores-postgres.test.ts) both call `describeStoreContract`.
 */
import type { WorkstationEvent } from '../../contract/events';
import { workstationRecord } from '../../domain/testing/harness';
import { MIGRATIONS } from '../migrations';
import type { SqlDatabase } from '../sql-database';
import { SqlWorkstationStore } from '../workstation-store';
import { describeLeaseStores } from './lease-store-contract';
import { describeRecordStores } from './record-store-contract';
import { describeSharedNotebookStore } from './shared-notebook-store-contract';
import { describeTeamStore } from './team-store-contract';

/** A fresh, empty database per test; `open` may be called again to model a restart on the same one. */
export interface DatabaseFactory {
  dialect: SqlDatabase['dialect'];
  fresh(): { open(): SqlDatabase; dispose(): void };
}

const log = (id: string, line: string): WorkstationEvent => ({ kind: 'log', id, line, at: '2025-03-01T09:00:00.000Z' });

export function describeStoreContract(factory: DatabaseFactory): void {
  let open: SqlDatabase[] = [];
  let fresh: ReturnType<DatabaseFactory['fresh']>;
  const openDatabase = (): SqlDatabase => {
    const db = fresh.open();
    open.push(db);
    return db;
  };

  beforeEach(() => {
    fresh = factory.fresh();
  });

  afterEach(() => {
    open.splice(0).forEach(db => db.close());
    open = [];
    fresh.dispose();
  });

  describe(`the workstation store on ${factory.dialect}`, () => {
    it('applies its migrations once: reopening the database keeps the workstations and their events', () => {
      const first = openDatabase();
      const before = new SqlWorkstationStore(first);
      before.insert(workstationRecord({ id: 'ws-1' }));
      before.appendEvent(log('ws-1', 'hello'));
      first.close();
      open = [];

      const second = openDatabase();
      const after = new SqlWorkstationStore(second);
      expect(after.get('ws-1')?.name).toBe('thesis-analysis');
      expect(after.events('ws-1')).toEqual([{ ...log('ws-1', 'hello'), seq: 1 }]);
      const version =
        factory.dialect === 'sqlite'
          ? second.get<{ user_version: number }>('PRAGMA user_version')?.user_version
          : second.get<{ version: number }>('SELECT version FROM schema_version')?.version;
      expect(version).toBe(MIGRATIONS.length);
    });

    it('gives events back oldest first, each workstation its own', () => {
      const store = new SqlWorkstationStore(openDatabase());
      ['one', 'two', 'three'].forEach((line, i) => {
        store.appendEvent(log('ws-a', line));
        store.appendEvent(log('ws-b', `b-${i}`));
      });
      expect(store.events('ws-a').map(e => (e.kind === 'log' ? e.line : ''))).toEqual(['one', 'two', 'three']);
      expect(store.events('ws-b')).toHaveLength(3);
      expect(store.events('ws-none')).toEqual([]);
    });

    it('numbers events with one counter for all workstations, for replay after a reconnect', () => {
      const store = new SqlWorkstationStore(openDatabase());
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
      const store = new SqlWorkstationStore(openDatabase());
      // 25 old slow bootstraps, then 20 fast ones: only the 20 most recent count.
      for (let i = 0; i < 25; i++) store.recordPhaseDuration('python-ml:arm64', 'bootstrap', 300);
      for (let i = 0; i < 20; i++) store.recordPhaseDuration('python-ml:arm64', 'bootstrap', 60 + (i % 2) * 20);
      store.recordPhaseDuration('python-ml:arm64', 'wait-running', 12.25);
      store.recordPhaseDuration('python-ml:arm64', 'wait-running', 18.5);
      store.recordPhaseDuration('python-ml:x86_64', 'bootstrap', 500);

      expect(store.typicalPhaseSeconds('python-ml:arm64')).toEqual({ bootstrap: 70, 'wait-running': 15.375 });
      expect(store.typicalPhaseSeconds('python-ml:x86_64')).toEqual({ bootstrap: 500 });
      expect(store.typicalPhaseSeconds('r-rstudio:arm64')).toEqual({});
    });

    it('lists as unfinished only launches that have not settled', () => {
      const store = new SqlWorkstationStore(openDatabase());
      store.insert(workstationRecord({ id: 'ws-launching', state: 'pending', phase: 'bootstrap' }));
      store.insert(workstationRecord({ id: 'ws-ready' }));
      store.insert(workstationRecord({ id: 'ws-other', state: 'pending', phase: 'validate' }));
      expect(store.listUnfinished().map(r => r.id)).toEqual(['ws-launching', 'ws-other']);

      store.update('ws-launching', { phase: 'failed', state: 'failed' });
      store.update('ws-other', { state: 'terminated' });
      expect(store.listUnfinished()).toEqual([]);
    });

    it('lists a researcher’s workstations in launch order and no one else’s', () => {
      const store = new SqlWorkstationStore(openDatabase());
      store.insert(workstationRecord({ id: 'ws-2', owner: 'ada' }));
      store.insert(workstationRecord({ id: 'ws-1', owner: 'grace' }));
      store.insert(workstationRecord({ id: 'ws-3', owner: 'ada' }));
      expect(store.listByOwner('ada').map(r => r.id)).toEqual(['ws-2', 'ws-3']);
      expect(store.listAll().map(r => r.id)).toEqual(['ws-2', 'ws-1', 'ws-3']);
    });

    it('updates a record by patch, keeping its id and every other field', () => {
      const store = new SqlWorkstationStore(openDatabase());
      store.insert(workstationRecord({ id: 'ws-1', servicePorts: { jupyter: 8888 } }));
      const updated = store.update('ws-1', { percent: 42, id: 'ws-hijack' } as never);
      expect(updated).toMatchObject({ id: 'ws-1', percent: 42, servicePorts: { jupyter: 8888 } });
      expect(store.get('ws-1')).toEqual(updated);
      expect(store.get('ws-hijack')).toBeUndefined();
      expect(() => store.update('ws-missing', { percent: 1 })).toThrow(/not in the store/);
    });

    it('undoes the whole of an exclusive turn that throws, and keeps one that returns', () => {
      const store = new SqlWorkstationStore(openDatabase());
      expect(() =>
        store.exclusive('project:genomics', () => {
          store.insert(workstationRecord({ id: 'ws-refused' }));
          throw new Error('over the allocation');
        })
      ).toThrow('over the allocation');
      expect(store.get('ws-refused')).toBeUndefined();
      store.exclusive('project:genomics', () => store.insert(workstationRecord({ id: 'ws-admitted' })));
      expect(store.listAll().map(r => r.id)).toEqual(['ws-admitted']);
    });
  });

  describeRecordStores(factory.dialect, openDatabase);
  describeLeaseStores(factory.dialect, openDatabase);
  describeTeamStore(factory.dialect, openDatabase);
  describeSharedNotebookStore(factory.dialect, openDatabase);
}
