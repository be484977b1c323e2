/**
 * Shared notebooks end to end against the real service and moto: a small
 * team (PRISM_USERS_FILE) publishes notebooks to a project, reads them back
 * byte for byte, lists their versions, and unpublishes them as their roles
 * allow; other members' real socket.io clients hear of each new version and
 * a stranger's do not; every change is in the audit log.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { AuditPage } from '../src/contract/audit';
import type { NotebookPublishedEvent, NotebookUnpublishedEvent, SharedNotebook, SharedNotebookVersion } from '../src/contract/shared-notebooks';
import { isAllowed } from './support/iam-policy';
import { requestAs, startPrism, writeUsersFile, type PrismClientSocket, type TestPrism } from './support/prism';

const PEOPLE = {
  ana: 'ana-project-admin-notebooks-token',
  ben: 'ben-member-notebooks-token',
  max: 'max-member-notebooks-token',
  vera: 'vera-viewer-notebooks-token',
  sam: 'sam-stranger-notebooks-token',
  ada: 'ada-prism-admin-notebooks-token'
};
const PROJECT = 'cell-atlas';
const NOTEBOOK = 'QC – Ångström 漢字.ipynb';
const sha256 = (bytes: Buffer): string => crypto.createHash('sha256').update(bytes).digest('hex');

let prism: TestPrism;
let s3: S3Client;
const heard: Record<'max' | 'sam', { published: NotebookPublishedEvent[]; unpublished: NotebookUnpublishedEvent[] }> = {
  max: { published: [], unpublished: [] },
  sam: { published: [], unpublished: [] }
};

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> => requestAs(prism, token, route, method, body);
const notebookPath = (name: string, project = PROJECT): string => `/projects/${project}/notebooks/${encodeURIComponent(name)}`;

function publish(token: string, name: string, bytes: Buffer, options: { note?: string; project?: string; contentType?: string } = {}): Promise<Response> {
  const query = options.note === undefined ? '' : `?note=${encodeURIComponent(options.note)}`;
  return prism.api(`${notebookPath(name, options.project)}/versions${query}`, {
    token,
    method: 'POST',
    body: bytes,
    headers: { 'Content-Type': options.contentType ?? 'application/x-ipynb+json' }
  });
}

async function open(token: string, name: string, version: number): Promise<{ status: number; bytes: Buffer; etag: string | null }> {
  const res = await prism.api(`${notebookPath(name)}/versions/${version}`, { token });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), etag: res.headers.get('etag') };
}

async function listed(token: string): Promise<SharedNotebook[]> {
  const res = await as(token, `/projects/${PROJECT}/notebooks`);
  expect(res.status).toBe(200);
  return (await res.json()) as SharedNotebook[];
}

/**
 * A notebook as a person's editor might leave it: CRLF line ends, tabs and
 * trailing spaces between tokens, raw non-ASCII, an escaped U+2028, and an
 * output cell of `outputBytes` (more than the API's 1 MB JSON limit when asked).
 * Parsing and writing it again would change every one of those bytes.
 */
function oddNotebook(marker: string, outputBytes = 1024): Buffer {
  const output = crypto.randomBytes(Math.ceil((outputBytes * 3) / 4)).toString('base64').slice(0, outputBytes);
  const text = [
    '{',
    ' "cells": [',
    '  {',
    '   "cell_type": "markdown",\t',
    '   "metadata": {},',
    `   "source": ["# ${marker}: Ångström — 漢字 ✓ 🧬\\n", "tab\\there \\u2028 and   trailing   "]   `,
    '  },',
    '  {',
    '   "cell_type" :  "code",',
    '   "execution_count": 1,',
    '   "metadata": {"tags": ["naïve"]},',
    `   "outputs": [{"name": "stdout", "output_type": "stream", "text": ["${output}"]}],`,
    '   "source": ["print(\\"héllo\\")"]',
    '  }',
    ' ],',
    ' "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},',
    ' "nbformat": 4,',
    ' "nbformat_minor": 5',
    '}'
  ].join('\r\n');
  return Buffer.from(`${text}\r\n\t \r\n`, 'utf8');
}

async function connected(token: string): Promise<PrismClientSocket> {
  const socket = prism.socket({ token });
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  return socket;
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  prism = await startPrism({
    PRISM_USERS_FILE: writeUsersFile(Object.entries(PEOPLE).map(([user, token]) => ({ user, token, roles: user === 'ada' ? ['admin'] : ['user'] })))
  });
  s3 = new S3Client({ endpoint: prism.moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  expect((await as(PEOPLE.ana, '/projects', 'POST', { name: 'Cell Atlas' })).status).toBe(201);
  for (const [user, role] of [['ben', 'member'], ['max', 'member'], ['vera', 'viewer'], ['ada', 'viewer']]) {
    expect((await as(PEOPLE.ana, `/projects/${PROJECT}/members/${user}`, 'PUT', { role })).status).toBe(200);
  }
  expect((await as(PEOPLE.sam, '/projects', 'POST', { name: 'Sam Lab' })).status).toBe(201);
  for (const who of ['max', 'sam'] as const) {
    const socket = await connected(PEOPLE[who]);
    socket.on('notebook:published', event => heard[who].published.push(event));
    socket.on('notebook:unpublished', event => heard[who].unpublished.push(event));
  }
}, 60_000);

afterAll(async () => {
  s3?.destroy();
  await prism?.stop();
});

describe('publishing and opening', () => {
  it('gives back exactly the bytes published, CRLF, odd whitespace, non-ASCII and a 3 MB output included', async () => {
    const bytes = oddNotebook('v1', 3 * 1024 * 1024);
    expect(bytes.length).toBeGreaterThan(1_048_576);
    const res = await publish(PEOPLE.ben, NOTEBOOK, bytes, { note: 'Première version ✓' });
    expect(res.status).toBe(201);
    const published = (await res.json()) as SharedNotebookVersion;
    expect(published).toMatchObject({ project: PROJECT, name: NOTEBOOK, version: 1, author: 'ben', note: 'Première version ✓', size: bytes.length, sha256: sha256(bytes) });

    const read = await open(PEOPLE.vera, NOTEBOOK, 1);
    expect(read.status).toBe(200);
    expect(sha256(read.bytes)).toBe(sha256(bytes));
    expect(read.bytes.equals(bytes)).toBe(true);
    expect(read.etag).toBe(`"${sha256(bytes)}"`);
  });

  it('keeps the bytes in Prism\'s own bucket under prism-shared-notebooks/, where its IAM policy allows exactly that', async () => {
    const bucket = 'prism-123456789012-us-east-1';
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: `prism-shared-notebooks/${PROJECT}/` }));
    expect(objects.Contents?.length).toBe(1);
    const key = objects.Contents?.[0].Key as string;
    const policy = fs.readFileSync(path.resolve(__dirname, '..', '..', 'docs', 'iam-policy.json'), 'utf8');
    for (const action of ['s3:PutObject', 's3:GetObject', 's3:DeleteObject']) {
      expect({ action, allowed: isAllowed(policy, { action, resource: `arn:aws:s3:::${bucket}/${key}` }) }).toEqual({ action, allowed: true });
    }
  });

  it('numbers new versions 2 and 3, lists the latest with author, version and date, and still opens version 1', async () => {
    const second = oddNotebook('v2');
    const third = oddNotebook('v3');
    expect(((await (await publish(PEOPLE.ben, NOTEBOOK, second)).json()) as SharedNotebookVersion).version).toBe(2);
    expect(((await (await publish(PEOPLE.ben, NOTEBOOK, third, { note: 'fixed the axis' })).json()) as SharedNotebookVersion).version).toBe(3);

    const [notebook] = (await listed(PEOPLE.vera)).filter(n => n.name === NOTEBOOK);
    expect(notebook).toMatchObject({ name: NOTEBOOK, author: 'ben', version: 3, versions: 3, note: 'fixed the axis', size: third.length, sha256: sha256(third), canUnpublish: false });
    expect(new Date(notebook.publishedAt).toISOString()).toBe(notebook.publishedAt);

    const versions = (await (await as(PEOPLE.vera, `${notebookPath(NOTEBOOK)}/versions`)).json()) as SharedNotebookVersion[];
    expect(versions.map(v => [v.version, v.author, v.size])).toEqual([
      [3, 'ben', third.length],
      [2, 'ben', second.length],
      [1, 'ben', expect.any(Number)]
    ]);
    expect((await open(PEOPLE.max, NOTEBOOK, 2)).bytes.equals(second)).toBe(true);
    expect(sha256((await open(PEOPLE.max, NOTEBOOK, 1)).bytes)).toBe(versions[2].sha256);
  });

  it('tells another member\'s socket of each new version, and not a stranger\'s', async () => {
    await until(() => heard.max.published.filter(e => e.name === NOTEBOOK).length === 3, 'max to hear of three versions');
    expect(heard.max.published.filter(e => e.name === NOTEBOOK).map(e => [e.kind, e.project, e.version, e.author])).toEqual([
      ['published', PROJECT, 1, 'ben'],
      ['published', PROJECT, 2, 'ben'],
      ['published', PROJECT, 3, 'ben']
    ]);
    // Sam hears of his own project's notebook, sent after all of those: what he did not hear was not sent to him.
    expect((await publish(PEOPLE.sam, 'own.ipynb', oddNotebook('sam'), { project: 'sam-lab' })).status).toBe(201);
    await until(() => heard.sam.published.length > 0, 'sam to hear of his own notebook');
    expect(heard.sam.published.map(e => [e.project, e.name])).toEqual([['sam-lab', 'own.ipynb']]);
  });
});

describe('who may do what', () => {
  it('refuses a viewer\'s publication with 403 and a hint, and stores nothing', async () => {
    const res = await publish(PEOPLE.vera, 'viewer.ipynb', oddNotebook('viewer'));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'FORBIDDEN', hint: expect.stringContaining('ana') });
    expect((await listed(PEOPLE.vera)).map(n => n.name)).not.toContain('viewer.ipynb');
  });

  it('answers a stranger 404 on every notebook route, as if the project did not exist', async () => {
    const answers = await Promise.all([
      as(PEOPLE.sam, `/projects/${PROJECT}/notebooks`),
      publish(PEOPLE.sam, 'stranger.ipynb', oddNotebook('stranger')),
      as(PEOPLE.sam, `${notebookPath(NOTEBOOK)}/versions`),
      prism.api(`${notebookPath(NOTEBOOK)}/versions/1`, { token: PEOPLE.sam }),
      as(PEOPLE.sam, `${notebookPath(NOTEBOOK)}/versions/1`, 'DELETE'),
      as(PEOPLE.sam, notebookPath(NOTEBOOK), 'DELETE')
    ]);
    for (const res of answers) {
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    }
    expect((await open(PEOPLE.ben, NOTEBOOK, 1)).status).toBe(200);
  });

  it('keeps a name to its author: another member may not publish over it or unpublish it', async () => {
    const over = await publish(PEOPLE.max, NOTEBOOK, oddNotebook('max'));
    expect(over.status).toBe(409);
    expect(await over.json()).toMatchObject({ code: 'NOTEBOOK_NAME_TAKEN', hint: expect.any(String) });
    const unpublish = await as(PEOPLE.max, notebookPath(NOTEBOOK), 'DELETE');
    expect(unpublish.status).toBe(403);
    expect(await unpublish.json()).toMatchObject({ code: 'FORBIDDEN', hint: expect.stringContaining('ben') });
    expect((await as(PEOPLE.max, `${notebookPath(NOTEBOOK)}/versions/1`, 'DELETE')).status).toBe(403);
    expect((await listed(PEOPLE.max)).find(n => n.name === NOTEBOOK)).toMatchObject({ version: 3, versions: 3, canUnpublish: false });
  });

  it('lets the author unpublish one version; it is gone, the others stay, and members hear of it', async () => {
    expect((await listed(PEOPLE.ben)).find(n => n.name === NOTEBOOK)?.canUnpublish).toBe(true);
    expect((await as(PEOPLE.ben, `${notebookPath(NOTEBOOK)}/versions/1`, 'DELETE')).status).toBe(204);
    const gone = await prism.api(`${notebookPath(NOTEBOOK)}/versions/1`, { token: PEOPLE.vera });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ code: 'NOTEBOOK_VERSION_NOT_FOUND' });
    const versions = (await (await as(PEOPLE.vera, `${notebookPath(NOTEBOOK)}/versions`)).json()) as SharedNotebookVersion[];
    expect(versions.map(v => v.version)).toEqual([3, 2]);
    await until(() => heard.max.unpublished.length === 1, 'max to hear of the unpublished version');
    expect(heard.max.unpublished[0]).toMatchObject({ kind: 'unpublished', project: PROJECT, name: NOTEBOOK, version: 1, by: 'ben' });
  });

  it('lets a project admin unpublish a member\'s whole notebook, and a Prism admin in the project another', async () => {
    expect((await publish(PEOPLE.max, 'max-draft.ipynb', oddNotebook('max'))).status).toBe(201);
    expect((await publish(PEOPLE.max, 'max-other.ipynb', oddNotebook('max-other'))).status).toBe(201);
    expect((await listed(PEOPLE.ana)).find(n => n.name === 'max-draft.ipynb')?.canUnpublish).toBe(true);
    expect((await as(PEOPLE.ana, notebookPath('max-draft.ipynb'), 'DELETE')).status).toBe(204);
    expect((await as(PEOPLE.ada, notebookPath('max-other.ipynb'), 'DELETE')).status).toBe(204);
    const names = (await listed(PEOPLE.max)).map(n => n.name);
    expect(names).not.toContain('max-draft.ipynb');
    expect(names).not.toContain('max-other.ipynb');
    expect((await as(PEOPLE.max, `${notebookPath('max-draft.ipynb')}/versions`)).status).toBe(404);
  });

  it('numbers a version after an unpublished latest one anew, never reusing its number', async () => {
    expect((await as(PEOPLE.ben, `${notebookPath(NOTEBOOK)}/versions/3`, 'DELETE')).status).toBe(204);
    const again = (await (await publish(PEOPLE.ben, NOTEBOOK, oddNotebook('v4'))).json()) as SharedNotebookVersion;
    expect(again.version).toBe(4);
  });
});

describe('bad input changes nothing', () => {
  const before = async (): Promise<string> => JSON.stringify((await listed(PEOPLE.ben)).map(n => [n.name, n.version]));

  it('refuses what is not a notebook, an unsafe name, a JSON body and an oversized file, each with a hint', async () => {
    const was = await before();
    const cases: [Promise<Response>, number, string][] = [
      [publish(PEOPLE.ben, 'plain.ipynb', Buffer.from('not json at all')), 400, 'NOTEBOOK_INVALID'],
      [publish(PEOPLE.ben, 'plain.ipynb', Buffer.from('{"cells": []}')), 400, 'NOTEBOOK_INVALID'],
      [publish(PEOPLE.ben, 'latin1.ipynb', Buffer.from([0x7b, 0xe9, 0x7d])), 400, 'NOTEBOOK_INVALID'],
      [publish(PEOPLE.ben, '../../etc/passwd.ipynb', oddNotebook('path')), 400, 'NOTEBOOK_NAME_INVALID'],
      [publish(PEOPLE.ben, '..\\outside.ipynb', oddNotebook('path')), 400, 'NOTEBOOK_NAME_INVALID'],
      [publish(PEOPLE.ben, '.hidden.ipynb', oddNotebook('path')), 400, 'NOTEBOOK_NAME_INVALID'],
      [publish(PEOPLE.ben, 'notes.txt', oddNotebook('txt')), 400, 'NOTEBOOK_NAME_INVALID'],
      [publish(PEOPLE.ben, 'json.ipynb', oddNotebook('json'), { contentType: 'application/json' }), 415, 'NOTEBOOK_MEDIA_TYPE'],
      [publish(PEOPLE.ben, 'huge.ipynb', oddNotebook('huge', 21 * 1024 * 1024)), 413, 'NOTEBOOK_TOO_LARGE'],
      [as(PEOPLE.ben, `${notebookPath(NOTEBOOK)}/versions/latest`), 400, 'INVALID_REQUEST']
    ];
    for (const [answer, status, code] of cases) {
      const res = await answer;
      const body = (await res.json()) as { code: string; hint: string };
      expect({ status: res.status, code: body.code }).toEqual({ status, code });
      expect(body.hint.length).toBeGreaterThan(10);
    }
    expect(await before()).toBe(was);
    const objects = await s3.send(new ListObjectsV2Command({ Bucket: 'prism-123456789012-us-east-1', Prefix: `prism-shared-notebooks/${PROJECT}/` }));
    // v2 and v4 of ben's notebook; everything unpublished or refused left no object behind.
    expect(objects.Contents?.length).toBe(2);
  });
});

it('writes each publication and unpublication to the audit log, refused ones included', async () => {
  const res = await as(PEOPLE.ada, `/audit?action=${encodeURIComponent('/notebooks')}&limit=200`);
  expect(res.status).toBe(200);
  const { entries } = (await res.json()) as AuditPage;
  const seen = entries.map(e => [e.user, e.action, e.object, e.result.status]);
  expect(seen).toContainEqual(['ben', 'POST /projects/:id/notebooks/:name/versions', `${PROJECT}/${NOTEBOOK}`, 201]);
  expect(seen).toContainEqual(['vera', 'POST /projects/:id/notebooks/:name/versions', `${PROJECT}/viewer.ipynb`, 403]);
  expect(seen).toContainEqual(['ben', 'DELETE /projects/:id/notebooks/:name/versions/:version', `${PROJECT}/${NOTEBOOK}/1`, 204]);
  expect(seen).toContainEqual(['ana', 'DELETE /projects/:id/notebooks/:name', `${PROJECT}/max-draft.ipynb`, 204]);
  expect(entries.find(e => e.action === 'DELETE /projects/:id/notebooks/:name' && e.user === 'max')?.result).toMatchObject({ status: 403, code: 'FORBIDDEN' });
});
