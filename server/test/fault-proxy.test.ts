/**
 * The fault proxy names each real SDK call by its service and action, and
 * answers faults in a shape the SDK's retry strategy classifies as AWS's own.
 */
import { CreateSecurityGroupCommand, DescribeInstancesCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateFileSystemCommand, DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { recogniseCall, startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startMoto, type Moto } from './support/moto';

let moto: Moto;
let proxy: FaultProxy;

beforeAll(async () => {
  moto = await startMoto();
  proxy = await startFaultProxy({ upstream: moto.endpoint, seed: 7 });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await moto?.stop();
});

beforeEach(() => {
  proxy.clearRules();
  proxy.resetCalls();
});

const common = (maxAttempts = 3) => ({
  region: 'us-east-1',
  maxAttempts,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
});

function clients(maxAttempts?: number) {
  const config = { ...common(maxAttempts), endpoint: proxy.url };
  return {
    ec2: new EC2Client(config),
    iam: new IAMClient(config),
    sts: new STSClient(config),
    s3: new S3Client({ ...config, forcePathStyle: true }),
    ssm: new SSMClient(config),
    efs: new EFSClient(config)
  };
}

const seen = () => proxy.calls().map(c => `${c.service}:${c.action}`);

describe('recognising calls', () => {
  it('names the service and action of every protocol the SDK speaks', async () => {
    const { ec2, iam, sts, s3, ssm, efs } = clients();
    await ec2.send(new DescribeInstancesCommand({}));
    await iam.send(new ListRolesCommand({}));
    await sts.send(new GetCallerIdentityCommand({}));
    await s3.send(new CreateBucketCommand({ Bucket: 'proxy-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'proxy-bucket', Key: 'a/b.txt', Body: 'hello' }));
    await s3.send(new HeadObjectCommand({ Bucket: 'proxy-bucket', Key: 'a/b.txt' }));
    const object = await s3.send(new GetObjectCommand({ Bucket: 'proxy-bucket', Key: 'a/b.txt' }));
    expect(await object.Body?.transformToString()).toBe('hello');
    await s3.send(new ListObjectsV2Command({ Bucket: 'proxy-bucket' }));
    await ssm.send(new PutParameterCommand({ Name: '/proxy/p', Value: 'v', Type: 'String' }));
    await ssm.send(new GetParameterCommand({ Name: '/proxy/p' }));
    await efs.send(new CreateFileSystemCommand({ CreationToken: 'proxy-fs' }));
    await efs.send(new DescribeFileSystemsCommand({}));

    expect(seen()).toEqual([
      'ec2:DescribeInstances',
      'iam:ListRoles',
      'sts:GetCallerIdentity',
      's3:CreateBucket',
      's3:PutObject',
      's3:HeadObject',
      's3:GetObject',
      's3:ListObjectsV2',
      'ssm:PutParameter',
      'ssm:GetParameter',
      'elasticfilesystem:CreateFileSystem',
      'elasticfilesystem:DescribeFileSystems'
    ]);
    for (const call of proxy.calls()) {
      expect(call.fault).toBeNull();
      expect([200, 201]).toContain(call.status);
      expect(call.end).toBeGreaterThanOrEqual(call.start);
    }
    Object.values({ ec2, iam, sts, s3, ssm, efs }).forEach(c => c.destroy());
  });

  it('passes a request that is not signed (moto’s own API) through unrecorded', async () => {
    expect((await fetch(`${proxy.url}/moto-api/`)).status).toBe(200);
    expect(proxy.calls()).toEqual([]);
    expect(recogniseCall('GET', '/moto-api/', {}, '')).toBeNull();
  });

  it('reads the action from a query string, a form body, a target header or a REST route', () => {
    const signed = (service: string) => ({
      authorization: `AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x`
    });
    const form = { ...signed('ec2'), 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    expect(recogniseCall('POST', '/', form, 'Action=RunInstances&Version=2016-11-15')).toEqual({ service: 'ec2', action: 'RunInstances' });
    expect(recogniseCall('GET', '/?Action=GetRole&RoleName=x', signed('iam'), '')).toEqual({ service: 'iam', action: 'GetRole' });
    expect(recogniseCall('POST', '/', { ...signed('ssm'), 'x-amz-target': 'AmazonSSM.GetParameter' }, '{}')).toEqual({ service: 'ssm', action: 'GetParameter' });
    expect(recogniseCall('DELETE', '/2015-02-01/access-points/fsap-1', signed('elasticfilesystem'), '')).toEqual({
      service: 'elasticfilesystem',
      action: 'DeleteAccessPoint'
    });
    expect(recogniseCall('PUT', '/bucket?tagging', signed('s3'), '')).toEqual({ service: 's3', action: 'PutBucketTagging' });
    expect(recogniseCall('PUT', '/bucket/key?tagging', signed('s3'), '')).toEqual({ service: 's3', action: 'PutObjectTagging' });
    expect(recogniseCall('POST', '/bucket?delete', signed('s3'), '')).toEqual({ service: 's3', action: 'DeleteObjects' });
  });
});

describe('faults', () => {
  it('throttles EC2 with RequestLimitExceeded, which the SDK retries as throttling', async () => {
    const { ec2 } = clients(3);
    const rule = proxy.addRule({ service: 'ec2', action: 'DescribeInstances', count: 2, fault: { kind: 'throttle' } });
    const out = await ec2.send(new DescribeInstancesCommand({}));
    expect(out.$metadata.attempts).toBe(3);
    expect(rule.hits()).toBe(2);
    expect(proxy.calls().map(c => [c.fault, c.status])).toEqual([
      ['throttle', 503],
      ['throttle', 503],
      [null, 200]
    ]);

    proxy.addRule({ service: 'ec2', fault: { kind: 'throttle' } });
    await expect(ec2.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ name: 'RequestLimitExceeded' });
    ec2.destroy();
  });

  it('throttles IAM and the JSON protocols in their own error shapes', async () => {
    const { iam, ssm, efs } = clients(1);
    proxy.addRule({ fault: { kind: 'throttle' } });
    await expect(iam.send(new ListRolesCommand({}))).rejects.toMatchObject({ name: 'Throttling' });
    await expect(ssm.send(new GetParameterCommand({ Name: '/proxy/p' }))).rejects.toMatchObject({ name: 'ThrottlingException' });
    await expect(efs.send(new DescribeFileSystemsCommand({}))).rejects.toMatchObject({ name: 'ThrottlingException' });
    [iam, ssm, efs].forEach(c => c.destroy());
  });

  it('answers 5xx InternalError, retried by the SDK as a transient error', async () => {
    const { ec2, iam } = clients(3);
    proxy.addRule({ action: /^(DescribeInstances|ListRoles)$/, count: 2, fault: { kind: 'error5xx', status: 503 } });
    const out = await ec2.send(new DescribeInstancesCommand({}));
    expect(out.$metadata.attempts).toBe(3);
    proxy.addRule({ service: 'iam', fault: { kind: 'error5xx' } });
    await expect(iam.send(new ListRolesCommand({}))).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
    [ec2, iam].forEach(c => c.destroy());
  });

  it('drops the answer of a call that took effect', async () => {
    const { ec2 } = clients(1);
    proxy.addRule({ action: 'CreateSecurityGroup', count: 1, fault: { kind: 'dropAfterEffect' } });
    await expect(ec2.send(new CreateSecurityGroupCommand({ GroupName: 'dropped-answer', Description: 'made anyway' }))).rejects.toThrow();
    const groups = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['dropped-answer'] }] }));
    expect(groups.SecurityGroups).toHaveLength(1);
    expect(proxy.calls()[0]).toMatchObject({ action: 'CreateSecurityGroup', status: null, fault: 'dropAfterEffect' });
    ec2.destroy();
  });

  it('delays a call by the rule’s ms, and every call by the global delay', async () => {
    const { sts } = clients(1);
    proxy.addRule({ count: 1, fault: { kind: 'delay', ms: 300 } });
    await sts.send(new GetCallerIdentityCommand({}));
    const [slow] = proxy.calls();
    expect(slow.end - slow.start).toBeGreaterThanOrEqual(300);
    sts.destroy();

    const far = await startFaultProxy({ upstream: moto.endpoint, delayMs: 200 });
    const farSts = new STSClient({ ...common(1), endpoint: far.url });
    await farSts.send(new GetCallerIdentityCommand({}));
    await farSts.send(new GetCallerIdentityCommand({}));
    expect(far.calls()).toHaveLength(2);
    far.calls().forEach(call => expect(call.end - call.start).toBeGreaterThanOrEqual(200));
    farSts.destroy();
    await far.close();
  });

  it('faults a seeded share of calls, the same ones for the same seed', async () => {
    const pattern = async (): Promise<(string | null)[]> => {
      const seeded = await startFaultProxy({ upstream: moto.endpoint, seed: 42 });
      seeded.addRule({ probability: 0.5, fault: { kind: 'throttle' } });
      const sts = new STSClient({ ...common(1), endpoint: seeded.url });
      for (let i = 0; i < 12; i++) await sts.send(new GetCallerIdentityCommand({})).catch(() => undefined);
      sts.destroy();
      await seeded.close();
      return seeded.calls().map(c => c.fault);
    };
    const first = await pattern();
    expect(first.filter(f => f === 'throttle').length).toBeGreaterThan(0);
    expect(first.filter(f => f === null).length).toBeGreaterThan(0);
    expect(await pattern()).toEqual(first);
  });
});
