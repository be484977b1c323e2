/**
 * Instances Prism lost track of (its database was lost): only an admin sees
 * them; adopting one puts it back in its owner's list with its Jupyter token
 * read back from the user data; terminating one stops its cost.
 */
import { openTestDatabase } from '../store/testing/test-database';
import { SqlWorkstationStore } from '../store/workstation-store';
import { Orphans } from './orphans';
import { reconcileWithCloud } from './reconcile';
import type { Caller } from './ports';
import { OWNER, launchReady, network, silentLogger, startDomain, stopDomains, type Domain } from './testing/harness';

afterEach(stopDomains);

const admin: Caller = { user: 'root', roles: ['admin'], projects: [] };
const researcher: Caller = { user: OWNER, roles: [], projects: [] };

/** A launch, then the service starts again on an empty database, against the same cloud. */
async function lostDatabase(): Promise<{ before: Domain; after: Domain; orphans: Orphans }> {
  const before = startDomain();
  await launchReady(before);
  await launchReady(before, { name: 'second' });
  const after = startDomain({ cloud: before.cloud, store: new SqlWorkstationStore(openTestDatabase(':memory:')) });
  const orphans = new Orphans({ ...after, network, logger: silentLogger(), region: 'us-east-1' });
  return { before, after, orphans };
}

it('lists the instances no record knows, with their tags, state, type and launch time, to admins only', async () => {
  const { before, orphans } = await lostDatabase();
  const [first] = before.store.listAll();
  const listed = await orphans.listOrphans(admin);
  expect(listed).toHaveLength(2);
  expect(listed[0]).toEqual({
    instanceId: first.instanceId,
    launchId: first.id,
    name: 'thesis-analysis',
    owner: OWNER,
    project: null,
    template: 'python-ml',
    templateVersion: '1.2.0',
    state: 'running',
    instanceType: 't4g.medium',
    launchTime: '2025-03-01T09:00:00.000Z'
  });
  await expect(orphans.listOrphans(researcher)).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403, hint: expect.stringContaining('admin') });
});

it('adopts an orphan into its owner’s list, ready, with the Jupyter token it was launched with', async () => {
  const { before, after, orphans } = await lostDatabase();
  const [first] = before.store.listAll();
  const adopted = await orphans.adoptOrphan(admin, first.instanceId as string);
  expect(adopted).toMatchObject({ id: first.id, name: 'thesis-analysis', owner: OWNER, template: 'python-ml', phase: 'ready', state: 'running', hibernation: true });
  expect(after.workstations.listWorkstations(OWNER).map(w => w.id)).toEqual([first.id]);
  expect(after.store.get(first.id)?.jupyterToken).toBe(first.jupyterToken);
  expect(after.workstations.connectionOf(OWNER, first.id).jupyterUrl).toContain(`token=${first.jupyterToken}`);
  expect((await orphans.listOrphans(admin)).map(o => o.launchId)).not.toContain(first.id);
  await expect(orphans.adoptOrphan(admin, first.instanceId as string)).rejects.toMatchObject({ code: 'ORPHAN_NOT_FOUND', status: 404 });
});

it('terminates an orphan and removes its role', async () => {
  const { before, orphans } = await lostDatabase();
  const [, second] = before.store.listAll();
  before.cloud.roles.set(second.id, { launchId: second.id, owner: OWNER, datasets: [], reportBucket: null });
  expect(await orphans.terminateOrphan(admin, second.instanceId as string)).toEqual({ instanceId: second.instanceId, launchId: second.id, state: 'terminated' });
  expect(before.cloud.instances.get(second.instanceId as string)?.state).toBe('terminated');
  expect(before.cloud.roles.has(second.id)).toBe(false);
  expect(await orphans.listOrphans(admin)).toHaveLength(1);
});

it('is not fooled by an instance that has a record', async () => {
  const { before } = await lostDatabase();
  const orphans = new Orphans({ ...before, network, logger: silentLogger(), region: 'us-east-1' });
  expect(await orphans.listOrphans(admin)).toEqual([]);
  expect(await reconcileWithCloud(before.store, before.cloud, before.timeline, silentLogger())).toBe(0);
});
