import type { WorkstationState } from '../contract/events';
import type { CloudInstanceState, WorkstationRecord } from './ports';
import { reconcileWithCloud } from './reconcile';
import { launchReady, OWNER, silentLogger, startDomain, stopDomains, workstationRecord, type Domain } from './testing/harness';

afterEach(stopDomains);

let n = 0;

/** A settled workstation in the store, and its instance in the cloud in `cloudState` (or gone). */
function workstationWith(
  domain: Domain,
  cloudState: CloudInstanceState | 'gone',
  overrides: Partial<WorkstationRecord> = {}
): string {
  const id = `ws-reconcile-${++n}`;
  const instance = domain.cloud.seedInstance(id, cloudState === 'gone' ? 'running' : cloudState);
  if (cloudState === 'gone') {
    domain.cloud.forget(instance.instanceId);
  }
  domain.store.insert(workstationRecord({ id, name: id, instanceId: instance.instanceId, ...overrides }));
  return id;
}

const reconcile = (domain: Domain): Promise<number> =>
  reconcileWithCloud(domain.store, domain.cloud, domain.timeline, silentLogger());

const stateOf = (domain: Domain, id: string): WorkstationState | undefined => domain.store.get(id)?.state;

describe('reconciling with the cloud on start-up', () => {
  it('marks a ready workstation terminated when its instance is gone from the cloud', async () => {
    const domain = startDomain();
    const id = workstationWith(domain, 'gone');
    expect(await reconcile(domain)).toBe(1);
    expect(stateOf(domain, id)).toBe('terminated');
  });

  it.each(['terminated', 'shutting-down'] as const)('marks a ready workstation terminated when its instance is %s', async cloudState => {
    const domain = startDomain();
    const id = workstationWith(domain, cloudState);
    await reconcile(domain);
    expect(stateOf(domain, id)).toBe('terminated');
  });

  it('marks a running workstation stopped when its instance was stopped while the service was down', async () => {
    const domain = startDomain();
    const id = workstationWith(domain, 'stopped');
    await reconcile(domain);
    expect(stateOf(domain, id)).toBe('stopped');
  });

  it('marks a stopped workstation running when its instance was started from the console', async () => {
    const domain = startDomain();
    const id = workstationWith(domain, 'running', { state: 'stopped' });
    await reconcile(domain);
    expect(stateOf(domain, id)).toBe('running');
  });

  it('keeps a hibernated workstation hibernated when the cloud shows its instance stopped', async () => {
    const domain = startDomain();
    const id = workstationWith(domain, 'stopped', { state: 'hibernated' });
    expect(await reconcile(domain)).toBe(0);
    expect(stateOf(domain, id)).toBe('hibernated');
  });

  it('changes nothing and tells no one when the cloud agrees', async () => {
    const domain = startDomain();
    const running = workstationWith(domain, 'running');
    const stopped = workstationWith(domain, 'stopped', { state: 'stopped' });
    expect(await reconcile(domain)).toBe(0);
    expect([stateOf(domain, running), stateOf(domain, stopped)]).toEqual(['running', 'stopped']);
    expect(domain.sink.published).toEqual([]);
  });

  it('tells the owner of each change, and stores it for replay', async () => {
    const domain = startDomain();
    const id = workstationWith(domain, 'gone');
    await reconcile(domain);
    expect(domain.sink.published).toEqual([{ owner: OWNER, event: expect.objectContaining({ kind: 'state', id, state: 'terminated' }) }]);
    expect(domain.store.events(id)).toEqual([expect.objectContaining({ kind: 'state', state: 'terminated' })]);
  });

  it('leaves an unfinished launch to be resumed, and failed or terminated workstations as they are', async () => {
    const domain = startDomain();
    const launching = workstationWith(domain, 'gone', { state: 'pending', phase: 'bootstrap', percent: 40 });
    const failed = workstationWith(domain, 'gone', { state: 'failed', phase: 'failed' });
    const terminated = workstationWith(domain, 'running', { state: 'terminated' });
    expect(await reconcile(domain)).toBe(0);
    expect([stateOf(domain, launching), stateOf(domain, failed), stateOf(domain, terminated)]).toEqual([
      'pending',
      'failed',
      'terminated'
    ]);
  });

  it('shows as terminated a launched workstation whose instance was terminated in the console', async () => {
    const domain = startDomain();
    const record = await launchReady(domain);
    domain.cloud.setState(record.instanceId as string, 'terminated');
    const restarted = startDomain({ store: domain.store, cloud: domain.cloud });
    expect(await reconcile(restarted)).toBe(1);
    expect(restarted.workstations.getWorkstation(OWNER, record.id).state).toBe('terminated');
  });
});
