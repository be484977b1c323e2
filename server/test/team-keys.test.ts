/**
 * Team keys end to end: a real moto, the real service, an emulated boot
 * whose agent (every second) pulls its desired state from the reply to its
 * HTTP report and keeps the team's block in the login user's authorized_keys.
 * alice's project workstation gets her key and her member bob's, never her
 * viewer carol's nor the stranger dave's; carol's arrives when she becomes a
 * member and goes when she is a viewer again; bob's goes when he leaves the
 * project; alice's goes when she deletes it. The line cloud-init writes for
 * her Prism key pair stays throughout. Keys are checked and fingerprinted as
 * ssh-keygen does; bad pastes change nothing.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Workstation } from '../src/contract/api';
import type { SshKey } from '../src/contract/team';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';

const ALICE = 'alice-token-for-team-keys';
const BOB = 'bob-token-for-team-keys';
const CAROL = 'carol-token-for-team-keys';
const DAVE = 'dave-token-for-team-keys';
const ADMIN = 'root-token-for-team-keys';
/** As cloud-init writes the EC2 key pair the workstation was launched with. */
const OWNER_KEY_PAIR_LINE = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7prismkeypair prism-alice';

let prism: TestPrism;
let workstation: Workstation;
let keyDir: string;
const keys: Record<string, { line: string; blob: string; fingerprint: string }> = {};
const previousInterval = process.env.PRISM_AGENT_INTERVAL_SECONDS;

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> => requestAs(prism, token, route, method, body);

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** A new key pair made by ssh-keygen, and its fingerprint as `ssh-keygen -lf` prints it. */
function keygen(name: string): { line: string; blob: string; fingerprint: string } {
  const file = path.join(keyDir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@laptop`, '-f', file]);
  const line = fs.readFileSync(`${file}.pub`, 'utf8').trim();
  return { line, blob: line.split(' ')[1], fingerprint: execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(' ')[1] };
}

/** The emulated workstation's authorized_keys for its login user (amazon-linux: ec2-user). */
function authorizedKeysPath(): string {
  return path.join(prism.dataDir, 'emulated-workstations', workstation.id, 'root', 'home', 'ec2-user', '.ssh', 'authorized_keys');
}

function authorizedKeys(): string {
  try {
    return fs.readFileSync(authorizedKeysPath(), 'utf8');
  } catch {
    return '';
  }
}

const holds = (who: string): boolean => authorizedKeys().includes(keys[who].blob);

async function timelineLines(): Promise<string[]> {
  const events = (await (await as(ALICE, `/instances/${workstation.id}/events`)).json()) as { kind: string; line?: string }[];
  return events.flatMap(e => (e.kind === 'log' && e.line ? [e.line] : []));
}

beforeAll(async () => {
  process.env.PRISM_AGENT_INTERVAL_SECONDS = '1';
  keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-team-keys-'));
  for (const who of ['alice', 'bob', 'carol', 'dave']) keys[who] = keygen(who);
  const usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB },
    { user: 'carol', token: CAROL },
    { user: 'dave', token: DAVE },
    { user: 'root', token: ADMIN, roles: ['admin', 'user'] }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile });
}, 60_000);

afterAll(async () => {
  if (previousInterval === undefined) delete process.env.PRISM_AGENT_INTERVAL_SECONDS;
  else process.env.PRISM_AGENT_INTERVAL_SECONDS = previousInterval;
  fs.rmSync(keyDir, { recursive: true, force: true });
  await prism?.stop();
});

it('launches alice’s workstation in her project (bob a member, carol a viewer) to ready', async () => {
  expect((await as(ALICE, '/projects', 'POST', { name: 'Keys Lab' })).status).toBe(201);
  expect((await as(ALICE, '/projects/keys-lab/members/bob', 'PUT', { role: 'member' })).status).toBe(200);
  expect((await as(ALICE, '/projects/keys-lab/members/carol', 'PUT', { role: 'viewer' })).status).toBe(200);
  const launched = await as(ALICE, '/instances', 'POST', { name: 'keys-ws', template: 'amazon-linux', arch: 'arm64', project: 'keys-lab' });
  expect(launched.status).toBe(202);
  workstation = (await launched.json()) as Workstation;
  await until(async () => ['ready', 'failed'].includes(((await (await as(ALICE, `/instances/${workstation.id}`)).json()) as Workstation).phase), 150_000, 'the workstation to be ready');
  workstation = (await (await as(ALICE, `/instances/${workstation.id}`)).json()) as Workstation;
  expect(workstation).toMatchObject({ phase: 'ready', state: 'running' });
  fs.mkdirSync(path.dirname(authorizedKeysPath()), { recursive: true });
  fs.writeFileSync(authorizedKeysPath(), `${OWNER_KEY_PAIR_LINE}\n`);
}, 180_000);

it('takes each person’s public key with the fingerprint ssh-keygen prints', async () => {
  for (const [who, token] of [
    ['alice', ALICE],
    ['bob', BOB],
    ['carol', CAROL],
    ['dave', DAVE]
  ]) {
    const added = await as(token, '/me/ssh-keys', 'POST', { publicKey: `${keys[who].line}\n` });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ fingerprint: keys[who].fingerprint, type: 'ssh-ed25519', bits: 256, comment: `${who}@laptop`, addedAt: expect.any(String) });
  }
  const mine = (await (await as(BOB, '/me/ssh-keys')).json()) as SshKey[];
  expect(mine.map(k => k.fingerprint)).toEqual([keys.bob.fingerprint]);
});

it('refuses a private key, a duplicate and someone else’s key, and keeps nothing of them', async () => {
  const secret = fs.readFileSync(path.join(keyDir, 'bob'), 'utf8');
  const pasted = await as(BOB, '/me/ssh-keys', 'POST', { publicKey: secret });
  expect(pasted.status).toBe(422);
  expect(await pasted.json()).toMatchObject({ code: 'SSH_KEY_INVALID', hint: expect.stringContaining('.pub') });
  const again = await as(BOB, '/me/ssh-keys', 'POST', { publicKey: keys.bob.line });
  expect(again.status).toBe(409);
  expect(await again.json()).toMatchObject({ code: 'SSH_KEY_EXISTS', hint: expect.any(String) });
  const borrowed = await as(DAVE, '/me/ssh-keys', 'POST', { publicKey: keys.alice.line });
  expect(borrowed.status).toBe(409);
  expect(((await (await as(BOB, '/me/ssh-keys')).json()) as SshKey[]).length).toBe(1);
  expect(((await (await as(DAVE, '/me/ssh-keys')).json()) as SshKey[]).map(k => k.fingerprint)).toEqual([keys.dave.fingerprint]);
});

it('lets a Prism admin list someone’s keys, and nobody else', async () => {
  const listed = await as(ADMIN, '/users/bob/ssh-keys');
  expect(listed.status).toBe(200);
  expect(((await listed.json()) as SshKey[]).map(k => k.fingerprint)).toEqual([keys.bob.fingerprint]);
  expect((await as(DAVE, '/users/bob/ssh-keys')).status).toBe(403);
});

it('installs the owner’s and the member’s keys on the project workstation, not the viewer’s nor a stranger’s, beside the owner’s key pair', async () => {
  await until(() => holds('alice') && holds('bob'), 30_000, 'alice’s and bob’s keys in authorized_keys');
  const text = authorizedKeys();
  expect(text.split('\n')[0]).toBe(OWNER_KEY_PAIR_LINE);
  expect(text).toContain(`ssh-ed25519 ${keys.bob.blob} prism:bob`);
  expect(holds('carol')).toBe(false);
  expect(holds('dave')).toBe(false);
  expect(fs.statSync(authorizedKeysPath()).mode & 0o777).toBe(0o600);
  await until(async () => (await timelineLines()).includes('team keys in authorized_keys: 2 keys of alice, bob'), 10_000, 'the agent to say so in the log');
}, 60_000);

it('adds the viewer’s key when she becomes a member, and takes it out when she is a viewer again', async () => {
  expect((await as(ALICE, '/projects/keys-lab/members/carol', 'PUT', { role: 'member' })).status).toBe(200);
  await until(() => holds('carol'), 30_000, 'carol’s key once a member');
  expect((await as(ALICE, '/projects/keys-lab/members/carol', 'PUT', { role: 'viewer' })).status).toBe(200);
  await until(() => !holds('carol'), 30_000, 'carol’s key gone once a viewer');
  expect(holds('bob')).toBe(true);
}, 60_000);

it('removes a member’s key when they leave the project', async () => {
  expect((await as(ALICE, '/projects/keys-lab/members/bob', 'DELETE')).status).toBe(204);
  await until(() => !holds('bob'), 30_000, 'bob’s key gone');
  expect(holds('alice')).toBe(true);
}, 60_000);

it('removes a key its owner deletes, and leaves the key pair’s line alone', async () => {
  const wrong = await as(BOB, `/me/ssh-keys/${encodeURIComponent(keys.alice.fingerprint)}`, 'DELETE');
  expect(wrong.status).toBe(404);
  expect(await wrong.json()).toMatchObject({ code: 'SSH_KEY_NOT_FOUND', hint: expect.any(String) });
  // URL-safe base64, as the extension sends it through the /prism/ proxy.
  const urlSafe = keys.alice.fingerprint.replace(/\+/g, '-').replace(/\//g, '_');
  const deleted = await as(ALICE, `/me/ssh-keys/${encodeURIComponent(urlSafe)}`, 'DELETE');
  expect(deleted.status).toBe(204);
  expect((await (await as(ALICE, '/me/ssh-keys')).json()) as SshKey[]).toEqual([]);
  await until(() => !holds('alice'), 30_000, 'alice’s key gone');
  expect(authorizedKeys()).toBe(`${OWNER_KEY_PAIR_LINE}\n`);
}, 60_000);
