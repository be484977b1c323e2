/**
 * No secret in the logs: a whole run of a real prism-server at debug level,
 * its pino output captured to a file (a launch to ready with its boot
 * reports, the SSH key downloaded, a scrape of the metrics, failed sign-ins,
 * a graceful stop), then the file is searched for every secret the run
 * knew: the service token, a user's token, the metrics token, the AWS secret
 * key, the SSH private key, the launch's boot and Jupyter tokens.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Connection, Workstation } from '../src/contract/api';
import { startMoto, type Moto } from './support/moto';
import { writeUsersFile } from './support/prism';
import { spawnPrism, type PrismProcess } from './support/prism-process';
import { waitForWorkstation } from './support/workstations';

const secret = (): string => crypto.randomBytes(24).toString('hex');
const USER_TOKEN = secret();
const METRICS_TOKEN = secret();
const AWS_SECRET = secret();
const GUESSED_TOKEN = secret();

let moto: Moto;
let dataDir: string;
let prism: PrismProcess | undefined;

beforeAll(async () => {
  moto = await startMoto();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-secrets-'));
}, 90_000);

afterAll(async () => {
  await prism?.kill();
  await moto?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('writes none of the secrets a whole run handled to its log', async () => {
  const logFile = path.join(dataDir, 'prism.log');
  prism = await spawnPrism(
    moto.endpoint,
    dataDir,
    {
      PRISM_LOG_LEVEL: 'debug',
      PRISM_USERS_FILE: writeUsersFile([{ user: 'ada', token: USER_TOKEN }]),
      PRISM_METRICS_TOKEN: METRICS_TOKEN,
      AWS_SECRET_ACCESS_KEY: AWS_SECRET
    },
    { logFile }
  );
  const serviceToken = prism.token;
  const as = (token: string, route: string, init: RequestInit = {}): Promise<Response> =>
    (prism as PrismProcess).api(route, { ...init, headers: { Authorization: `Bearer ${token}`, ...init.headers } });

  const launched = await as(USER_TOKEN, '/instances', { method: 'POST', body: JSON.stringify({ name: 'quiet', template: 'amazon-linux', arch: 'arm64' }) });
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as { id: string };
  const ready = await waitForWorkstation(async () => (await (await as(USER_TOKEN, `/instances/${id}`)).json()) as Workstation, w => w.phase === 'ready' || w.phase === 'failed', 150_000);
  expect(ready.phase).toBe('ready');
  const connection = (await (await as(USER_TOKEN, `/instances/${id}/connection`)).json()) as Connection;
  expect(connection.jupyterUrl).toContain('token=');

  const key = await as(USER_TOKEN, '/keys/private');
  expect(key.status).toBe(200);
  const privateKey = await key.text();
  expect(privateKey).toContain('PRIVATE KEY');

  for (const token of [GUESSED_TOKEN, `${USER_TOKEN.slice(0, -1)}x`]) expect((await as(token, '/me')).status).toBe(401);
  expect((await fetch(`${prism.url}metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).status).toBe(200);
  expect(await prism.terminate()).toBe(0);
  prism = undefined;

  const db = new Database(path.join(dataDir, 'prism.sqlite'), { readonly: true });
  const record = JSON.parse((db.prepare('SELECT body FROM workstations WHERE id = ?').get(id) as { body: string }).body) as { bootToken: string; jupyterToken: string };
  db.close();
  const secrets: Record<string, string> = {
    'the service token': serviceToken,
    "ada's token": USER_TOKEN,
    'the metrics token': METRICS_TOKEN,
    'the AWS secret key': AWS_SECRET,
    'a guessed token': GUESSED_TOKEN,
    'the boot token': record.bootToken,
    'the Jupyter token': record.jupyterToken,
    // Any line of the key's body would give part of it away.
    ...Object.fromEntries(
      privateKey
        .split('\n')
        .filter(line => line.length >= 40 && !line.startsWith('-----'))
        .map((line, i) => [`line ${i + 1} of the SSH private key`, line])
    )
  };
  expect(record.bootToken.length).toBeGreaterThanOrEqual(16);
  expect(record.jupyterToken.length).toBeGreaterThanOrEqual(16);

  const log = fs.readFileSync(logFile, 'utf8');
  // The log is the whole run's: it is not empty or cut short, so finding nothing means something.
  expect(log).toContain('prism-server listening');
  expect(log).toContain('workstation ready');
  expect(log).toContain('downloaded their private key');
  expect(log).toContain('shutting down');
  const found = Object.entries(secrets)
    .filter(([, value]) => log.includes(value))
    .map(([name]) => name);
  expect(found).toEqual([]);
}, 300_000);
