/**
 * A project's policy end to end, as a small team (PRISM_USERS_FILE) on the
 * real service and moto: alice, the admin, allows one template and one size
 * and two workstations; bob, a member, is refused the rest before anything
 * reaches EC2, five of his launches at once get exactly the two places, a
 * resize past the allowed size is refused, and lifting the policy lets him
 * launch what it refused.
 */
import { DescribeInstancesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Workstation } from '../src/contract/api';
import type { ProjectPolicy } from '../src/contract/projects';
import { emulatorEc2 } from './support/moto';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';
import { isSettled, LIVE_STATES, waitForWorkstation } from './support/workstations';

const ALICE = 'alice-token-for-prism-tests';
const BOB = 'bob-token-for-prism-tests';
const CAROL = 'carol-token-for-prism-tests';
const DAVE = 'dave-token-for-prism-tests';
const SMALL = { template: 'amazon-linux', arch: 'x86_64', size: 'small', project: 'genomics' };

let prism: TestPrism;
let ec2: EC2Client;

beforeAll(async () => {
  const usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB },
    { user: 'carol', token: CAROL },
    { user: 'dave', token: DAVE }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile });
  ec2 = emulatorEc2(prism.moto.endpoint);
  await as(ALICE, '/projects', 'POST', { name: 'Genomics' });
  await as(ALICE, '/projects/genomics/members/bob', 'PUT', { role: 'member' });
  await as(ALICE, '/projects/genomics/members/carol', 'PUT', { role: 'viewer' });
}, 60_000);

afterAll(async () => {
  ec2?.destroy();
  await prism?.stop();
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> =>
  requestAs(prism, token, route, method, body);

/** The project's instances as EC2 (moto) holds them, not terminated. */
async function projectInstances(): Promise<{ id: string; type: string }[]> {
  const out = await ec2.send(
    new DescribeInstancesCommand({
      Filters: [
        { Name: 'tag:prism:project', Values: ['genomics'] },
        { Name: 'instance-state-name', Values: LIVE_STATES }
      ]
    })
  );
  return (out.Reservations ?? []).flatMap(r => r.Instances ?? []).map(i => ({ id: i.InstanceId as string, type: i.InstanceType as string }));
}

const projectWorkstations = async (): Promise<Workstation[]> => (await (await as(ALICE, '/instances?project=genomics')).json()) as Workstation[];

it('has no limits until an admin sets some, and shows them to everyone in the project', async () => {
  const res = await as(CAROL, '/projects/genomics/policy');
  expect(res.status).toBe(200);
  expect(await res.json()).toEqual({
    project: 'genomics',
    templates: null,
    maxWorkstations: null,
    maxWorkstationsPerMember: null,
    sizes: null,
    instanceTypes: null,
    workstations: 0,
    yourWorkstations: 0,
    setBy: null,
    setAt: null
  });
});

it('lets only the admin set it: a member gets 403, a stranger 404, a misspelt name or a bad number 400', async () => {
  const byBob = await as(BOB, '/projects/genomics/policy', 'PUT', { maxWorkstations: 10 });
  expect(byBob.status).toBe(403);
  expect(await byBob.json()).toMatchObject({ code: 'FORBIDDEN', hint: 'Ask a project admin (alice) to make you an admin.' });
  const byDave = await as(DAVE, '/projects/genomics/policy', 'PUT', { maxWorkstations: 10 });
  expect(byDave.status).toBe(404);
  expect(await byDave.json()).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
  expect((await as(DAVE, '/projects/genomics/policy')).status).toBe(404);

  const misspelt = await as(ALICE, '/projects/genomics/policy', 'PUT', { templates: ['amazon-linx'] });
  expect(misspelt.status).toBe(400);
  expect(await misspelt.json()).toMatchObject({ code: 'INVALID_REQUEST', hint: 'Did you mean "amazon-linux"?' });
  const badSize = await as(ALICE, '/projects/genomics/policy', 'PUT', { sizes: ['smal'] });
  expect(await badSize.json()).toMatchObject({ code: 'INVALID_REQUEST', hint: 'Did you mean "small"?' });
  for (const bad of [{ maxWorkstations: -1 }, { maxWorkstationsPerMember: 1.5 }, { maxWorkstations: '2' }, { instanceTypes: ['huge'] }, { quota: 3 }]) {
    const res = await as(ALICE, '/projects/genomics/policy', 'PUT', bad);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'INVALID_REQUEST' });
  }
  // Nothing refused was kept.
  expect(await (await as(BOB, '/projects/genomics/policy')).json()).toMatchObject({ templates: null, maxWorkstations: null, sizes: null, setBy: null });

  const set = await as(ALICE, '/projects/genomics/policy', 'PUT', { templates: ['amazon-linux'], sizes: ['small'], maxWorkstations: 2 });
  expect(set.status).toBe(200);
  expect(await set.json()).toMatchObject({
    project: 'genomics',
    templates: ['amazon-linux'],
    sizes: ['small'],
    instanceTypes: null,
    maxWorkstations: 2,
    maxWorkstationsPerMember: null,
    setBy: 'alice'
  });
});

it('refuses a template or a size the project does not allow, creating nothing', async () => {
  const ubuntu = await as(BOB, '/instances', 'POST', { ...SMALL, template: 'ubuntu', name: 'on-ubuntu' });
  expect(ubuntu.status).toBe(403);
  expect(await ubuntu.json()).toMatchObject({
    code: 'TEMPLATE_NOT_ALLOWED',
    hint: "Launch one of the templates the project allows: amazon-linux; or ask a project admin (alice) to allow it."
  });
  const large = await as(BOB, '/instances', 'POST', { ...SMALL, size: 'large', name: 'too-large' });
  expect(large.status).toBe(403);
  expect(await large.json()).toMatchObject({ code: 'SIZE_NOT_ALLOWED', hint: 'Choose a size the project allows: small; or ask a project admin (alice).' });
  // A size's name with another instance type is that instance type, and not allowed either.
  const dear = await as(BOB, '/instances', 'POST', { ...SMALL, instanceType: 'g5.4xlarge', name: 'dear' });
  expect(dear.status).toBe(403);
  expect(await dear.json()).toMatchObject({ code: 'SIZE_NOT_ALLOWED' });

  expect(await projectWorkstations()).toEqual([]);
  expect(await projectInstances()).toEqual([]);
});

it('gives exactly two of five simultaneous launches the two places, and refuses the rest with ALLOCATION_EXCEEDED', async () => {
  const answers = await Promise.all([1, 2, 3, 4, 5].map(n => as(BOB, '/instances', 'POST', { ...SMALL, name: `run-${n}` })));
  const statuses = answers.map(a => a.status).sort();
  expect(statuses).toEqual([202, 202, 409, 409, 409]);
  for (const refused of answers.filter(a => a.status === 409)) {
    expect(await refused.json()).toMatchObject({
      code: 'ALLOCATION_EXCEEDED',
      detail: "Project 'genomics' has 2 of its 2 workstations (stopped and hibernated ones count).",
      hint: "Terminate one of the project's workstations you no longer need, or ask a project admin (alice) to raise the allocation."
    });
  }
  const accepted = ((await Promise.all(answers.filter(a => a.status === 202).map(a => a.json()))) as { workstation: Workstation }[]).map(a => a.workstation);
  const ready = await Promise.all(
    accepted.map(w => waitForWorkstation(async () => (await (await as(BOB, `/instances/${w.id}`)).json()) as Workstation, isSettled, 180_000))
  );
  expect(ready.map(w => w.phase)).toEqual(['ready', 'ready']);
  expect((await projectWorkstations()).map(w => w.name).sort()).toEqual(accepted.map(w => w.name).sort());
  expect(await projectInstances()).toHaveLength(2);
  expect(await (await as(CAROL, '/projects/genomics/policy')).json()).toMatchObject({ workstations: 2, yourWorkstations: 0 });
  expect(await (await as(BOB, '/projects/genomics/policy')).json()).toMatchObject({ workstations: 2, yourWorkstations: 2 });

  // Once full, a later launch is refused too, and still nothing more reaches EC2.
  const later = await as(BOB, '/instances', 'POST', { ...SMALL, name: 'later' });
  expect(later.status).toBe(409);
  expect(await projectInstances()).toHaveLength(2);
}, 240_000);

it('refuses a resize to a size the project does not allow, leaving the workstation as it was', async () => {
  const [workstation] = await projectWorkstations();
  const refused = await as(BOB, `/instances/${workstation.id}/resize`, 'POST', { size: 'large' });
  expect(refused.status).toBe(403);
  expect(await refused.json()).toMatchObject({ code: 'SIZE_NOT_ALLOWED', hint: 'Choose a size the project allows: small; or ask a project admin (alice).' });
  expect(await (await as(BOB, `/instances/${workstation.id}`)).json()).toMatchObject({ state: 'running', size: 'small', instanceType: 't3.medium' });
  expect((await projectInstances()).map(i => i.type)).toEqual(['t3.medium', 't3.medium']);
});

it('counts per member: bob at his share is refused while the project has room', async () => {
  const set = await as(ALICE, '/projects/genomics/policy', 'PUT', { maxWorkstationsPerMember: 2 });
  expect(await set.json()).toMatchObject({ templates: null, sizes: null, maxWorkstations: null, maxWorkstationsPerMember: 2, workstations: 2 });
  const refused = await as(BOB, '/instances', 'POST', { ...SMALL, name: 'third' });
  expect(refused.status).toBe(409);
  expect(await refused.json()).toMatchObject({
    code: 'ALLOCATION_EXCEEDED',
    detail: "You have 2 of the 2 workstations each member may have in project 'genomics' (stopped and hibernated ones count)."
  });
  expect(await projectInstances()).toHaveLength(2);
});

it('lifts every limit when the policy is removed: bob launches the template and size it refused', async () => {
  const cleared = await as(ALICE, '/projects/genomics/policy', 'PUT', {
    templates: null,
    maxWorkstations: null,
    maxWorkstationsPerMember: null,
    sizes: null,
    instanceTypes: null
  });
  expect(await cleared.json()).toMatchObject({ templates: null, maxWorkstations: null, maxWorkstationsPerMember: null, sizes: null, instanceTypes: null });
  const launched = await as(BOB, '/instances', 'POST', { ...SMALL, template: 'ubuntu', size: 'large', name: 'on-ubuntu' });
  expect(launched.status).toBe(202);
  const { workstation } = (await launched.json()) as { workstation: Workstation };
  expect(workstation).toMatchObject({ template: 'ubuntu', size: 'large', project: 'genomics' });
  const settled = await waitForWorkstation(async () => (await (await as(BOB, `/instances/${workstation.id}`)).json()) as Workstation, isSettled, 180_000);
  expect(settled.phase).toBe('ready');
  expect(await projectInstances()).toHaveLength(3);
}, 240_000);
