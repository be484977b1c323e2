/**
 * AWS misbehaving, as it does: the real service talks to moto through the
 * fault proxy, which throttles, fails with 5xx, answers slowly, or drops an
 * answer after the call took effect. Launches and lifecycle actions get
 * through bursts of that with the SDK's retries; a lost RunInstances answer
 * never makes a second instance; a launch that cannot go on fails with its
 * reason and leaves nothing of its own behind. Each is checked in moto.
 */
import { DescribeInstancesCommand, DescribeSecurityGroupsCommand, EC2Client, type Instance } from '@aws-sdk/client-ec2';
import { GetInstanceProfileCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { Workstation } from '../src/contract/api';
import { startFaultProxy, type FaultProxy, type FaultRule, type FaultRuleHandle } from './support/fault-proxy';
import { startMoto } from './support/moto';
import { startPrism, type TestPrism } from './support/prism';

const SETTLE_TIMEOUT_MS = 150_000;
const DATASET = { bucket: 'fault-data', prefix: '', readOnly: true };

let prism: TestPrism;
let proxy: FaultProxy;
let ec2: EC2Client;
let iam: IAMClient;

beforeAll(async () => {
  const moto = await startMoto();
  proxy = await startFaultProxy({ upstream: moto.endpoint, seed: 11 });
  // A slow answer is cut after 4 s and tried again (the default is 60 s).
  prism = await startPrism({ PRISM_AWS_ENDPOINT: proxy.url, PRISM_AWS_REQUEST_TIMEOUT_SECONDS: '4' }, { moto });
  const direct = { endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
  ec2 = new EC2Client(direct);
  iam = new IAMClient(direct);
  const s3 = new S3Client({ ...direct, forcePathStyle: true });
  await s3.send(new CreateBucketCommand({ Bucket: DATASET.bucket }));
  s3.destroy();
}, 90_000);

afterAll(async () => {
  ec2?.destroy();
  iam?.destroy();
  await prism?.stop();
  await proxy?.close();
});

beforeEach(() => {
  proxy.clearRules();
  proxy.resetCalls();
});

async function launch(name: string, withDataset = false): Promise<string> {
  const res = await prism.api('/instances', {
    method: 'POST',
    body: JSON.stringify({ name, template: 'amazon-linux', arch: 'arm64', ...(withDataset && { datasets: [{ s3: DATASET }] }) })
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { id: string }).id;
}

async function until(id: string, done: (w: Workstation) => boolean): Promise<Workstation> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const workstation = (await (await prism.api(`/instances/${id}`)).json()) as Workstation;
    if (done(workstation)) return workstation;
    if (Date.now() > deadline) throw new Error(`workstation ${id} stayed ${workstation.state}/${workstation.phase}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

const settled = (w: Workstation): boolean => w.phase === 'ready' || w.phase === 'failed';

/** Every instance moto holds with the launch's tag, terminated ones included. */
async function instancesOf(id: string): Promise<Instance[]> {
  const out = await ec2.send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:prism:launch', Values: [id] }] }));
  return (out.Reservations ?? []).flatMap(r => r.Instances ?? []);
}

async function gone(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (error) {
    return (error as Error).name === 'NoSuchEntityException';
  }
}

/** Both the launch's role and its instance profile are gone from IAM. */
async function roleAndProfileGone(id: string): Promise<boolean> {
  const role = await gone(() => iam.send(new GetRoleCommand({ RoleName: `prism-ws-${id}` })));
  const profile = await gone(() => iam.send(new GetInstanceProfileCommand({ InstanceProfileName: `prism-ws-${id}` })));
  return role && profile;
}

function addRules(rules: FaultRule[]): FaultRuleHandle[] {
  return rules.map(rule => proxy.addRule(rule));
}

/** What the service saw of one action: each try's fault (null: none) and status (null: no answer). */
const triesOf = (action: string) => proxy.calls().filter(c => c.action === action).map(c => [c.fault, c.status]);

it('launches through bursts of throttling and 5xx on every provisioning call', async () => {
  const rules = addRules([
    { service: 'ec2', action: 'DescribeInstanceTypes', count: 2, fault: { kind: 'throttle' } },
    { service: 'ssm', action: 'GetParameter', count: 2, fault: { kind: 'throttle' } },
    { service: 'ec2', action: 'DescribeImages', count: 2, fault: { kind: 'error5xx', status: 503 } },
    { service: 'ec2', action: 'DescribeSecurityGroups', count: 1, fault: { kind: 'error5xx' } },
    { service: 'ec2', action: 'CreateSecurityGroup', count: 2, fault: { kind: 'throttle' } },
    { service: 'ec2', action: 'AuthorizeSecurityGroupIngress', count: 1, fault: { kind: 'error5xx' } },
    { service: 'ec2', action: 'CreateKeyPair', count: 2, fault: { kind: 'throttle' } },
    { service: 'iam', action: 'CreateRole', count: 2, fault: { kind: 'throttle' } },
    { service: 'iam', action: 'PutRolePolicy', count: 2, fault: { kind: 'error5xx' } },
    { service: 'iam', action: 'CreateInstanceProfile', count: 1, fault: { kind: 'throttle' } },
    { service: 'iam', action: 'AddRoleToInstanceProfile', count: 1, fault: { kind: 'error5xx', status: 503 } },
    { service: 'ec2', action: 'RunInstances', count: 3, fault: { kind: 'throttle' } },
    { service: 'ec2', action: 'DescribeInstances', count: 2, fault: { kind: 'error5xx' } }
  ]);
  const id = await launch('through-the-storm', true);
  const workstation = await until(id, settled);
  expect(workstation.error).toBeNull();
  expect(workstation).toMatchObject({ phase: 'ready', state: 'running' });
  // Each burst really happened, and was got through.
  expect(rules.map(rule => rule.hits())).toEqual([2, 2, 2, 1, 2, 1, 2, 2, 2, 1, 1, 3, 2]);
  expect(triesOf('RunInstances')).toEqual([
    ['throttle', 503],
    ['throttle', 503],
    ['throttle', 503],
    [null, 200]
  ]);
  const instances = await instancesOf(id);
  expect(instances).toHaveLength(1);
  expect(instances[0].IamInstanceProfile?.Arn).toMatch(new RegExp(`instance-profile/prism-ws-${id}$`));
  await prism.api(`/instances/${id}`, { method: 'DELETE' });
});

it('gets through a call that answers more slowly than the request timeout', async () => {
  const slow = proxy.addRule({ service: 'iam', action: 'GetRole', count: 1, fault: { kind: 'delay', ms: 8_000 } });
  const id = await launch('slow-answer', true);
  const workstation = await until(id, settled);
  expect(workstation).toMatchObject({ phase: 'ready', state: 'running', error: null });
  expect(slow.hits()).toBe(1);
  // The slow try was cut at PRISM_AWS_REQUEST_TIMEOUT_SECONDS and made again.
  const [first, second] = proxy.calls().filter(c => c.action === 'GetRole');
  expect(second.start - first.start).toBeGreaterThanOrEqual(4_000);
  expect(second.start - first.start).toBeLessThan(8_000);
  expect(await instancesOf(id)).toHaveLength(1);
  await prism.api(`/instances/${id}`, { method: 'DELETE' });
});

it('stops, starts and terminates through bursts of throttling and 5xx', async () => {
  const id = await launch('lifecycle-storm');
  await until(id, settled);

  addRules([
    { service: 'ec2', action: 'StopInstances', count: 3, fault: { kind: 'throttle' } },
    { service: 'ec2', action: 'DescribeInstances', count: 2, fault: { kind: 'error5xx', status: 503 } }
  ]);
  expect((await prism.api(`/instances/${id}/stop`, { method: 'POST' })).status).toBeLessThan(300);
  await until(id, w => w.state === 'stopped');
  expect(triesOf('StopInstances')).toEqual([
    ['throttle', 503],
    ['throttle', 503],
    ['throttle', 503],
    [null, 200]
  ]);
  expect((await instancesOf(id))[0].State?.Name).toBe('stopped');

  proxy.addRule({ service: 'ec2', action: 'StartInstances', count: 2, fault: { kind: 'error5xx' } });
  expect((await prism.api(`/instances/${id}/start`, { method: 'POST' })).status).toBeLessThan(300);
  await until(id, w => w.state === 'running');
  expect(triesOf('StartInstances').map(([fault]) => fault)).toEqual(['error5xx', 'error5xx', null]);
  expect((await instancesOf(id))[0].State?.Name).toBe('running');

  proxy.addRule({ service: 'ec2', action: 'TerminateInstances', count: 2, fault: { kind: 'throttle' } });
  expect((await prism.api(`/instances/${id}`, { method: 'DELETE' })).status).toBe(200);
  expect(triesOf('TerminateInstances').map(([fault]) => fault)).toEqual(['throttle', 'throttle', null]);
  const [instance] = await instancesOf(id);
  expect(['shutting-down', 'terminated']).toContain(instance.State?.Name);
});

it('makes exactly one instance when the RunInstances answer is lost after EC2 launched it', async () => {
  proxy.addRule({ service: 'ec2', action: 'RunInstances', count: 1, fault: { kind: 'dropAfterEffect' } });
  const id = await launch('lost-answer');
  const workstation = await until(id, settled);
  expect(workstation).toMatchObject({ phase: 'ready', state: 'running', error: null });
  // The SDK retried the lost call; the look by tag before that try found the instance instead.
  expect(triesOf('RunInstances')).toEqual([['dropAfterEffect', null]]);
  const instances = await instancesOf(id);
  expect(instances).toHaveLength(1);
  expect(workstation.instanceId).toBe(instances[0].InstanceId);
  await prism.api(`/instances/${id}`, { method: 'DELETE' });
});

it('fails a launch whose RunInstances keeps failing with its reason, and leaves no instance or role of it', async () => {
  const groupsBefore = await prismGroups();
  proxy.addRule({ service: 'ec2', action: 'RunInstances', fault: { kind: 'error5xx' } });
  const id = await launch('cloud-down', true);
  const workstation = await until(id, settled);
  expect(workstation).toMatchObject({ phase: 'failed', state: 'failed' });
  expect(workstation.error).toMatchObject({ code: 'CLOUD_ERROR' });
  expect(workstation.error?.detail).toContain('ec2:RunInstances');
  // Every try the SDK allows (PRISM_AWS_MAX_ATTEMPTS, 5) was made.
  expect(triesOf('RunInstances')).toHaveLength(5);

  // Cleaned up before it was shown failed.
  expect(await instancesOf(id)).toEqual([]);
  expect(await roleAndProfileGone(id)).toBe(true);
  // The shared security group is reused, never made again per launch.
  expect(await prismGroups()).toEqual(groupsBefore);
});

it('fails a launch whose role cannot be finished, and removes the half-made role and profile', async () => {
  proxy.addRule({ service: 'iam', action: 'AddRoleToInstanceProfile', fault: { kind: 'error5xx', status: 503 } });
  const id = await launch('half-made-role', true);
  const workstation = await until(id, settled);
  expect(workstation).toMatchObject({ phase: 'failed', state: 'failed' });
  expect(workstation.error).toMatchObject({ code: 'CLOUD_ERROR' });
  expect(workstation.error?.detail).toContain('iam:AddRoleToInstanceProfile');
  expect(triesOf('RunInstances')).toEqual([]);
  // Cleaned up before it was shown failed.
  expect(await instancesOf(id)).toEqual([]);
  expect(await roleAndProfileGone(id)).toBe(true);
});

async function prismGroups(): Promise<string[]> {
  const out = await ec2.send(new DescribeSecurityGroupsCommand({}));
  return (out.SecurityGroups ?? [])
    .filter(g => g.GroupName?.startsWith('prism'))
    .map(g => g.GroupId ?? '')
    .sort();
}
