/**
 * The audit log against the real service and moto, as a small team
 * (PRISM_USERS_FILE) behind a trusted loopback proxy: a launch, a stop, a
 * refused stop, a project change and a request without a token are each
 * written with who, what, which object, the result and the address; only
 * the admin reads the log, filtered and paged, and exports it as CSV whose
 * formula-looking cells are neutralised; SQLite itself refuses to change a
 * row; no token or secret is in any row.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { AuditEntry, AuditPage } from '../src/contract/audit';
import type { Workstation } from '../src/contract/api';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';

const ADA = 'ada-admin-token-for-audit';
const BOB = 'bob-token-for-audit-tests';
const CY = 'cy-token-for-audit-tests';
const CLIENT = '203.0.113.7';
/** Sent in a body the log must never keep. */
const SECRET_NAME = 'secret-in-a-body-0123456789';

let prism: TestPrism;
let workstationId: string;

beforeAll(async () => {
  const usersFile = writeUsersFile([
    { user: 'ada', token: ADA, roles: ['admin'] },
    { user: 'bob', token: BOB },
    { user: 'cy', token: CY }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile, PRISM_TRUST_PROXY: 'loopback' });
}, 60_000);

afterAll(async () => {
  await prism?.stop();
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> =>
  requestAs(prism, token, route, method, body);

/** As if through the trusted proxy, which names the client in X-Forwarded-For. */
const forwarded = (token: string, route: string, method: string, body?: unknown): Promise<Response> =>
  prism.api(route, { token, method, headers: { 'X-Forwarded-For': CLIENT }, ...(body !== undefined && { body: JSON.stringify(body) }) });

async function audit(query = ''): Promise<AuditPage> {
  const res = await as(ADA, `/audit${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as AuditPage;
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, what: string, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

it('records a launch with the created id, and the address the trusted proxy forwarded', async () => {
  const launched = await forwarded(BOB, '/instances', 'POST', { name: 'audited', template: 'amazon-linux', arch: 'arm64' });
  expect(launched.status).toBe(202);
  workstationId = ((await launched.json()) as { id: string }).id;

  const [entry] = (await audit('?action=POST%20/instances&user=bob')).entries;
  expect(entry).toEqual({
    seq: expect.any(Number),
    at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    user: 'bob',
    action: 'POST /instances',
    object: workstationId,
    result: { status: 202, code: null },
    address: CLIENT
  });
}, 60_000);

it('records a stop, a stranger’s refused stop and a request without a token', async () => {
  await until(
    async () => (await (await as(BOB, `/instances/${workstationId}`)).json()) as Workstation,
    w => w.phase === 'ready' || w.phase === 'failed',
    'the workstation to be ready'
  );
  const refused = await as(CY, `/instances/${workstationId}/stop`, 'POST');
  expect(refused.status).toBe(404);
  expect((await as(BOB, `/instances/${workstationId}/stop`, 'POST')).status).toBe(200);
  expect((await prism.api(`/instances/${workstationId}/start`, { method: 'POST', token: null })).status).toBe(401);

  const entries = (await audit(`?object=${workstationId}`)).entries;
  expect(entries.map(e => [e.user, e.action, e.object, e.result, e.address])).toEqual([
    [null, 'POST /instances/:id/start', workstationId, { status: 401, code: 'UNAUTHENTICATED' }, '127.0.0.1'],
    ['bob', 'POST /instances/:id/stop', workstationId, { status: 200, code: null }, '127.0.0.1'],
    ['cy', 'POST /instances/:id/stop', workstationId, { status: 404, code: 'WORKSTATION_NOT_FOUND' }, '127.0.0.1'],
    ['bob', 'POST /instances', workstationId, { status: 202, code: null }, CLIENT]
  ]);
}, 180_000);

it('records a project made and a member added, findable by the project', async () => {
  expect((await as(BOB, '/projects', 'POST', { name: 'Genomics' })).status).toBe(201);
  expect((await as(BOB, '/projects/genomics/members/cy', 'PUT', { role: 'viewer' })).status).toBe(200);
  expect((await as(CY, '/projects/genomics/members/cy', 'PUT', { role: 'admin' })).status).toBe(403);

  const entries = (await audit('?object=genomics')).entries;
  expect(entries.map(e => [e.user, e.action, e.object, e.result.status, e.result.code])).toEqual([
    ['cy', 'PUT /projects/:id/members/:user', 'genomics/cy', 403, 'FORBIDDEN'],
    ['bob', 'PUT /projects/:id/members/:user', 'genomics/cy', 200, null],
    ['bob', 'POST /projects', 'genomics', 201, null]
  ]);
});

it('lets only a Prism admin read or export the log', async () => {
  for (const route of ['/audit', '/audit.csv']) {
    const res = await as(BOB, route);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({ code: 'FORBIDDEN', hint: expect.any(String) });
  }
  expect((await prism.api('/audit', { token: null })).status).toBe(401);
});

it('filters by user, action, result and time, and pages newest first with a cursor that holds while the log grows', async () => {
  expect((await audit('?user=cy')).entries.every(e => e.user === 'cy')).toBe(true);
  expect((await audit('?user=cy')).entries).toHaveLength(2);
  expect((await audit('?action=stop')).entries.map(e => e.user)).toEqual(['bob', 'cy']);
  expect((await audit('?result=4xx')).entries.map(e => e.result.status)).toEqual([403, 401, 404]);
  expect((await audit('?result=FORBIDDEN')).entries.map(e => e.action)).toEqual(['PUT /projects/:id/members/:user']);
  expect((await audit('?result=202')).entries.map(e => e.action)).toEqual(['POST /instances']);

  const everything = (await audit()).entries;
  const middle = everything[3].at;
  const since = (await audit(`?from=${encodeURIComponent(middle)}`)).entries;
  expect(since.length).toBeGreaterThanOrEqual(4);
  expect(since.every(e => e.at >= middle)).toBe(true);
  expect((await audit(`?to=${encodeURIComponent(middle)}`)).entries.every(e => e.at <= middle)).toBe(true);

  const first = await audit('?limit=3');
  expect(first.entries.map(e => e.seq)).toEqual(everything.slice(0, 3).map(e => e.seq));
  // A new entry arrives between two pages: the next page goes on where the first stopped.
  expect((await as(CY, '/projects', 'POST', { name: 'Later' })).status).toBe(201);
  const seen: AuditEntry[] = [...first.entries];
  let cursor = first.nextCursor;
  while (cursor) {
    const page = await audit(`?limit=3&cursor=${cursor}`);
    seen.push(...page.entries);
    cursor = page.nextCursor;
  }
  expect(seen.map(e => e.seq)).toEqual(everything.map(e => e.seq));

  const bad = await as(ADA, '/audit?cursor=not-a-cursor');
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({ code: 'INVALID_REQUEST', hint: expect.any(String) });
  expect((await as(ADA, '/audit?from=yesterday')).status).toBe(400);
});

it('exports the filtered log as CSV with a header, RFC 4180 quoting and formulas neutralised', async () => {
  // The object is taken from the path as sent: a comma, quotes and a leading "=".
  const formula = '=HYPERLINK("http://x",1)';
  expect((await as(CY, `/instances/${encodeURIComponent(formula)}`, 'DELETE')).status).toBe(404);

  const res = await as(ADA, '/audit.csv?user=cy&action=DELETE');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?prism-audit\.csv"?$/);
  const lines = (await res.text()).split('\r\n');
  expect(lines[0]).toBe('seq,at,user,action,object,status,code,address');
  expect(lines[1]).toMatch(/^\d+,\d{4}-[^,]+Z,cy,DELETE \/instances\/:id,"'=HYPERLINK\(""http:\/\/x"",1\)",404,WORKSTATION_NOT_FOUND,127\.0\.0\.1$/);
  expect(lines.slice(2)).toEqual(['']);

  const all = (await (await as(ADA, '/audit.csv')).text()).trim().split('\r\n');
  expect(all).toHaveLength((await audit()).entries.length + 1);
});

it('keeps rows that SQLite itself refuses to change or delete, holding no token or secret', async () => {
  // A body the log must not keep: the name is refused with the launch.
  expect((await as(BOB, '/instances', 'POST', { name: SECRET_NAME, template: 'no-such-template', arch: 'arm64' })).status).toBeGreaterThanOrEqual(400);

  const db = new Database(path.join(prism.dataDir, 'prism.sqlite'));
  try {
    expect(() => db.prepare("UPDATE audit_log SET user = 'mallory'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    const rows = JSON.stringify(db.prepare('SELECT * FROM audit_log').all());
    expect(rows).toContain('"user":"bob"');
    for (const secret of [ADA, BOB, CY, prism.service.token, SECRET_NAME, 'Bearer']) {
      expect(rows).not.toContain(secret);
    }
  } finally {
    db.close();
  }
});

it('ignores X-Forwarded-For when PRISM_TRUST_PROXY does not name the proxy, so nobody writes another address into the log', async () => {
  const untrusting = await startPrism({ PRISM_TRUST_PROXY: '192.0.2.10' });
  try {
    const res = await untrusting.api('/projects', { method: 'POST', headers: { 'X-Forwarded-For': CLIENT }, body: JSON.stringify({ name: 'Spoofed' }) });
    expect(res.status).toBe(201);
    const page = (await (await untrusting.api('/audit?action=POST%20/projects')).json()) as AuditPage;
    expect(page.entries.map(e => [e.object, e.address])).toEqual([['spoofed', '127.0.0.1']]);
  } finally {
    await untrusting.stop();
  }
}, 60_000);
