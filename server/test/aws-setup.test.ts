/**
 * The first-run wizard's service side against moto, with AWS files of the
 * test's own (AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE), never ~/.aws:
 * list and create profiles, check one, and switch the running service.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Health } from '../src/contract/api';
import { startPrism, type TestPrism } from './support/prism';

const SECRET = 'wJalrXUtnFEMIK7MDENGbPxRfiCYPRISMSECRET1';
const MOTO_ACCOUNT = '123456789012';

let prism: TestPrism;
let awsDir: string;
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  awsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-aws-'));
  fs.writeFileSync(
    path.join(awsDir, 'config'),
    '[default]\nregion = us-east-1\n\n[profile no-keys]\nregion = ap-southeast-2\n\n' +
      '[profile corp]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = Research\nregion = eu-central-1\n\n' +
      '[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = eu-central-1\n'
  );
  fs.writeFileSync(path.join(awsDir, 'credentials'), '[default]\naws_access_key_id = AKIADEFAULT000000000\naws_secret_access_key = default-secret-0000000\n');
  const env = {
    AWS_CONFIG_FILE: path.join(awsDir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(awsDir, 'credentials'),
    // A profile with no keys would otherwise wait for the instance metadata service, which a laptop does not have.
    AWS_EC2_METADATA_DISABLED: 'true'
  };
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  prism = await startPrism();
}, 60_000);

afterAll(async () => {
  await prism?.stop();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  fs.rmSync(awsDir, { recursive: true, force: true });
});

async function json<T>(response: Response): Promise<{ status: number; body: T; text: string }> {
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as T, text };
}

const post = (route: string, body: unknown): Promise<Response> => prism.api(route, { method: 'POST', body: JSON.stringify(body) });

it('lists the profiles of both files, with their region, whether keys exist and where they come from', async () => {
  const { status, body, text } = await json(await prism.api('/aws/profiles'));
  expect(status).toBe(200);
  expect(body).toEqual([
    { name: 'corp', region: 'eu-central-1', hasKeys: false, source: 'sso' },
    { name: 'default', region: 'us-east-1', hasKeys: true, source: 'credentials' },
    { name: 'no-keys', region: 'ap-southeast-2', hasKeys: false, source: 'config' }
  ]);
  expect(text).not.toContain('default-secret');
  expect(text).not.toContain('AKIADEFAULT');
});

it('creates a profile: the keys in the credentials file, readable by this user only, the secret in no answer', async () => {
  const created = await json(await post('/aws/profiles', { name: 'research', accessKeyId: 'AKIAPRISMTEST0000001', secretAccessKey: SECRET, region: 'eu-west-1' }));
  expect(created.status).toBe(201);
  expect(created.body).toEqual({ name: 'research', region: 'eu-west-1', hasKeys: true, source: 'credentials' });
  expect(created.text).not.toContain(SECRET);

  const credentials = path.join(awsDir, 'credentials');
  expect(fs.statSync(credentials).mode & 0o777).toBe(0o600);
  expect(fs.readFileSync(credentials, 'utf8')).toContain(`[research]\naws_access_key_id = AKIAPRISMTEST0000001\naws_secret_access_key = ${SECRET}\n`);
  expect(fs.readFileSync(path.join(awsDir, 'config'), 'utf8')).toContain('[profile research]\nregion = eu-west-1\n');
  // What was there before is kept as it was.
  expect(fs.readFileSync(credentials, 'utf8')).toMatch(/^\[default\]\naws_access_key_id = AKIADEFAULT000000000\n/);

  const listed = await json<{ name: string }[]>(await prism.api('/aws/profiles'));
  expect(listed.body.map(p => p.name)).toEqual(['corp', 'default', 'no-keys', 'research']);
  expect(listed.text).not.toContain(SECRET);
});

it('refuses a profile name that exists, with a hint, and leaves the files alone', async () => {
  const before = fs.readFileSync(path.join(awsDir, 'credentials'), 'utf8');
  const refused = await json<{ code: string; hint: string }>(
    await post('/aws/profiles', { name: 'default', accessKeyId: 'AKIAPRISMTEST0000002', secretAccessKey: SECRET, region: 'eu-west-1' })
  );
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe('AWS_PROFILE_EXISTS');
  expect(refused.body.hint).toMatch(/choose another name/);
  expect(refused.text).not.toContain(SECRET);
  expect(fs.readFileSync(path.join(awsDir, 'credentials'), 'utf8')).toBe(before);
});

it('refuses a name that would break the file, without echoing the secret', async () => {
  const refused = await json<{ code: string }>(
    await post('/aws/profiles', { name: 'x]\n[default', accessKeyId: 'AKIAPRISMTEST0000003', secretAccessKey: SECRET, region: 'eu-west-1' })
  );
  expect(refused.status).toBe(400);
  expect(refused.body.code).toBe('INVALID_REQUEST');
  expect(refused.text).not.toContain(SECRET);
});

it('validates a profile with GetCallerIdentity: the account and ARN (moto’s)', async () => {
  const checked = await json(await post('/aws/profiles/validate', { profile: 'research', region: 'eu-west-1' }));
  expect(checked.status).toBe(200);
  expect(checked.body).toEqual({ account: MOTO_ACCOUNT, arn: expect.stringMatching(/^arn:aws:\S+123456789012/), region: 'eu-west-1' });
});

it('a profile without credentials fails the check with what to do in the wizard', async () => {
  const checked = await json<{ code: string; hint: string; detail: string }>(await post('/aws/profiles/validate', { profile: 'no-keys', region: 'ap-southeast-2' }));
  expect(checked.status).toBe(422);
  expect(checked.body.code).toBe('AWS_CREDENTIALS_MISSING');
  expect(checked.body.detail).toContain("Profile 'no-keys'");
  expect(checked.body.hint).toMatch(/create a profile with an access key/);
});

it('switching to a profile that does not work is refused and the service keeps the one it had', async () => {
  expect(((await json<Health>(await prism.api('/health'))).body).cloud.region).toBe('us-east-1');
  const refused = await json<{ code: string }>(await prism.api('/aws/settings', { method: 'PUT', body: JSON.stringify({ profile: 'no-keys', region: 'ap-southeast-2' }) }));
  expect(refused.status).toBe(422);
  expect(refused.body.code).toBe('AWS_CREDENTIALS_MISSING');
  expect((await json<Health>(await prism.api('/health'))).body.cloud).toEqual({ reachable: true, region: 'us-east-1', account: MOTO_ACCOUNT });
  expect(fs.existsSync(path.join(prism.dataDir, 'aws-settings.json'))).toBe(false);
});

it('switches the running service to a profile and region: GET /health shows it at once, and it is saved for the next start', async () => {
  // Asked once before, so the answer is cached: the switch must not leave it stale.
  expect((await json<Health>(await prism.api('/health'))).body.cloud.region).toBe('us-east-1');
  const applied = await json(await prism.api('/aws/settings', { method: 'PUT', body: JSON.stringify({ profile: 'research', region: 'eu-west-1' }) }));
  expect(applied.status).toBe(200);
  expect(applied.body).toEqual({
    profile: 'research',
    region: 'eu-west-1',
    account: MOTO_ACCOUNT,
    arn: expect.stringContaining(MOTO_ACCOUNT),
    // The test's environment names keys and a region, as the emulator's does; they win at the next start.
    overriddenAtStartBy: ['AWS_ACCESS_KEY_ID', 'PRISM_REGION']
  });
  expect((await json<Health>(await prism.api('/health'))).body).toMatchObject({
    status: 'ok',
    cloud: { reachable: true, region: 'eu-west-1', account: MOTO_ACCOUNT }
  });
  const settingsFile = path.join(prism.dataDir, 'aws-settings.json');
  expect(JSON.parse(fs.readFileSync(settingsFile, 'utf8'))).toEqual({ profile: 'research', region: 'eu-west-1' });
  expect(fs.statSync(settingsFile).mode & 0o777).toBe(0o600);
});
