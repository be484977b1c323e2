import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DescribeSecurityGroupsCommand, DescribeVolumesCommand } from '@aws-sdk/client-ec2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../src/aws/clients';
import { createAwsCloud } from '../src/aws/cloud';
import { createS3BootReportInbox, reportKey } from '../src/aws/boot-report-inbox';
import type { Cloud, RunInstanceSpec } from '../src/domain/ports';
import { createLogger } from '../src/logger';
import { startMoto, type Moto } from './support/moto';

const AL2023 = (arch: string) => ({
  ssmParameter: `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${arch}`
});
const logger = createLogger('silent');

let moto: Moto;
let clients: AwsClients;
let cloud: Cloud;
let dataDir: string;

beforeAll(async () => {
  moto = await startMoto();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'prism-aws-'));
  clients = createAwsClients({ region: 'us-east-1', awsEndpoint: moto.endpoint });
  cloud = createAwsCloud({ clients, config: { dataDir, ingressCidr: undefined }, logger });
});

afterAll(async () => {
  destroyAwsClients(clients);
  await moto?.stop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

async function launchSpec(launchId: string, arch: 'arm64' | 'x86_64' = 'arm64'): Promise<RunInstanceSpec> {
  const [image, securityGroupId, key] = await Promise.all([
    cloud.resolveImage(AL2023(arch), arch),
    cloud.ensureSecurityGroup(),
    cloud.ensureKeyPair('ada')
  ]);
  return {
    launchId,
    imageId: image.imageId,
    instanceType: arch === 'arm64' ? 't4g.medium' : 't3.medium',
    securityGroupId,
    keyName: key.keyName,
    userData: '#!/bin/bash\necho "hello from prism"\n',
    rootVolumeGiB: 40,
    tags: { 'prism:launch': launchId, 'prism:owner': 'ada', 'prism:project': 'genomics', 'prism:template': 'python' }
  };
}

describe('the AWS cloud against moto', () => {
  it.each(['arm64', 'x86_64'] as const)('resolves the Amazon Linux 2023 image for %s', async arch => {
    const image = await cloud.resolveImage(AL2023(arch), arch);
    expect(image.imageId).toMatch(/^ami-/);
    expect(image.arch).toBe(arch);
  });

  it('falls back to searching images by owner and name when the parameter is missing', async () => {
    const image = await cloud.resolveImage(
      { ssmParameter: '/prism/no-such-parameter', owner: 'amazon', namePattern: 'al2023-ami-2023*' },
      'x86_64'
    );
    expect(image.arch).toBe('x86_64');
    expect(image.name).toMatch(/^al2023-ami-2023/);
  });

  it('says the image is not found when neither the parameter nor a name search gives one', async () => {
    await expect(cloud.resolveImage({ ssmParameter: '/prism/no-such-parameter' }, 'arm64')).rejects.toMatchObject({
      code: 'IMAGE_NOT_FOUND'
    });
  });

  it('refuses a parameter that names an image of the other architecture', async () => {
    await expect(cloud.resolveImage(AL2023('x86_64'), 'arm64')).rejects.toMatchObject({ code: 'IMAGE_ARCH_MISMATCH' });
  });

  it.each([
    ['t4g.medium', 'arm64'],
    ['m7g.large', 'arm64'],
    ['c7g.large', 'arm64'],
    ['t3.medium', 'x86_64'],
    ['m7i.large', 'x86_64'],
    ['c7i.large', 'x86_64']
  ])('knows %s runs %s', async (instanceType, arch) => {
    const info = await cloud.describeInstanceType(instanceType);
    expect(info.arches).toEqual([arch]);
    expect(info.vcpus).toBeGreaterThan(0);
    expect(info.memoryGiB).toBeGreaterThan(0);
  });

  it('gives the vCPUs and memory of m7g.large', async () => {
    expect(await cloud.describeInstanceType('m7g.large')).toEqual({
      instanceType: 'm7g.large',
      arches: ['arm64'],
      vcpus: 2,
      memoryGiB: 8
    });
  });

  it('refuses an instance type AWS does not have, with a hint', async () => {
    const error = await cloud.describeInstanceType('m7g.humongous').catch(e => e);
    expect(error).toMatchObject({ code: 'INSTANCE_TYPE_UNKNOWN', status: 400 });
    expect(error.hint).toMatch(/size/);
  });

  it('makes one security group however many launches ask at once, open on 22 and 8888', async () => {
    const ids = await Promise.all([cloud.ensureSecurityGroup(), cloud.ensureSecurityGroup()]);
    expect(new Set(ids).size).toBe(1);
    const again = createAwsCloud({ clients, config: { dataDir, ingressCidr: undefined }, logger });
    expect(await again.ensureSecurityGroup()).toBe(ids[0]);

    const { SecurityGroups } = await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [ids[0]] }));
    const rules = (SecurityGroups?.[0]?.IpPermissions ?? []).map(rule => ({
      port: rule.FromPort,
      cidrs: rule.IpRanges?.map(range => range.CidrIp)
    }));
    // Unset PRISM_INGRESS_CIDR: only the default VPC (moto's is 172.31.0.0/16) may connect.
    expect(rules).toEqual(
      expect.arrayContaining([
        { port: 22, cidrs: ['172.31.0.0/16'] },
        { port: 8888, cidrs: ['172.31.0.0/16'] }
      ])
    );
    expect(SecurityGroups?.[0]?.Tags).toContainEqual({ Key: 'prism:managed', Value: 'true' });
  });

  it('opens the workstation ports to PRISM_INGRESS_CIDR when it is set', async () => {
    const open = createAwsCloud({ clients, config: { dataDir, ingressCidr: '203.0.113.0/24' }, logger });
    const groupId = await open.ensureSecurityGroup();
    const { SecurityGroups } = await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
    const cidrsFor = (port: number) =>
      (SecurityGroups?.[0]?.IpPermissions ?? [])
        .filter(rule => rule.FromPort === port)
        .flatMap(rule => rule.IpRanges?.map(range => range.CidrIp) ?? []);
    expect(cidrsFor(22)).toContain('203.0.113.0/24');
    expect(cidrsFor(8888)).toContain('203.0.113.0/24');
  });

  it('creates an owner’s key pair once and keeps the private key readable by the owner only', async () => {
    const key = await cloud.ensureKeyPair('grace@example.org');
    expect(key.keyName).toMatch(/^prism-grace-example\.org-[0-9a-f]{8}$/);
    expect(key.privateKeyPath).toBe(path.join(dataDir, 'keys', `${key.keyName}.pem`));
    const stat = await fs.stat(key.privateKeyPath as string);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(await fs.readFile(key.privateKeyPath as string, 'utf8')).toMatch(/PRIVATE KEY/);

    expect(await cloud.ensureKeyPair('grace@example.org')).toEqual(key);
  });

  it('names a plain owner’s key pair after them', async () => {
    expect((await cloud.ensureKeyPair('ada')).keyName).toBe('prism-ada');
  });

  it('reports no private key when the key pair exists but its file is gone, and keeps the key', async () => {
    const key = await cloud.ensureKeyPair('linus');
    await fs.rm(key.privateKeyPath as string);
    expect(await cloud.ensureKeyPair('linus')).toEqual({ keyName: key.keyName, privateKeyPath: null });
  });

  it('launches one instance per launch id, however often it is asked', async () => {
    const spec = await launchSpec('ws-idempotent');
    const first = await cloud.runInstance(spec);
    const second = await cloud.runInstance(spec);
    expect(second.instanceId).toBe(first.instanceId);
    expect(await cloud.findInstances({ launchId: 'ws-idempotent' })).toHaveLength(1);
  });

  it('tags the instance with the launch, owner, project and template, and finds it by owner', async () => {
    const instance = await cloud.runInstance(await launchSpec('ws-tagged', 'x86_64'));
    expect(instance.launchId).toBe('ws-tagged');
    expect(instance.tags).toMatchObject({
      'prism:launch': 'ws-tagged',
      'prism:owner': 'ada',
      'prism:project': 'genomics',
      'prism:template': 'python'
    });
    expect(instance.instanceType).toBe('t3.medium');

    const { Volumes } = await clients.ec2.send(
      new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instance.instanceId] }] })
    );
    expect(Volumes).toHaveLength(1);
    expect(Volumes?.[0]).toMatchObject({ Size: 40, VolumeType: 'gp3', Encrypted: true });
    expect(Volumes?.[0]?.Tags).toContainEqual({ Key: 'prism:launch', Value: 'ws-tagged' });
    const mine = await cloud.findInstances({ owner: 'ada' });
    expect(mine.map(i => i.launchId)).toContain('ws-tagged');
    expect(await cloud.findInstances({ owner: 'nobody' })).toEqual([]);
  });

  it('waits until the instance runs, and reads back its user data', async () => {
    const spec = await launchSpec('ws-userdata');
    const instance = await cloud.runInstance(spec);
    const running = await cloud.waitUntilRunning(instance.instanceId);
    expect(running.state).toBe('running');
    expect(await cloud.readUserData(instance.instanceId)).toBe(spec.userData);
  });

  it('stops, starts and terminates an instance, and launches anew after termination', async () => {
    const spec = await launchSpec('ws-lifecycle');
    const { instanceId } = await cloud.runInstance(spec);
    await cloud.stopInstance(instanceId, true);
    expect((await cloud.findInstances({ launchId: 'ws-lifecycle' }))[0]?.state).toMatch(/stopping|stopped/);
    await cloud.startInstance(instanceId);
    await cloud.terminateInstance(instanceId);
    const [terminated] = await cloud.findInstances({ launchId: 'ws-lifecycle' });
    expect(terminated?.state).toMatch(/shutting-down|terminated/);

    const relaunched = await cloud.runInstance(spec);
    expect(relaunched.instanceId).not.toBe(instanceId);
  });

  it('says which instance is unknown', async () => {
    await expect(cloud.terminateInstance('i-0123456789abcdef0')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
  });

  it('names the account and region', async () => {
    expect(await cloud.identity()).toEqual({ account: expect.stringMatching(/^\d{12}$/), region: 'us-east-1' });
  });
});

describe('the AWS cloud when the endpoint does not answer', () => {
  it('says the cloud is unreachable and where it looked', async () => {
    const stopped = await startMoto();
    await stopped.stop();
    const unreachable = createAwsClients({ region: 'us-east-1', awsEndpoint: stopped.endpoint });
    const error = await createAwsCloud({ clients: unreachable, config: { dataDir, ingressCidr: undefined }, logger })
      .identity()
      .catch(e => e);
    destroyAwsClients(unreachable);
    expect(error).toMatchObject({ code: 'CLOUD_UNREACHABLE', status: 503 });
    expect(error.hint).toMatch(/PRISM_AWS_ENDPOINT/);
  });
});

describe('the S3 boot report inbox against moto', () => {
  it('returns the reports written after a given seq, oldest first, skipping unreadable ones', async () => {
    const inbox = createS3BootReportInbox({ clients, config: { reportBucket: undefined }, logger });
    const bucket = await inbox.ensureReportBucket();
    expect(bucket).toMatch(/^prism-\d{12}-us-east-1$/);
    expect(await inbox.ensureReportBucket()).toBe(bucket);

    // The workstation's side: its own S3 client, writing report objects.
    const workstation = new S3Client({
      region: 'us-east-1',
      endpoint: moto.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
    });
    const put = (key: string, body: string) =>
      workstation.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const report = (seq: number) => ({ seq, type: 'step', step: `step ${seq}`, index: seq, total: 12, token: 't0k' });
    // Written out of order, as parallel uploads may land.
    for (const seq of [3, 1, 11, 2, 10]) await put(reportKey('ws-reports', seq), JSON.stringify(report(seq)));
    await put(reportKey('ws-reports', 4), '{ not json');
    await put(reportKey('ws-other', 5), JSON.stringify(report(5)));
    workstation.destroy();

    const after2 = await inbox.fetch('ws-reports', 2);
    expect(after2.map(r => r.seq)).toEqual([3, 10, 11]);
    expect(after2[0]).toEqual(report(3));
    expect((await inbox.fetch('ws-reports', 0)).map(r => r.seq)).toEqual([1, 2, 3, 10, 11]);
    expect(await inbox.fetch('ws-reports', 11)).toEqual([]);
    expect(await inbox.fetch('ws-nothing-yet', 0)).toEqual([]);
  });
});
