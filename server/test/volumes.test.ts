/**
 * EFS volumes end to end against moto, as two people (PRISM_USERS_FILE):
 * alice creates a volume (an encrypted file system with mount targets),
 * attaches it at launch (her own access point, her uid and home directory;
 * the mount line in the user data; the workstation reaches ready), cannot
 * delete it while attached, and can once the workstation is terminated.
 * bob neither sees nor deletes it.
 */
import {
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client
} from '@aws-sdk/client-ec2';
import {
  DescribeAccessPointsCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetsCommand,
  EFSClient
} from '@aws-sdk/client-efs';
import { decodeUserData } from '../src/aws/user-data';
import type { Workstation } from '../src/contract/api';
import { posixUid, type VolumeRecord } from '../src/domain/volumes';
import { emulatorEc2 } from './support/moto';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';

const ALICE = 'alice-token-for-volume-tests';
const BOB = 'bob-token-for-volume-tests';

let prism: TestPrism;
let ec2: EC2Client;
let efs: EFSClient;

beforeAll(async () => {
  const usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile });
  ec2 = emulatorEc2(prism.moto.endpoint);
  efs = new EFSClient({ endpoint: prism.moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}, 60_000);

afterAll(async () => {
  ec2?.destroy();
  efs?.destroy();
  await prism?.stop();
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> =>
  requestAs(prism, token, route, method, body);

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

let volume: VolumeRecord;
let workstation: Workstation;

it('creates an encrypted file system with its lifecycle policy and mount targets in moto', async () => {
  const created = await as(ALICE, '/volumes', 'POST', { name: 'shared' });
  expect(created.status).toBe(201);
  volume = (await created.json()) as VolumeRecord;
  expect(volume).toMatchObject({ name: 'shared', owner: 'alice', project: null, fileSystemId: expect.stringMatching(/^fs-/) });

  const [fileSystem] = (await efs.send(new DescribeFileSystemsCommand({ FileSystemId: volume.fileSystemId as string }))).FileSystems ?? [];
  expect(fileSystem).toMatchObject({ Encrypted: true, CreationToken: volume.id });
  expect(fileSystem.Tags).toEqual(
    expect.arrayContaining([
      { Key: 'prism:volume', Value: volume.id },
      { Key: 'prism:owner', Value: 'alice' }
    ])
  );
  const lifecycle = await efs.send(new DescribeLifecycleConfigurationCommand({ FileSystemId: volume.fileSystemId as string }));
  expect(lifecycle.LifecyclePolicies).toEqual([{ TransitionToIA: 'AFTER_30_DAYS' }]);
  const targets = (await efs.send(new DescribeMountTargetsCommand({ FileSystemId: volume.fileSystemId as string }))).MountTargets ?? [];
  expect(targets.length).toBeGreaterThan(0);
  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
  const workstations = groups.find(g => g.GroupName === 'prism-workstations');
  const nfs = groups.find(g => g.GroupName === 'prism-efs');
  expect(nfs?.IpPermissions).toEqual([
    expect.objectContaining({ FromPort: 2049, ToPort: 2049, UserIdGroupPairs: [expect.objectContaining({ GroupId: workstations?.GroupId })] })
  ]);

  expect(await (await as(ALICE, '/volumes')).json()).toEqual([volume]);
  expect(await (await as(ALICE, `/volumes/${volume.id}`)).json()).toEqual(volume);
});

it('hides the volume from another user, who can neither see nor delete it', async () => {
  expect(await (await as(BOB, '/volumes')).json()).toEqual([]);
  const seen = await as(BOB, `/volumes/${volume.id}`);
  expect(seen.status).toBe(404);
  expect(await seen.json()).toMatchObject({ code: 'VOLUME_NOT_FOUND', hint: expect.any(String) });
  expect((await as(BOB, `/volumes/${volume.id}`, 'DELETE')).status).toBe(404);
});

it('attaches the volume at launch: her access point, the mount line in the user data, and ready', async () => {
  const launched = await as(ALICE, '/instances', 'POST', {
    name: 'with-volume',
    template: 'amazon-linux',
    arch: 'arm64',
    datasets: [{ efs: { volume: volume.id } }]
  });
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as { id: string };
  await until(
    async () => {
      workstation = (await (await as(ALICE, `/instances/${id}`)).json()) as Workstation;
      return workstation.phase === 'ready' || workstation.phase === 'failed';
    },
    120_000,
    'the workstation to be ready'
  );
  expect(workstation).toMatchObject({ phase: 'ready', error: null });

  const accessPoints = (await efs.send(new DescribeAccessPointsCommand({ FileSystemId: volume.fileSystemId as string }))).AccessPoints ?? [];
  expect(accessPoints).toHaveLength(1);
  const uid = posixUid('alice');
  expect(uid).toBeGreaterThanOrEqual(10_000);
  expect(uid).toBeLessThan(60_000);
  expect(accessPoints[0]).toMatchObject({
    PosixUser: { Uid: uid, Gid: uid },
    RootDirectory: { Path: '/home/alice', CreationInfo: { OwnerUid: uid, OwnerGid: uid, Permissions: '0750' } }
  });

  const instance = (await ec2.send(new DescribeInstancesCommand({ InstanceIds: [workstation.instanceId as string] }))).Reservations?.[0]?.Instances?.[0];
  const attribute = await ec2.send(new DescribeInstanceAttributeCommand({ InstanceId: instance?.InstanceId, Attribute: 'userData' }));
  const userData = decodeUserData(attribute.UserData?.Value ?? '');
  expect(userData).toContain('mount -t efs -o "tls,accesspoint=$access_point" "$file_system:/" "$mount_point"');
  expect(userData).toContain(`mount_volume '${volume.fileSystemId}' '${accessPoints[0].AccessPointId}' '/mnt/efs/shared'`);
  expect(userData).toContain('dnf install -y -q amazon-efs-utils');

  const events = (await (await as(ALICE, `/instances/${id}/events`)).json()) as { line?: string }[];
  expect(events.some(e => e.line?.includes(`dry-run: mount -t efs -o tls,accesspoint=${accessPoints[0].AccessPointId}`))).toBe(true);
}, 150_000);

it('refuses to delete the volume while the workstation has it attached, and deletes it after terminate', async () => {
  const refused = await as(ALICE, `/volumes/${volume.id}`, 'DELETE');
  expect(refused.status).toBe(409);
  expect(await refused.json()).toMatchObject({ code: 'VOLUME_IN_USE', hint: expect.stringContaining('Terminate') });

  expect((await as(ALICE, `/instances/${workstation.id}`, 'DELETE')).status).toBe(200);
  await until(
    async () => ((await (await as(ALICE, `/instances/${workstation.id}`)).json()) as Workstation).state === 'terminated',
    30_000,
    'the workstation to be terminated'
  );
  expect((await as(ALICE, `/volumes/${volume.id}`, 'DELETE')).status).toBe(204);
  expect((await as(ALICE, `/volumes/${volume.id}`)).status).toBe(404);
  const left = await efs.send(new DescribeFileSystemsCommand({})).then(answer => answer.FileSystems ?? []);
  expect(left.find(fs => fs.FileSystemId === volume.fileSystemId)).toBeUndefined();
}, 60_000);
