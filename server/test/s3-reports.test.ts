/**
 * A workstation that cannot reach the service reports its boot through S3
 * (PRISM_REPORT_CHANNEL=s3): a real moto_server, a real emulated boot whose
 * bootstrap writes report objects with the AWS CLI, and the service reading
 * them. The workstation gets its own IAM role for its dataset and its report
 * prefix, and the role goes when it is terminated. A workstation that needs
 * neither gets no role at all.
 */
import { DescribeInstanceAttributeCommand, DescribeInstancesCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { decodeUserData } from '../src/aws/user-data';
import type { Health, Workstation } from '../src/contract/api';
import type { WorkstationEvent } from '../src/contract/events';
import { startPrism, type TestPrism } from './support/prism';

const READY_TIMEOUT_MS = 120_000;
const DATASET = { bucket: 'genomes-lab', prefix: 'hg38', readOnly: true };

interface Moto {
  ec2: EC2Client;
  s3: S3Client;
  iam: IAMClient;
}

function motoClients(prism: TestPrism): Moto {
  const common = { endpoint: prism.moto.endpoint, region: 'us-east-1' };
  return { ec2: new EC2Client(common), s3: new S3Client({ ...common, forcePathStyle: true }), iam: new IAMClient(common) };
}

function destroy(moto: Moto | undefined): void {
  moto?.ec2.destroy();
  moto?.s3.destroy();
  moto?.iam.destroy();
}

async function launch(prism: TestPrism, body: object): Promise<string> {
  const res = await prism.api('/instances', { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function until(prism: TestPrism, id: string, done: (w: Workstation) => boolean): Promise<Workstation> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const workstation = (await (await prism.api(`/instances/${id}`)).json()) as Workstation;
    if (done(workstation)) return workstation;
    if (Date.now() > deadline) throw new Error(`workstation stayed ${workstation.state}/${workstation.phase}`);
    await new Promise(resolve => setTimeout(resolve, 300));
  }
}

async function instanceOf(moto: Moto, id: string): Promise<Instance> {
  const out = await moto.ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:prism:launch', Values: [id] }] }));
  const [instance] = (out.Reservations ?? []).flatMap(r => r.Instances ?? []);
  return instance;
}

async function gone(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (error) {
    return (error as Error).name === 'NoSuchEntityException';
  }
}

describe('a launch that reports through S3', () => {
  let prism: TestPrism;
  let moto: Moto;
  let reportBucket: string;
  let id: string;

  beforeAll(async () => {
    prism = await startPrism({ PRISM_REPORT_CHANNEL: 's3' });
    moto = motoClients(prism);
    await moto.s3.send(new CreateBucketCommand({ Bucket: DATASET.bucket }));
    await moto.s3.send(new PutObjectCommand({ Bucket: DATASET.bucket, Key: 'hg38/chr1.fa', Body: '>chr1\nACGT\n' }));
    const health = (await (await prism.api('/health')).json()) as Health;
    reportBucket = `prism-${health.cloud.account}-us-east-1`;
  }, 60_000);

  afterAll(async () => {
    destroy(moto);
    await prism?.stop();
  });

  it('reaches ready through report objects alone, and the service replays the boot log they carried', async () => {
    id = await launch(prism, { name: 'genomes-s3', template: 'amazon-linux', arch: 'arm64', datasets: [{ s3: DATASET }] });
    const workstation = await until(prism, id, w => w.phase === 'ready' || w.phase === 'failed');
    expect(workstation).toMatchObject({ phase: 'ready', state: 'running', error: null });

    const userData = await moto.ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: workstation.instanceId as string, Attribute: 'userData' })
    );
    const script = decodeUserData(userData.UserData?.Value ?? '');
    expect(script).toContain('aws s3 cp');
    // Neither the bootstrap nor the idle agent is given a phone-home address.
    expect(script).not.toMatch(/REPORT_URL=/);
    expect(script).not.toContain('curl -fsS --retry 5 --retry-connrefused -X POST');

    const listed = await moto.s3.send(new ListObjectsV2Command({ Bucket: reportBucket, Prefix: `prism-reports/${id}/` }));
    const keys = (listed.Contents ?? []).map(object => object.Key);
    expect(keys.length).toBeGreaterThan(3);
    expect(keys[0]).toBe(`prism-reports/${id}/00000001.json`);

    const events = (await (await prism.api(`/instances/${id}/events`)).json()) as WorkstationEvent[];
    const lines = events.flatMap(e => (e.kind === 'log' ? [e.line] : []));
    expect(lines).toEqual(
      expect.arrayContaining([expect.stringMatching(/^dry-run: mount-s3 .*--read-only --prefix hg38\/ genomes-lab \S+\/mnt\/s3\/genomes-lab$/)])
    );
  });

  it('runs with its own instance profile, whose role reaches the dataset and the report prefix', async () => {
    const instance = await instanceOf(moto, id);
    expect(instance.IamInstanceProfile?.Arn).toMatch(new RegExp(`:instance-profile/prism-ws-${id}$`));
    const profile = await moto.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: `prism-ws-${id}` }));
    expect(profile.InstanceProfile?.Roles?.map(role => role.RoleName)).toEqual([`prism-ws-${id}`]);
    const policy = await moto.iam.send(
      new GetRolePolicyCommand({ RoleName: `prism-ws-${id}`, PolicyName: 'prism-workstation-s3' })
    );
    const document = decodeURIComponent(policy.PolicyDocument ?? '');
    expect(document).toContain(`arn:aws:s3:::${DATASET.bucket}/hg38/*`);
    expect(document).toContain(`arn:aws:s3:::${reportBucket}/prism-reports/${id}/*`);
  });

  it('leaves no role or instance profile behind once terminated', async () => {
    const res = await prism.api(`/instances/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await gone(() => moto.iam.send(new GetRoleCommand({ RoleName: `prism-ws-${id}` })))).toBe(true);
    expect(await gone(() => moto.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: `prism-ws-${id}` })))).toBe(
      true
    );
  });
});

describe('a launch that reports over HTTP and has no datasets', () => {
  let prism: TestPrism;
  let moto: Moto;

  beforeAll(async () => {
    prism = await startPrism();
    moto = motoClients(prism);
  }, 60_000);

  afterAll(async () => {
    destroy(moto);
    await prism?.stop();
  });

  it('gets no IAM role and no instance profile', async () => {
    const id = await launch(prism, { name: 'plain-http', template: 'amazon-linux', arch: 'x86_64' });
    await until(prism, id, w => w.instanceId !== null || w.phase === 'failed');
    expect((await instanceOf(moto, id)).IamInstanceProfile).toBeUndefined();
    const roles = await moto.iam.send(new ListRolesCommand({}));
    expect((roles.Roles ?? []).filter(role => role.RoleName?.startsWith('prism-ws-'))).toEqual([]);
    await prism.api(`/instances/${id}`, { method: 'DELETE' });
  });
});
