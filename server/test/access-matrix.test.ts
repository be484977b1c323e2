/**
 * The route × role matrix against the real service and moto: every route in
 * the Express router stack is asked by each kind of person (anonymous, a
 * stranger, the owner, a project viewer, member and admin, a Prism admin)
 * and must answer what server/test/support/access-matrix.ts says, which is
 * also the table in docs/access.md. One service, one launch.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Workstation } from '../src/contract/api';
import { listRoutes } from '../src/http/audit-middleware';
import {
  accessTable,
  DOC_BEGIN,
  DOC_END,
  MATRIX,
  MATRIX_NOTEBOOK,
  ROLES,
  rowTitle,
  SOCKET_MATRIX,
  type Fixture,
  type MatrixRow,
  type Role
} from './support/access-matrix';
import { requestAs, startPrism, writeUsersFile, type PrismClientSocket, type TestPrism } from './support/prism';

const REPO = path.resolve(__dirname, '..', '..');
const CATALOG_BUCKET = 'prism-matrix-catalog';
const TOKENS: Record<Exclude<Role, 'anonymous'>, { user: string; token: string }> = {
  stranger: { user: 'sam', token: 'sam-stranger-token-matrix' },
  owner: { user: 'olga', token: 'olga-owner-token-matrix' },
  viewer: { user: 'vic', token: 'vic-viewer-token-matrix' },
  member: { user: 'meg', token: 'meg-member-token-matrix' },
  projectAdmin: { user: 'pat', token: 'pat-project-admin-token' },
  admin: { user: 'ada', token: 'ada-prism-admin-token-mx' }
};
/** Refusals first, so an allowed request never changes what a refused one meets. */
const PROBE_ORDER: Role[] = ['anonymous', 'stranger', 'admin', 'viewer', 'owner', 'member', 'projectAdmin'];

let prism: TestPrism;
let templatesDir: string;
let fixture: Fixture;
/** Each signed-in role's open socket, and the workstation's state events it received. */
const sockets = new Map<Role, PrismClientSocket>();
const statesSeen = new Map<Role, number>();
let anonymousRefused = false;

const owner = TOKENS.owner.token;
const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> => requestAs(prism, token, route, method, body);

async function expectStatus(res: Promise<Response>, status: number): Promise<Record<string, unknown>> {
  const answer = await res;
  const body = (await answer.json()) as Record<string, unknown>;
  if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${JSON.stringify(body)}`);
  return body;
}

async function workstation(): Promise<Workstation> {
  return (await (await as(owner, `/instances/${fixture.workstation}`)).json()) as Workstation;
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

/** The owner puts the workstation in `state` (start or stop), as a setup step no cell counts. */
async function putWorkstation(state: 'running' | 'stopped'): Promise<void> {
  const now = (await workstation()).state;
  if (state === 'running' && now !== 'running') await expectStatus(as(owner, `/instances/${fixture.workstation}/start`, 'POST'), 200);
  if (state === 'stopped' && now === 'running') await expectStatus(as(owner, `/instances/${fixture.workstation}/stop`, 'POST'), 200);
  const settled = (now: string): boolean => (state === 'running' ? now === 'running' : now === 'stopped' || now === 'hibernated');
  await until(async () => settled((await workstation()).state), `the workstation ${state}`);
}

/** The owner snapshots the workstation and waits until EC2 has copied it (so it can be restored). */
async function takeSnapshot(): Promise<string> {
  const id = (await expectStatus(as(owner, `/instances/${fixture.workstation}/snapshots`, 'POST', {}), 202)).id as string;
  // GET /snapshots asks EC2 about pending ones; GET /snapshots/:id only reads the record.
  const completed = async (): Promise<boolean> =>
    ((await (await as(owner, '/snapshots')).json()) as { id: string; state: string }[]).some(s => s.id === id && s.state === 'completed');
  await until(completed, `snapshot ${id} completed`);
  return id;
}

async function publishCatalog(): Promise<void> {
  const s3 = new S3Client({
    endpoint: prism.moto.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' }
  });
  const put = (key: string, body: string): Promise<unknown> => s3.send(new PutObjectCommand({ Bucket: CATALOG_BUCKET, Key: key, Body: body }));
  await s3.send(new CreateBucketCommand({ Bucket: CATALOG_BUCKET }));
  await put(
    'templates/matrix-catalog-tool.yaml',
    'name: matrix-catalog-tool\ntitle: Matrix catalog tool\ndescription: A community template for the access matrix.\nversion: 1.0.0\ninherits: amazon-linux\n'
  );
  await put(
    'index.json',
    JSON.stringify({
      catalog: { name: 'Matrix catalog', updatedAt: '2026-11-20T09:00:00Z' },
      templates: [
        {
          name: 'matrix-catalog-tool',
          version: '1.0.0',
          title: 'Matrix catalog tool',
          description: 'A community template for the access matrix.',
          arches: ['arm64', 'x86_64'],
          inherits: 'amazon-linux',
          path: 'templates/matrix-catalog-tool.yaml',
          publishedAt: '2026-11-01T12:00:00Z'
        }
      ]
    })
  );
  s3.destroy();
}

beforeAll(async () => {
  templatesDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-matrix-templates-'));
  fs.cpSync(path.join(REPO, 'templates'), templatesDir, { recursive: true });
  prism = await startPrism({
    PRISM_USERS_FILE: writeUsersFile(Object.entries(TOKENS).map(([role, u]) => ({ ...u, roles: role === 'admin' ? ['admin'] : ['user'] }))),
    PRISM_TEMPLATES_DIR: templatesDir,
    PRISM_CATALOG_URL: `s3://${CATALOG_BUCKET}/index.json`
  });
  await publishCatalog();

  const project = (await expectStatus(as(TOKENS.projectAdmin.token, '/projects', 'POST', { name: 'Lab' }), 201)).id as string;
  for (const role of ['owner', 'viewer', 'member'] as const) {
    await expectStatus(as(TOKENS.projectAdmin.token, `/projects/${project}/members/${TOKENS[role].user}`, 'PUT', { role: role === 'viewer' ? 'viewer' : 'member' }), 200);
  }
  const launched = await expectStatus(as(owner, '/instances', 'POST', { name: 'matrix', template: 'amazon-linux', arch: 'arm64', project }), 202);
  const volume = (await expectStatus(as(owner, '/volumes', 'POST', { name: 'matrix-data', project }), 201)).id as string;
  await expectStatus(as(TOKENS.projectAdmin.token, '/datasets', 'POST', { name: 'matrix-set', bucket: CATALOG_BUCKET, prefix: 'templates/', project }), 201);
  const sync = (await expectStatus(as(owner, '/syncs', 'POST', { dataset: 'matrix-set', volume, folder: 'in', everyMinutes: 60, project }), 201)).id as string;
  await expectStatus(as(TOKENS.projectAdmin.token, `/projects/${project}/budget`, 'PUT', { monthlyUsd: 5000, hardStop: false }), 200);
  const template = await expectStatus(as(owner, '/templates/amazon-linux'), 200);
  fixture = {
    workstation: launched.id as string,
    project,
    volume,
    freshVolume: '',
    sync,
    freshSync: '',
    snapshot: '',
    freshSnapshot: '',
    template: 'amazon-linux',
    templateVersion: template.version as string,
    catalogTemplate: 'matrix-catalog-tool',
    notebook: 'matrix.ipynb'
  };
  for (let version = 1; version <= 2; version++) {
    const shared = await prism.api(`/projects/${project}/notebooks/matrix.ipynb/versions`, {
      token: TOKENS.projectAdmin.token,
      method: 'POST',
      body: MATRIX_NOTEBOOK,
      headers: { 'Content-Type': 'application/x-ipynb+json' }
    });
    expect(shared.status).toBe(201);
  }
  await until(async () => ['ready', 'failed'].includes((await workstation()).phase), 'the launch to finish');
  expect(await workstation()).toMatchObject({ phase: 'ready', state: 'running' });
  await connectSockets();
  fixture.snapshot = await takeSnapshot();
  // Each person's own key pair, so GET /keys/private has one to hand out.
  for (const { token } of Object.values(TOKENS)) await expectStatus(as(token, '/keys/rotate', 'POST'), 200);
}, 240_000);

afterAll(async () => {
  await prism?.stop();
  fs.rmSync(templatesDir, { recursive: true, force: true });
});

async function connectSockets(): Promise<void> {
  for (const role of ROLES) {
    const socket = prism.socket({ token: role === 'anonymous' ? null : TOKENS[role].token });
    const connected = await new Promise<boolean>(resolve => {
      socket.on('connect', () => resolve(true));
      socket.on('connect_error', () => resolve(false));
    });
    if (!connected) {
      if (role === 'anonymous') anonymousRefused = true;
      continue;
    }
    sockets.set(role, socket);
    statesSeen.set(role, 0);
    socket.on('instance:state', event => {
      if (event.id === fixture.workstation) statesSeen.set(role, (statesSeen.get(role) ?? 0) + 1);
    });
  }
}

async function watch(role: Role): Promise<number> {
  const socket = sockets.get(role);
  if (!socket) return role === 'anonymous' && anonymousRefused ? 401 : 0;
  const ack = await socket.emitWithAck('instance:watch', fixture.workstation);
  return 'data' in ack ? 200 : ack.error.status;
}

/** The API router's routes, as Express will try them. */
function serviceRoutes(): string[] {
  return [...new Set(listRoutes(prism.service.app.api).map(r => `${r.method} ${r.path}`))];
}

it('has a row for every route of the service, and no row for a route it does not have', () => {
  const routes = serviceRoutes();
  const rows = new Set(MATRIX.map(row => row.route));
  const withoutRow = routes.filter(r => !rows.has(r));
  const withoutRoute = [...rows].filter(r => !routes.includes(r));
  if (withoutRow.length || withoutRoute.length) {
    throw new Error(
      [
        ...(withoutRow.length ? ['Routes without a row in server/test/support/access-matrix.ts (add each, with a probe and what every role gets):', ...withoutRow.map(r => `  ${r}`)] : []),
        ...(withoutRoute.length ? ['Rows for routes the service no longer has:', ...withoutRoute.map(r => `  ${r}`)] : []),
        'Then put the table the docs test prints into docs/access.md.'
      ].join('\n')
    );
  }
});

it('prints the same table in docs/access.md', () => {
  const doc = fs.readFileSync(path.join(REPO, 'docs', 'access.md'), 'utf8');
  const begin = doc.indexOf(DOC_BEGIN);
  const end = doc.indexOf(DOC_END);
  expect(begin).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(begin);
  const table = accessTable().trim();
  if (doc.slice(begin + DOC_BEGIN.length, end).trim() !== table) {
    throw new Error(`docs/access.md differs from the matrix; put this between its markers:\n\n${table}\n`);
  }
});

async function probe(row: MatrixRow, role: Role): Promise<{ status: number; code?: string }> {
  if (row.probe.workstation) await putWorkstation(row.probe.workstation);
  if (row.probe.freshVolume) {
    fixture.freshVolume = (await expectStatus(as(owner, '/volumes', 'POST', { name: `fresh-${role.toLowerCase()}`, project: fixture.project }), 201)).id as string;
  }
  if (row.probe.freshSync) {
    const body = { dataset: 'matrix-set', volume: fixture.volume, folder: 'in', everyMinutes: 60, project: fixture.project };
    fixture.freshSync = (await expectStatus(as(owner, '/syncs', 'POST', body), 201)).id as string;
  }
  if (row.probe.freshSnapshot) fixture.freshSnapshot = await takeSnapshot();
  if (row.probe.snapshotSchedule) {
    await expectStatus(as(owner, `/instances/${fixture.workstation}/snapshot-schedule`, 'PUT', { everyHours: 24, keep: 3 }), 200);
  }
  const method = row.route.split(' ')[0];
  const body = row.probe.body?.(fixture, role);
  const res = await prism.api(row.probe.path(fixture, role), {
    method,
    token: role === 'anonymous' ? null : TOKENS[role].token,
    ...(body !== undefined && { body: row.probe.contentType ? String(body) : JSON.stringify(body) }),
    ...(row.probe.contentType && { headers: { 'Content-Type': row.probe.contentType } })
  });
  const text = await res.text();
  const code = /json/.test(res.headers.get('content-type') ?? '') && text ? (JSON.parse(text) as { code?: string }).code : undefined;
  return { status: res.status, ...(res.status >= 300 && code && { code }) };
}

it('answers each role as the matrix says, on every route', async () => {
  const wrong: string[] = [];
  for (const row of MATRIX) {
    for (const role of PROBE_ORDER) {
      const cell = row.cells[role];
      const expected = typeof cell === 'number' ? cell : cell.probe;
      const got = await probe(row, role);
      if (got.status !== expected) {
        wrong.push(`${rowTitle(row)} as ${role}: expected ${expected}, got ${got.status}${got.code ? ` ${got.code}` : ''}`);
      }
    }
  }
  expect(wrong).toEqual([]);
}, 600_000);

it('lists every role in every row', () => {
  for (const row of MATRIX) expect(Object.keys(row.cells).sort()).toEqual([...ROLES].sort());
});

it('answers the socket as the matrix says: who may watch the workstation, and whose rooms its events reach', async () => {
  // The REST probes above stopped, started and finally terminated the workstation; its last state event may trail.
  await until(async () => (statesSeen.get('owner') ?? 0) > 0, 'the owner to see the workstation\'s state events', 10_000);
  const wrong: string[] = [];
  for (const row of SOCKET_MATRIX) {
    for (const role of ROLES) {
      const expected = row.cells[role];
      const got = row.event === 'instance:watch' ? await watch(role) : (statesSeen.get(role) ?? 0) > 0 ? 'yes' : 'no';
      if (got !== expected) wrong.push(`${row.event} as ${role}: expected ${expected}, got ${got}`);
    }
  }
  expect(wrong).toEqual([]);
});
