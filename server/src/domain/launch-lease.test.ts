/**
 * Two replicas' launch runners on one database (domain/lease.ts): a launch is
 * driven by the replica holding its lease; one that stalls past it lets the
 * launch go to the replica that claimed it, without failing it behind its back.
 */
import { SqlBootReportRelay } from '../store/boot-report-relay-store';
import { SqlLeaseStore } from '../store/lease-store';
import type { SqlDatabase } from '../store/sql-database';
import { openTestDatabase } from '../store/testing/test-database';
import { SqlWorkstationStore } from '../store/workstation-store';
import { LaunchRunner } from './launch';
import { Leases } from './lease';
import type { WorkstationRecord } from './ports';
import { FakeCloud } from './testing/fake-cloud';
import { bootedReports, defaultCatalog, network, OWNER, RecordingSink, request, silentLogger, StubProbe, testSettings, TickingClock } from './testing/harness';
import { Timeline } from './timeline';
import { Workstations } from './workstations';

const TTL_MS = 300;
/** The leases' clock, moved by the test: a replica whose renewals stop is one whose time ran on without it. */
let leaseNow = Date.parse('2026-11-27T12:00:00.000Z');
let database: SqlDatabase;
const runners: LaunchRunner[] = [];

function replica(holder: string, cloud: FakeCloud) {
  const store = new SqlWorkstationStore(database);
  const sink = new RecordingSink();
  const clock = new TickingClock();
  const timeline = new Timeline(store, sink, clock);
  const catalog = defaultCatalog();
  const leases = new Leases({ store: new SqlLeaseStore(database), holder, ttlMs: TTL_MS, clock: { now: () => new Date(leaseNow) }, logger: silentLogger() });
  const runner = new LaunchRunner({
    store,
    cloud,
    catalog,
    timeline,
    network,
    probe: new StubProbe(),
    inbox: null,
    logger: silentLogger(),
    settings: testSettings({ bootTimeoutSeconds: 1 }),
    leases,
    relay: new SqlBootReportRelay(database)
  });
  runners.push(runner);
  const workstations = new Workstations({ store, cloud, catalog, timeline, runner, network, clock, logger: silentLogger(), region: 'eu-west-1' });
  return { store, sink, runner, workstations, leases };
}

async function until(read: () => WorkstationRecord, done: (r: WorkstationRecord) => boolean, timeoutMs = 3_000): Promise<WorkstationRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = read();
    if (done(record)) return record;
    if (Date.now() > deadline) throw new Error(`stayed ${record.state}/${record.phase}`);
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

beforeEach(() => {
  database = openTestDatabase(':memory:');
});

afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.drain(0);
  database.close();
});

it('drives a launch on the replica that recorded it only; the other one\'s sweep takes nothing', async () => {
  const cloud = new FakeCloud();
  const a = replica('replica-a', cloud);
  const b = replica('replica-b', cloud);
  const { id } = a.workstations.launchWorkstation(OWNER, request());
  await until(() => a.store.get(id) as WorkstationRecord, r => r.phase === 'bootstrap');
  expect(b.runner.resumeUnfinished()).toBe(0);
  expect(b.leases.holderOf(`launch:${id}`)).toBe('replica-a');
  // Still launching on both: a stop through B is refused as it is through A.
  expect(b.runner.isLaunching(id)).toBe(true);
});

it('lets a stalled replica\'s launch go to the one that claimed it, which finishes it; the stalled one writes nothing more', async () => {
  const cloud = new FakeCloud();
  const a = replica('replica-a', cloud);
  const b = replica('replica-b', cloud);
  const { id } = a.workstations.launchWorkstation(OWNER, request());
  await until(() => a.store.get(id) as WorkstationRecord, r => r.phase === 'bootstrap');
  const heardOnA = a.sink.published.length;

  leaseNow += TTL_MS + 1;
  expect(b.runner.resumeUnfinished()).toBe(1);
  const record = a.store.get(id) as WorkstationRecord;
  // The machine reports to B (the balancer's pick); the reports reach B's run of the launch.
  b.runner.acceptBootReports(id, record.bootToken, bootedReports());
  await until(() => b.store.get(id) as WorkstationRecord, r => r.phase === 'ready');

  // Past A's boot timeout: had A kept driving, it would have failed the launch by now.
  await new Promise(resolve => setTimeout(resolve, 1_500));
  expect(b.store.get(id)).toMatchObject({ state: 'running', phase: 'ready' });
  expect(a.sink.published.slice(heardOnA)).toEqual([]);
  expect(cloud.callsOf('runInstance')).toHaveLength(1);
  expect(b.leases.holderOf(`launch:${id}`)).toBeNull();
});
