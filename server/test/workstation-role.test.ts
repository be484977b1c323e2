/**
 * A workstation's IAM role against a real moto_server: exactly its datasets
 * and its report prefix, made once however often a launch asks, and gone
 * with the workstation.
 */
import {
  GetInstanceProfileCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListRoleTagsCommand
} from '@aws-sdk/client-iam';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../src/aws/clients';
import { createAwsCloud } from '../src/aws/cloud';
import type { Cloud, WorkstationRoleSpec } from '../src/domain/ports';
import { createLogger } from '../src/logger';
import { startMoto, type Moto } from './support/moto';

let moto: Moto;
let clients: AwsClients;
let cloud: Cloud;

beforeAll(async () => {
  moto = await startMoto();
  clients = createAwsClients({ region: 'us-east-1', awsEndpoint: moto.endpoint });
  cloud = createAwsCloud({ clients, config: { dataDir: '/nonexistent', ingressCidr: undefined }, logger: createLogger('silent') });
});

afterAll(async () => {
  destroyAwsClients(clients);
  await moto?.stop();
});

interface Statement {
  Action: string | string[];
  Resource: string;
  Condition?: { StringLike: { 's3:prefix': string[] } };
}

async function policyOf(launchId: string): Promise<Statement[]> {
  const answer = await clients.iam.send(
    new GetRolePolicyCommand({ RoleName: `prism-ws-${launchId}`, PolicyName: 'prism-workstation-s3' })
  );
  return (JSON.parse(decodeURIComponent(answer.PolicyDocument ?? '')) as { Statement: Statement[] }).Statement;
}

async function gone(call: () => Promise<unknown>): Promise<boolean> {
  try {
    await call();
    return false;
  } catch (error) {
    return (error as Error).name === 'NoSuchEntityException';
  }
}

const spec = (launchId: string, overrides: Partial<WorkstationRoleSpec> = {}): WorkstationRoleSpec => ({
  launchId,
  owner: 'ada',
  datasets: [
    { bucket: 'genomes-lab', prefix: 'hg38/', readOnly: true },
    { bucket: 'scratch-lab', prefix: '', readOnly: false }
  ],
  reportBucket: 'prism-123456789012-us-east-1',
  ...overrides
});

describe('a workstation role', () => {
  it('grants listing and reading within a read-only dataset’s prefix, writing in a writable one, its own report objects and reading its desired state', async () => {
    const profile = await cloud.ensureWorkstationRole(spec('ws-grants'));
    expect(profile).toBe('prism-ws-ws-grants');
    const byResource = Object.fromEntries((await policyOf('ws-grants')).map(s => [`${s.Resource} ${[s.Action].flat().join(',')}`, s]));
    expect(Object.keys(byResource).sort()).toEqual(
      [
        'arn:aws:s3:::genomes-lab s3:ListBucket',
        'arn:aws:s3:::genomes-lab/hg38/* s3:GetObject',
        'arn:aws:s3:::scratch-lab s3:ListBucket',
        'arn:aws:s3:::scratch-lab/* s3:GetObject,s3:PutObject,s3:DeleteObject,s3:AbortMultipartUpload',
        'arn:aws:s3:::prism-123456789012-us-east-1/prism-reports/ws-grants/* s3:PutObject',
        'arn:aws:s3:::prism-123456789012-us-east-1/prism-desired/ws-grants.json s3:GetObject'
      ].sort()
    );
    expect(byResource['arn:aws:s3:::genomes-lab s3:ListBucket'].Condition).toEqual({ StringLike: { 's3:prefix': ['hg38/*'] } });
    expect(byResource['arn:aws:s3:::scratch-lab s3:ListBucket'].Condition).toBeUndefined();
  });

  it('writes no report grant for a workstation that reports over HTTP', async () => {
    await cloud.ensureWorkstationRole(spec('ws-http', { reportBucket: null }));
    const resources = (await policyOf('ws-http')).map(s => s.Resource);
    expect(resources.some(r => r.includes('prism-reports'))).toBe(false);
  });

  it('is trusted by EC2 only, sits in an instance profile of the same name, and carries the launch and owner tags', async () => {
    await cloud.ensureWorkstationRole(spec('ws-trust'));
    const role = await clients.iam.send(new GetRoleCommand({ RoleName: 'prism-ws-ws-trust' }));
    expect(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '')).toContain('"Service":"ec2.amazonaws.com"');
    const profile = await clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'prism-ws-ws-trust' }));
    expect(profile.InstanceProfile?.Roles?.map(r => r.RoleName)).toEqual(['prism-ws-ws-trust']);
    const expected = expect.arrayContaining([
      { Key: 'prism:launch', Value: 'ws-trust' },
      { Key: 'prism:owner', Value: 'ada' }
    ]);
    expect((await clients.iam.send(new ListRoleTagsCommand({ RoleName: 'prism-ws-ws-trust' }))).Tags).toEqual(expected);
    // moto has no ListInstanceProfileTags; GetInstanceProfile carries the tags too.
    expect(profile.InstanceProfile?.Tags).toEqual(expected);
  });

  it('is made once when a resumed launch asks again', async () => {
    await cloud.ensureWorkstationRole(spec('ws-again'));
    await expect(cloud.ensureWorkstationRole(spec('ws-again'))).resolves.toBe('prism-ws-ws-again');
    const profile = await clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'prism-ws-ws-again' }));
    expect(profile.InstanceProfile?.Roles).toHaveLength(1);
  });

  it('is removed with its policy and instance profile, and removing it again is fine', async () => {
    await cloud.ensureWorkstationRole(spec('ws-remove'));
    await cloud.removeWorkstationRole('ws-remove');
    expect(await gone(() => clients.iam.send(new GetRoleCommand({ RoleName: 'prism-ws-ws-remove' })))).toBe(true);
    expect(
      await gone(() => clients.iam.send(new GetInstanceProfileCommand({ InstanceProfileName: 'prism-ws-ws-remove' })))
    ).toBe(true);
    await expect(cloud.removeWorkstationRole('ws-remove')).resolves.toBeUndefined();
    await expect(cloud.removeWorkstationRole('ws-never-made')).resolves.toBeUndefined();
  });
});
