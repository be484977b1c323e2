/**
 * Credentials and permissions with moto's IAM enforcement on: a moto of its
 * own (enforcement applies to every call), an IAM user whose policy allows
 * everything but ec2:RunInstances, and prism-server processes running as that
 * user, as a stranger, and through an AWS profile.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import type { Health, Workstation } from '../src/contract/api';
import { startMoto, type Moto } from './support/moto';
import { spawnPrism, type PrismProcess } from './support/prism-process';

const PRISM_BIN = path.resolve(__dirname, '..', 'bin', 'prism.js');
const RUN_INSTANCES_STATEMENT = { Sid: 'Allowec2RunInstances', Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*' };

let moto: Moto;
let work: string;
let key: { id: string; secret: string };
const services: PrismProcess[] = [];

beforeAll(async () => {
  moto = await startMoto();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-iam-'));
  const iam = new IAMClient({ endpoint: moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  // Made before enforcement is on: afterwards moto knows no key but this user's.
  await iam.send(new CreateUserCommand({ UserName: 'researcher' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'researcher',
      PolicyName: 'everything-but-run-instances',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', NotAction: 'ec2:RunInstances', Resource: '*' }] })
    })
  );
  const created = await iam.send(new CreateAccessKeyCommand({ UserName: 'researcher' }));
  key = { id: created.AccessKey!.AccessKeyId!, secret: created.AccessKey!.SecretAccessKey! };
  iam.destroy();
  const enforced = await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
  expect(enforced.ok).toBe(true);
}, 60_000);

afterAll(async () => {
  for (const service of services) await service.kill();
  await moto?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

async function serviceAs(env: Record<string, string | undefined>): Promise<PrismProcess> {
  const dataDir = fs.mkdtempSync(path.join(work, 'data-'));
  const service = await spawnPrism(moto.endpoint, dataDir, env);
  services.push(service);
  return service;
}

async function health(service: PrismProcess): Promise<Health> {
  return (await (await service.api('/health')).json()) as Health;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string): Promise<T> {
  for (const deadline = Date.now() + 60_000; ; ) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

it('a launch refused ec2:RunInstances fails with AWS_PERMISSION_DENIED, naming the action and the statement that grants it', async () => {
  const service = await serviceAs({ AWS_ACCESS_KEY_ID: key.id, AWS_SECRET_ACCESS_KEY: key.secret });
  expect((await health(service)).cloud).toEqual({ reachable: true, region: 'us-east-1', account: '123456789012' });
  const launched = await service.api('/instances', { method: 'POST', body: JSON.stringify({ name: 'denied', template: 'amazon-linux', arch: 'arm64' }) });
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as { id: string };
  const ws = await until(
    async () => (await (await service.api(`/instances/${id}`)).json()) as Workstation,
    w => w.phase === 'failed',
    'the launch to fail'
  );
  expect(ws.error).toMatchObject({ code: 'AWS_PERMISSION_DENIED', policyStatement: RUN_INSTANCES_STATEMENT });
  expect(ws.error!.detail).toContain('ec2:RunInstances');
  expect(ws.error!.hint).toContain("'ec2:RunInstances'");
  const events = (await (await service.api(`/instances/${id}/events`)).json()) as { phase?: string; problem?: unknown }[];
  expect(events.find(e => e.phase === 'failed')?.problem).toMatchObject({ code: 'AWS_PERMISSION_DENIED', policyStatement: RUN_INSTANCES_STATEMENT });

  // The CLI shows the same, with the statement ready to paste.
  const cli = await new Promise<{ code: number | null; stderr: string }>(resolve => {
    const child = spawn(process.execPath, [PRISM_BIN, 'launch', 'amazon-linux', '--arch', 'arm64', '--name', 'denied-cli'], {
      env: { ...process.env, PRISM_URL: service.url, PRISM_TOKEN: service.token }
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', code => resolve({ code, stderr }));
  });
  expect(cli.code).toBe(1);
  expect(cli.stderr).toMatch(/^Not allowed by AWS: denied-cli: AWS refused ec2:RunInstances/m);
  expect(cli.stderr).toContain('"Action": "ec2:RunInstances"');
});

it('credentials AWS rejects still start the service; GET /health says why and what to do', async () => {
  const service = await serviceAs({ AWS_ACCESS_KEY_ID: 'AKIANOBODYKNOWS00000', AWS_SECRET_ACCESS_KEY: 'wrong' });
  const { status, cloud } = await health(service);
  expect(status).toBe('degraded');
  expect(cloud).toEqual({
    reachable: false,
    region: 'us-east-1',
    account: null,
    problem: { code: 'AWS_CREDENTIALS_INVALID', title: 'AWS rejected the credentials', hint: expect.stringContaining('restart Prism') }
  });
});

it('AWS_PROFILE picks the credentials and, without PRISM_REGION, the region from the profile', async () => {
  fs.writeFileSync(path.join(work, 'config'), '[profile research]\nregion = eu-west-1\n');
  fs.writeFileSync(path.join(work, 'credentials'), `[research]\naws_access_key_id = ${key.id}\naws_secret_access_key = ${key.secret}\n`);
  const service = await serviceAs({
    AWS_PROFILE: 'research',
    AWS_CONFIG_FILE: path.join(work, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(work, 'credentials'),
    // Unset: the profile alone decides.
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    PRISM_REGION: undefined,
    AWS_REGION: undefined
  });
  expect((await health(service)).cloud).toEqual({ reachable: true, region: 'eu-west-1', account: '123456789012' });
});
