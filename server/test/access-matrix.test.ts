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
import { accessTable, DOC_BEGIN, DOC_END, MATRIX, ROLES, rowTitle, type Fixture, type MatrixRow, type Role } from './support/access-matrix';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';

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
  await expectStatus(as(TOKENS.projectAdmin.token, `/projects/${project}/budget`, 'PUT', { monthlyUsd: 5000, hardStop: false }), 200);
  const template = await expectStatus(as(owner, '/templates/amazon-linux'), 200);
  fixture = {
    workstation: launched.id as string,
    project,
    volume,
    freshVolume: '',
    template: 'amazon-linux',
    templateVersion: template.version as string,
    catalogTemplate: 'matrix-catalog-tool'
  };
  await until(async () => ['ready', 'failed'].includes((await workstation()).phase), 'the launch to finish');
  expect(await workstation()).toMatchObject({ phase: 'ready', state: 'running' });
  // Each person's own key pair, so GET /keys/private has one to hand out.
  for (const { token } of Object.values(TOKENS)) await expectStatus(as(token, '/keys/rotate', 'POST'), 200);
}, 240_000);

afterAll(async () => {
  await prism?.stop();
  fs.rmSync(templatesDir, { recursive: true, force: true });
});

/** The API router's routes, as Express will try them. */
function serviceRoutes(): string[] {
  return [...new Set(listRoutes(prism.service.app.api).map(r => `${r.method} ${r.path}`))];
}

it('has a row for every route of the service, and no row for a route it does not have', () => {
  const routes = serviceRoutes();
  const rows = new Set(MATRIX.map(row => row.route));
  expect({ routesWithoutRow: routes.filter(r => !rows.has(r)), rowsWithoutRoute: [...rows].filter(r => !routes.includes(r)) }).toEqual({
    routesWithoutRow: [],
    rowsWithoutRoute: []
  });
});

it('prints the same table in docs/access.md', () => {
  const doc = fs.readFileSync(path.join(REPO, 'docs', 'access.md'), 'utf8');
  const begin = doc.indexOf(DOC_BEGIN);
  const end = doc.indexOf(DOC_END);
  expect(begin).toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(begin);
  expect(doc.slice(begin + DOC_BEGIN.length, end).trim()).toBe(accessTable().trim());
});

async function probe(row: MatrixRow, role: Role): Promise<{ status: number; code?: string }> {
  if (row.probe.workstation) await putWorkstation(row.probe.workstation);
  if (row.probe.freshVolume) {
    fixture.freshVolume = (await expectStatus(as(owner, '/volumes', 'POST', { name: `fresh-${role.toLowerCase()}`, project: fixture.project }), 201)).id as string;
  }
  const method = row.route.split(' ')[0];
  const body = row.probe.body?.(fixture, role);
  const res = await prism.api(row.probe.path(fixture), {
    method,
    token: role === 'anonymous' ? null : TOKENS[role].token,
    ...(body !== undefined && { body: JSON.stringify(body) })
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
