/**
 * Snapshots of a workstation's root volume end to end against moto, as three
 * people (PRISM_USERS_FILE): alice owns a workstation in her project, carol
 * is a viewer of that project, bob is in neither. A snapshot on request
 * carries Prism's tags in EC2 and shows in GET /snapshots; a schedule, driven
 * through the app's scheduler at chosen times, keeps only `keep`; a restore
 * makes an EBS volume from the snapshot in the workstation's zone; bob gets
 * 404s, and carol cannot delete.
 */
import { DescribeInstancesCommand, DescribeSnapshotsCommand, DescribeVolumesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import type { Workstation } from '../src/contract/api';
import type { RestoredVolume, Snapshot, SnapshotSchedule } from '../src/contract/storage';
import { emulatorEc2 } from './support/moto';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';

const ALICE = 'alice-token-for-snapshot-tests';
const BOB = 'bob-token-for-snapshot-tests';
const CAROL = 'carol-token-for-snapshot-tests';
const HOUR = 3_600_000;

let prism: TestPrism;
let ec2: EC2Client;
let workstation: Workstation;
let manual: Snapshot;

beforeAll(async () => {
  const usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB },
    { user: 'carol', token: CAROL }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile });
  ec2 = emulatorEc2(prism.moto.endpoint);
  expect((await as(ALICE, '/projects', 'POST', { name: 'Genomics' })).status).toBe(201);
  expect((await as(ALICE, '/projects/genomics/members/carol', 'PUT', { role: 'viewer' })).status).toBe(200);
  const launched = await as(ALICE, '/instances', 'POST', { name: 'sequencer', template: 'amazon-linux', arch: 'arm64', project: 'genomics' });
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as { id: string };
  await until(
    async () => {
      workstation = (await (await as(ALICE, `/instances/${id}`)).json()) as Workstation;
      return (workstation.state === 'running' && workstation.instanceId !== null) || workstation.phase === 'failed';
    },
    120_000,
    'the workstation to run'
  );
  expect(workstation).toMatchObject({ state: 'running', error: null });
}, 180_000);

afterAll(async () => {
  ec2?.destroy();
  await prism?.stop();
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> => requestAs(prism, token, route, method, body);

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

async function ebsSnapshotsOf(workstationId: string) {
  const answer = await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag:prism:launch', Values: [workstationId] }] }));
  return answer.Snapshots ?? [];
}

it('takes a snapshot on request, tagged in EC2, and lists it for its owner and the project', async () => {
  const taken = await as(ALICE, `/instances/${workstation.id}/snapshots`, 'POST', { description: 'before the upgrade' });
  expect(taken.status).toBe(202);
  manual = (await taken.json()) as Snapshot;
  expect(manual).toMatchObject({
    workstationId: workstation.id,
    owner: 'alice',
    project: 'genomics',
    trigger: 'request',
    description: 'before the upgrade',
    sizeGiB: 30,
    ebsSnapshotId: expect.stringMatching(/^snap-/),
    availabilityZone: expect.stringMatching(/^us-east-1[a-f]$/)
  });

  const [inEc2] = (await ec2.send(new DescribeSnapshotsCommand({ SnapshotIds: [manual.ebsSnapshotId as string] }))).Snapshots ?? [];
  expect(inEc2.Tags).toEqual(
    expect.arrayContaining([
      { Key: 'prism:launch', Value: workstation.id },
      { Key: 'prism:owner', Value: 'alice' },
      { Key: 'prism:project', Value: 'genomics' },
      { Key: 'prism:snapshot', Value: manual.id }
    ])
  );
  const [instance] = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [workstation.instanceId as string] }))).Reservations?.[0]?.Instances ?? [];
  const rootVolume = instance.BlockDeviceMappings?.find(m => m.DeviceName === instance.RootDeviceName)?.Ebs?.VolumeId;
  expect(inEc2.VolumeId).toBe(rootVolume);

  const listed = (await (await as(ALICE, '/snapshots')).json()) as Snapshot[];
  expect(listed).toEqual([expect.objectContaining({ id: manual.id, state: 'completed' })]);
  expect(((await (await as(CAROL, '/snapshots')).json()) as Snapshot[]).map(s => s.id)).toEqual([manual.id]);
});

it('hides the workstation and its snapshot from a stranger, as 404s', async () => {
  expect(await (await as(BOB, '/snapshots')).json()).toEqual([]);
  for (const [route, method] of [
    [`/snapshots/${manual.id}`, 'GET'],
    [`/snapshots/${manual.id}`, 'DELETE'],
    [`/snapshots/${manual.id}/restore`, 'POST']
  ]) {
    const answer = await as(BOB, route, method, method === 'GET' ? undefined : {});
    expect(answer.status).toBe(404);
    expect(await answer.json()).toMatchObject({ code: 'SNAPSHOT_NOT_FOUND', hint: expect.any(String) });
  }
  const taking = await as(BOB, `/instances/${workstation.id}/snapshots`, 'POST', {});
  expect(taking.status).toBe(404);
  expect(await taking.json()).toMatchObject({ code: 'WORKSTATION_NOT_FOUND' });
  expect((await as(BOB, `/instances/${workstation.id}/snapshot-schedule`, 'PUT', { everyHours: 1, keep: 1 })).status).toBe(404);
  expect(await ebsSnapshotsOf(workstation.id)).toHaveLength(1);
});

it('lets a viewer of the project see but neither delete nor take snapshots', async () => {
  const deleting = await as(CAROL, `/snapshots/${manual.id}`, 'DELETE');
  expect(deleting.status).toBe(403);
  expect(await deleting.json()).toMatchObject({ code: 'FORBIDDEN', hint: expect.stringContaining('owner or a project admin') });
  const taking = await as(CAROL, `/instances/${workstation.id}/snapshots`, 'POST', {});
  expect(taking.status).toBe(403);
  expect((await ebsSnapshotsOf(workstation.id)).map(s => s.SnapshotId)).toEqual([manual.ebsSnapshotId]);
});

it('refuses a schedule it cannot keep, with the field named', async () => {
  const refused = await as(ALICE, `/instances/${workstation.id}/snapshot-schedule`, 'PUT', { everyHours: 0, keep: 2 });
  expect(refused.status).toBe(400);
  expect(await refused.json()).toMatchObject({ code: 'INVALID_REQUEST', detail: expect.stringContaining('everyHours') });
  expect((await as(ALICE, `/instances/${workstation.id}/snapshot-schedule`)).status).toBe(404);
});

it('snapshots on a schedule and keeps only the newest `keep` scheduled ones, leaving the one taken by hand', async () => {
  const set = await as(ALICE, `/instances/${workstation.id}/snapshot-schedule`, 'PUT', { everyHours: 6, keep: 2 });
  expect(set.status).toBe(200);
  const schedule = (await set.json()) as SnapshotSchedule;
  expect(schedule).toMatchObject({ workstationId: workstation.id, everyHours: 6, keep: 2, lastRunAt: null });
  expect(await (await as(CAROL, `/instances/${workstation.id}/snapshot-schedule`)).json()).toEqual(schedule);

  const scheduler = prism.service.app.storage?.schedules;
  if (!scheduler) throw new Error('the service has no snapshot scheduler');
  const start = Date.parse(schedule.nextRunAt) + 60_000;
  const runs = [0, 6, 7, 12, 18].map(h => new Date(start + h * HOUR));
  for (const at of runs) await scheduler.runDue(at);

  // Due at 0, 6, 12 and 18 h (7 h is not due): four taken, the two oldest deleted.
  const scheduled = ((await (await as(ALICE, '/snapshots')).json()) as Snapshot[]).filter(s => s.trigger === 'schedule');
  expect(scheduled.map(s => s.createdAt)).toEqual([runs[3].toISOString(), runs[4].toISOString()]);
  const inEc2 = await ebsSnapshotsOf(workstation.id);
  expect(inEc2.map(s => s.SnapshotId).sort()).toEqual([manual.ebsSnapshotId, ...scheduled.map(s => s.ebsSnapshotId)].sort());
  expect(await (await as(ALICE, `/instances/${workstation.id}/snapshot-schedule`)).json()).toMatchObject({
    lastRunAt: runs[4].toISOString(),
    nextRunAt: new Date(runs[4].getTime() + 6 * HOUR).toISOString()
  });

  expect((await as(CAROL, `/instances/${workstation.id}/snapshot-schedule`, 'DELETE')).status).toBe(403);
  expect((await as(ALICE, `/instances/${workstation.id}/snapshot-schedule`, 'DELETE')).status).toBe(204);
  expect((await as(ALICE, `/instances/${workstation.id}/snapshot-schedule`)).status).toBe(404);
});

it('restores a snapshot into a new EBS volume in the workstation zone', async () => {
  const restored = await as(ALICE, `/snapshots/${manual.id}/restore`, 'POST', {});
  expect(restored.status).toBe(201);
  const volume = (await restored.json()) as RestoredVolume;
  expect(volume).toMatchObject({
    id: expect.stringMatching(/^vol-/),
    snapshotId: manual.id,
    owner: 'alice',
    availabilityZone: manual.availabilityZone,
    sizeGiB: 30,
    state: 'available',
    howToUse: expect.stringContaining('attach-volume')
  });
  const [inEc2] = (await ec2.send(new DescribeVolumesCommand({ VolumeIds: [volume.id] }))).Volumes ?? [];
  expect(inEc2).toMatchObject({ SnapshotId: manual.ebsSnapshotId, AvailabilityZone: manual.availabilityZone, Size: 30, VolumeType: 'gp3', State: 'available' });
  expect(inEc2.Tags).toEqual(expect.arrayContaining([{ Key: 'prism:snapshot', Value: manual.id }, { Key: 'prism:owner', Value: 'alice' }]));
});

it('deletes a snapshot for its owner, in EC2 too', async () => {
  expect((await as(ALICE, `/snapshots/${manual.id}`, 'DELETE')).status).toBe(204);
  expect((await as(ALICE, `/snapshots/${manual.id}`)).status).toBe(404);
  expect((await ebsSnapshotsOf(workstation.id)).map(s => s.SnapshotId)).not.toContain(manual.ebsSnapshotId);
});
