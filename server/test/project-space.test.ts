/**
 * The project's shared space end to end against moto, with the emulated boot
 * and its agent (every second). A project admin makes the space: one file
 * system tagged with the project and one access point per person in it, each
 * with their own uid, the project's gid (a viewer: their own), rooted at the
 * project folder made 2775 with the project's gid. A workstation running
 * before the space gets it at /project through its agent; one launched after
 * mounts it at launch through its owner's access point. The space cannot be
 * deleted while workstations use it. A viewer made member gets a writing
 * access point for her read-only one. A member who leaves loses their access
 * point, and their workstation unmounts the space.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DescribeInstanceAttributeCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { DescribeAccessPointsCommand, DescribeFileSystemsCommand, EFSClient, type AccessPointDescription } from '@aws-sdk/client-efs';
import { decodeUserData } from '../src/aws/user-data';
import type { Workstation } from '../src/contract/api';
import type { ProjectSpace } from '../src/contract/team';
import { EMULATED_MOUNT_MARKER } from '../src/domain/mount-spec';
import { emulatorEc2 } from './support/moto';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';

const ALICE = 'alice-token-for-space-tests';
const BOB = 'bob-token-for-space-tests';
const VERA = 'vera-token-for-space-tests';
const SAM = 'sam-token-for-space-tests';

let prism: TestPrism;
let efs: EFSClient;
let ec2: EC2Client;
let space: ProjectSpace;
let alices: Workstation;
let bobs: Workstation;
const previousInterval = process.env.PRISM_AGENT_INTERVAL_SECONDS;

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> => requestAs(prism, token, route, method, body);

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

async function launchReady(token: string, name: string): Promise<Workstation> {
  const launched = await as(token, '/instances', 'POST', { name, template: 'amazon-linux', arch: 'arm64', project: 'space-lab' });
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as Workstation;
  let ws: Workstation | undefined;
  await until(
    async () => {
      ws = (await (await as(token, `/instances/${id}`)).json()) as Workstation;
      return ws.phase === 'ready' || ws.phase === 'failed';
    },
    150_000,
    `${name} to be ready`
  );
  expect(ws).toMatchObject({ phase: 'ready', state: 'running', error: null });
  return ws as Workstation;
}

/** Whether the emulated workstation has the space mounted (its dry-run mount leaves the marker). */
function mounted(ws: Workstation): boolean {
  return fs.existsSync(path.join(prism.dataDir, 'emulated-workstations', ws.id, 'root', 'project', EMULATED_MOUNT_MARKER));
}

async function accessPoints(): Promise<AccessPointDescription[]> {
  return (await efs.send(new DescribeAccessPointsCommand({ FileSystemId: space.fileSystemId as string }))).AccessPoints ?? [];
}

const ownerOf = (ap: AccessPointDescription): string | undefined => ap.Tags?.find(t => t.Key === 'prism:owner')?.Value;

beforeAll(async () => {
  process.env.PRISM_AGENT_INTERVAL_SECONDS = '1';
  const usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB },
    { user: 'vera', token: VERA },
    { user: 'sam', token: SAM }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile });
  efs = new EFSClient({ endpoint: prism.moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  ec2 = emulatorEc2(prism.moto.endpoint);
  expect((await as(ALICE, '/projects', 'POST', { name: 'Space Lab' })).status).toBe(201);
  expect((await as(ALICE, '/projects/space-lab/members/bob', 'PUT', { role: 'member' })).status).toBe(200);
  expect((await as(ALICE, '/projects/space-lab/members/vera', 'PUT', { role: 'viewer' })).status).toBe(200);
}, 60_000);

afterAll(async () => {
  if (previousInterval === undefined) delete process.env.PRISM_AGENT_INTERVAL_SECONDS;
  else process.env.PRISM_AGENT_INTERVAL_SECONDS = previousInterval;
  efs?.destroy();
  ec2?.destroy();
  await prism?.stop();
});

it('has no space until a project admin makes one; a member may not, a stranger does not see the project', async () => {
  const none = await as(BOB, '/projects/space-lab/space');
  expect(none.status).toBe(404);
  expect(await none.json()).toMatchObject({ code: 'PROJECT_SPACE_NOT_FOUND', hint: expect.stringContaining('POST /projects/space-lab/space') });
  expect((await as(BOB, '/projects/space-lab/space', 'POST')).status).toBe(403);
  expect((await as(SAM, '/projects/space-lab/space', 'POST')).status).toBe(404);
  expect((await efs.send(new DescribeFileSystemsCommand({}))).FileSystems ?? []).toEqual([]);
});

it('launches alice’s project workstation before the space exists, without /project', async () => {
  alices = await launchReady(ALICE, 'before-space');
  expect(mounted(alices)).toBe(false);
}, 180_000);

it('makes the file system tagged with the project, and one access point per person: their uid, the project gid, the 2775 folder', async () => {
  const made = await as(ALICE, '/projects/space-lab/space', 'POST');
  expect(made.status).toBe(201);
  space = (await made.json()) as ProjectSpace;
  expect(space).toMatchObject({ project: 'space-lab', path: '/projects/space-lab', mountPoint: '/project', fileSystemId: expect.stringMatching(/^fs-/) });
  expect(space.access.map(a => [a.user, a.readOnly])).toEqual([
    ['alice', false],
    ['bob', false],
    ['vera', true]
  ]);
  expect((await as(ALICE, '/projects/space-lab/space', 'POST')).status).toBe(200);

  const [fileSystem] = (await efs.send(new DescribeFileSystemsCommand({ FileSystemId: space.fileSystemId as string }))).FileSystems ?? [];
  expect(fileSystem.Tags).toEqual(expect.arrayContaining([{ Key: 'prism:project', Value: 'space-lab' }]));
  const points = await accessPoints();
  expect(points.map(ownerOf).sort()).toEqual(['alice', 'bob', 'vera']);
  const uids = new Set<number>();
  for (const access of space.access) {
    const ap = points.find(p => p.AccessPointId === access.accessPointId) as AccessPointDescription;
    expect(ownerOf(ap)).toBe(access.user);
    expect(ap.PosixUser).toEqual({ Uid: access.uid, Gid: access.readOnly ? access.uid : space.gid });
    expect(ap.RootDirectory).toEqual({ Path: '/projects/space-lab', CreationInfo: { OwnerUid: 0, OwnerGid: space.gid, Permissions: '2775' } });
    uids.add(access.uid);
  }
  expect(uids.size).toBe(3);
  expect(uids.has(space.gid)).toBe(false);

  const veraSees = (await (await as(VERA, '/projects/space-lab/space')).json()) as ProjectSpace;
  expect(veraSees.access).toEqual([space.access.find(a => a.user === 'vera')]);
  expect((await as(SAM, '/projects/space-lab/space')).status).toBe(404);
});

it('mounts the new space on the workstation already running, through its agent', async () => {
  await until(() => mounted(alices), 30_000, '/project mounted on alice’s running workstation');
  const id = await spaceId();
  expect(id).toMatch(/^space-/);
  const events = (await (await as(ALICE, `/instances/${alices.id}/events`)).json()) as { kind: string; line?: string }[];
  expect(events.some(e => e.line === `mounted ${id} at /project`)).toBe(true);
}, 60_000);

it('mounts the space at launch through the launching member’s own access point', async () => {
  bobs = await launchReady(BOB, 'after-space');
  const bobsPoint = space.access.find(a => a.user === 'bob')?.accessPointId;
  const attribute = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: bobs.instanceId as string, Attribute: 'userData' }));
  const userData = decodeUserData(attribute.UserData?.Value ?? '');
  expect(userData).toContain(`mount_volume '${space.fileSystemId}' '${bobsPoint}' '/project'`);
  expect(mounted(bobs)).toBe(true);
}, 180_000);

it('refuses to delete the space while the project’s workstations use it', async () => {
  const refused = await as(ALICE, '/projects/space-lab/space', 'DELETE');
  expect(refused.status).toBe(409);
  expect(await refused.json()).toMatchObject({ code: 'PROJECT_SPACE_IN_USE', detail: expect.stringContaining('after-space'), hint: expect.any(String) });
  expect((await accessPoints()).length).toBe(3);
});

it('replaces a viewer’s read-only access point with a writing one when she becomes a member', async () => {
  const before = space.access.find(a => a.user === 'vera') as ProjectSpace['access'][number];
  expect((await as(ALICE, '/projects/space-lab/members/vera', 'PUT', { role: 'member' })).status).toBe(200);
  await until(
    async () => {
      const points = await accessPoints();
      return !points.some(ap => ap.AccessPointId === before.accessPointId) && points.some(ap => ownerOf(ap) === 'vera');
    },
    30_000,
    'vera’s read-only access point replaced'
  );
  const now = (await accessPoints()).find(ap => ownerOf(ap) === 'vera') as AccessPointDescription;
  expect(now.PosixUser).toEqual({ Uid: before.uid, Gid: space.gid });
  let veraSees: ProjectSpace | undefined;
  await until(
    async () => {
      veraSees = (await (await as(VERA, '/projects/space-lab/space')).json()) as ProjectSpace;
      return veraSees.access[0]?.accessPointId === now.AccessPointId;
    },
    10_000,
    'the space to list vera’s new access point'
  );
  expect(veraSees?.access).toEqual([{ user: 'vera', uid: before.uid, accessPointId: now.AccessPointId, readOnly: false }]);
});

it('deletes a leaving member’s access point, and their workstation unmounts the space', async () => {
  const bobsPoint = space.access.find(a => a.user === 'bob')?.accessPointId;
  expect((await as(ALICE, '/projects/space-lab/members/bob', 'DELETE')).status).toBe(204);
  await until(async () => !(await accessPoints()).some(ap => ap.AccessPointId === bobsPoint), 30_000, 'bob’s access point deleted');
  expect((await accessPoints()).map(ownerOf).sort()).toEqual(['alice', 'vera']);
  await until(() => !mounted(bobs), 30_000, '/project unmounted from bob’s workstation');
  expect(mounted(alices)).toBe(true);
  const left = (await (await as(ALICE, '/projects/space-lab/space')).json()) as ProjectSpace;
  expect(left.access.map(a => a.user)).toEqual(['alice', 'vera']);
}, 60_000);

it('deletes the space, file system and all, once the workstations are terminated', async () => {
  expect((await as(ALICE, `/instances/${alices.id}`, 'DELETE')).status).toBe(200);
  expect((await as(BOB, `/instances/${bobs.id}`, 'DELETE')).status).toBe(200);
  const deleted = await as(ALICE, '/projects/space-lab/space', 'DELETE');
  expect(deleted.status).toBe(204);
  expect((await efs.send(new DescribeFileSystemsCommand({}))).FileSystems ?? []).toEqual([]);
  expect((await as(ALICE, '/projects/space-lab/space')).status).toBe(404);
}, 60_000);

/** The space's id, as the agent names its source (`prism:volume` on the file system). */
async function spaceId(): Promise<string | undefined> {
  const [fileSystem] = (await efs.send(new DescribeFileSystemsCommand({ FileSystemId: space.fileSystemId as string }))).FileSystems ?? [];
  return fileSystem.Tags?.find(t => t.Key === 'prism:volume')?.Value;
}
