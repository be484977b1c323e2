/**
 * Bad and random requests against every route of the OpenAPI document, sent
 * to the real service over HTTP (moto behind it) as an ordinary user, an admin,
 * nobody and a wrong token: path parameters, queries and bodies of wrong
 * types, huge, unicode, nested junk, missing and extra fields, invalid JSON,
 * wrong content types and encodings, and bodies made from the route's own
 * request schema with a field spoiled. Whatever comes in, the service answers
 * no 5xx, only statuses the document lists for the route, JSON that the
 * document's schema for that status accepts, and errors as problem+json with
 * a `code` and a `hint`. Runs are bounded and seeded (FUZZ_SEED, FUZZ_RUNS).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { OPERATIONS } from '../src/http/openapi/operations';
import { startPrism, writeUsersFile, type TestPrism } from './support/prism';

const REPO = path.resolve(__dirname, '..', '..');
const SEED = Number(process.env.FUZZ_SEED ?? 20261127);
const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const CATALOG_BUCKET = 'prism-fuzz-catalog';
const DATA_BUCKET = 'prism-fuzz-data';
const REQUEST_TIMEOUT_MS = 30_000;
const USER = { user: 'uma', token: 'uma-ordinary-user-fuzz-token' };
const ADMIN = { user: 'ada', token: 'ada-prism-admin-fuzz-token' };

type Schema = Record<string, unknown>;
interface Doc {
  paths: Record<string, Record<string, DocOperation>>;
  components: { schemas: Record<string, Schema> };
}
interface DocOperation {
  parameters?: { name: string; in: 'path' | 'query'; required: boolean; schema: Schema }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}

/** One generated request: who sends it and what. */
interface Attempt {
  token: string | null;
  params: Record<string, string>;
  /** Sent as is: already encoded, or deliberately not. */
  rawQuery: string;
  body?: { contentType?: string; contentEncoding?: string; data: string };
}

let prism: TestPrism;
let doc: Doc;
let workDir: string;
const saved: Record<string, string | undefined> = {};
/** Ids of real things by path parameter name, so some requests get past "not found". */
const known: Record<string, string[]> = {};
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();
/** Per route, the statuses it answered: so the last test can show that real answers were checked too, not only refusals. */
const seen = new Map<string, Set<number>>();

beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-fuzz-'));
  const templatesDir = path.join(workDir, 'templates');
  fs.cpSync(path.join(REPO, 'templates'), templatesDir, { recursive: true });
  fs.writeFileSync(path.join(workDir, 'config'), '[default]\nregion = us-east-1\n');
  fs.writeFileSync(path.join(workDir, 'credentials'), '');
  // The AWS set-up routes write profiles: into this test's files, never ~/.aws.
  const env = { AWS_CONFIG_FILE: path.join(workDir, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(workDir, 'credentials'), AWS_EC2_METADATA_DISABLED: 'true' };
  for (const [name, value] of Object.entries(env)) {
    saved[name] = process.env[name];
    process.env[name] = value;
  }
  prism = await startPrism({
    PRISM_USERS_FILE: writeUsersFile([
      { ...USER, roles: ['user'] },
      { ...ADMIN, roles: ['admin'] }
    ]),
    PRISM_TEMPLATES_DIR: templatesDir,
    PRISM_CATALOG_URL: `s3://${CATALOG_BUCKET}/index.json`
  });
  const s3 = new S3Client({ endpoint: prism.moto.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  await s3.send(new CreateBucketCommand({ Bucket: CATALOG_BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: CATALOG_BUCKET, Key: 'index.json', Body: JSON.stringify({ catalog: { name: 'Fuzz', updatedAt: '2026-11-20T09:00:00Z' }, templates: [] }) }));
  await s3.send(new CreateBucketCommand({ Bucket: DATA_BUCKET }));
  await s3.send(new PutObjectCommand({ Bucket: DATA_BUCKET, Key: 'runs/a.csv', Body: 'x,y\n1,2\n' }));
  s3.destroy();

  const res = await prism.api('/openapi.json', { token: null });
  doc = (await res.json()) as Doc;
  ajv.addSchema({ $id: 'prism-openapi', components: doc.components });

  // A few real things the user owns; one launch (the only one: no generated body names a real template).
  const as = async (method: string, route: string, body: unknown): Promise<Record<string, unknown>> => {
    const answer = await prism.api(route, { token: USER.token, method, body: JSON.stringify(body) });
    const json = (await answer.json()) as Record<string, unknown>;
    if (answer.status >= 300) throw new Error(`${method} ${route}: ${answer.status} ${JSON.stringify(json)}`);
    return json;
  };
  const project = await as('POST', '/projects', { name: 'Fuzz lab' });
  const volume = await as('POST', '/volumes', { name: 'fuzz-data', project: project.id });
  const dataset = await as('POST', '/datasets', { name: 'fuzz-set', bucket: DATA_BUCKET, project: project.id });
  const launched = await as('POST', '/instances', { name: 'fuzz-box', template: 'amazon-linux', arch: 'arm64', project: project.id });
  // Running, so the lifecycle, connection, snapshot and attach routes meet a workstation that can do what they ask.
  const deadline = Date.now() + 150_000;
  for (;;) {
    const state = (await (await prism.api(`/instances/${String(launched.id)}`, { token: USER.token })).json()) as { state: string };
    if (state.state === 'running') break;
    if (state.state === 'failed' || Date.now() > deadline) throw new Error(`the fuzz workstation did not start: ${JSON.stringify(state)}`);
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  Object.assign(known, {
    id: [String(launched.id), String(project.id), String(volume.id)],
    name: ['amazon-linux', String(dataset.name)],
    ref: [String(dataset.name), String(volume.id)],
    user: [USER.user, ADMIN.user],
    instanceId: ['i-0123456789abcdef0'],
    n: ['1', '10000']
  });
}, 240_000);

afterAll(async () => {
  await prism?.stop();
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

// ---- generators ----------------------------------------------------------

const junkText = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('', ' ', '..', '../..', '%', '%zz', '\u0000', 'null', '-1', '1e400', 'NaN', '\u202e\u200b', '<script>', '${x}', "' OR 1=1 --"),
  fc.integer({ min: 300, max: 20_000 }).map(n => 'x'.repeat(n))
);
const junkJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constantFrom(null, true, 0, -1, 1e308, [], {}, '', [[[[[[[[[[]]]]]]]]]]),
  fc.dictionary(junkText, fc.jsonValue({ maxDepth: 3 }), { maxKeys: 6 })
);

/** Values the schema describes (or near enough), so a request can get past its shape. */
function fromSchema(schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.jsonValue({ maxDepth: 2 });
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) return fc.oneof(...alternatives.map(s => fromSchema(s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'string': {
      if (typeof schema.pattern === 'string') {
        try {
          return fc.stringMatching(new RegExp(schema.pattern)).filter(s => s.length <= Number(schema.maxLength ?? Infinity));
        } catch {
          return fc.string();
        }
      }
      return fc.string({ minLength: Number(schema.minLength ?? 0), maxLength: Math.min(Number(schema.maxLength ?? 30), 60) });
    }
    case 'integer':
      return fc.integer({ min: Number(schema.minimum ?? -1000), max: Number(schema.maximum ?? 100_000) });
    case 'number':
      return fc.double({ min: Number(schema.minimum ?? -1000), max: Number(schema.maximum ?? 100_000), noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(fromSchema(schema.items as Schema, depth + 1), { minLength: Number(schema.minItems ?? 0), maxLength: Math.min(Number(schema.maxItems ?? 3), 3) });
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, Schema>;
      const required = (schema.required ?? []) as string[];
      if (!Object.keys(properties).length && typeof schema.additionalProperties === 'object') {
        return fc.dictionary(fc.string({ maxLength: 10 }), fromSchema(schema.additionalProperties as Schema, depth + 1), { maxKeys: 3 });
      }
      return fc.record(
        Object.fromEntries(Object.entries(properties).map(([k, s]) => [k, fromSchema(s, depth + 1)])),
        { requiredKeys: required.filter(k => k in properties) }
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** The schema's value with one thing wrong: a field of the wrong type, one missing, one too many. */
function spoiled(schema: Schema | undefined): fc.Arbitrary<unknown> {
  return fc.tuple(fromSchema(schema), junkJson, fc.nat(), fc.string({ maxLength: 12 })).map(([value, junk, pick, extra]) => {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return junk;
    const copy = { ...(value as Record<string, unknown>) };
    const keys = Object.keys(copy);
    const mode = pick % 3;
    if (mode === 0 && keys.length) copy[keys[pick % keys.length]] = junk;
    else if (mode === 1 && keys.length) delete copy[keys[pick % keys.length]];
    else copy[extra || 'extra'] = junk;
    return copy;
  });
}

function body(operation: DocOperation): fc.Arbitrary<Attempt['body']> {
  const json = operation.requestBody?.content['application/json']?.schema;
  const asJson = (value: unknown): Attempt['body'] => ({ contentType: 'application/json', data: JSON.stringify(value) ?? 'null' });
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fromSchema(json).map(asJson) },
    { weight: 4, arbitrary: spoiled(json).map(asJson) },
    { weight: 2, arbitrary: junkJson.map(asJson) },
    { weight: 1, arbitrary: fc.string().map(data => ({ contentType: 'application/json', data: `{${data}` })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/octet-stream', 'application/yaml', 'multipart/form-data', 'application/xml'), junkText).map(([contentType, data]) => ({ contentType, data }))
    },
    { weight: 1, arbitrary: fc.constantFrom('application/json; charset=utf-7', 'application/json; charset=klingon').map(contentType => ({ contentType, data: '{}' })) },
    { weight: 1, arbitrary: fc.constantFrom('gzip', 'br', 'compress', 'nonsense').map(contentEncoding => ({ contentType: 'application/json', contentEncoding, data: '{"a":1}' })) },
    { weight: 1, arbitrary: fc.constant({ contentType: 'application/json', data: JSON.stringify({ big: 'y'.repeat(1_100_000) }) }) }
  );
}

function query(operation: DocOperation): fc.Arbitrary<string> {
  const names = (operation.parameters ?? []).filter(p => p.in === 'query').map(p => p.name);
  const name = names.length ? fc.oneof(fc.constantFrom(...names), junkText) : junkText;
  const value = fc.oneof(junkText, fc.constantFrom('1', 'true', '2026-11-27T10:00:00Z', '0', '-5', '99999999999'));
  return fc.oneof(
    fc.array(fc.tuple(name, value), { maxLength: 4 }).map(pairs => new URLSearchParams(pairs).toString()),
    fc.constantFrom('a=%zz', 'limit=1&limit=2', 'path[]=x', 'path[a]=b', '%', '=&=&')
  );
}

/** A whole segment "." or ".." (even as %2E) is resolved away by the URL itself, and the request meets another route. */
const DOT_SEGMENT = /^(\.|%2e){1,2}$/i;

function param(name: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(known[name] ?? Object.values(known).flat())).map(encodeURIComponent) },
    { weight: 4, arbitrary: junkText.map(encodeURIComponent).filter(s => s.length > 0 && !DOT_SEGMENT.test(s)) },
    { weight: 1, arbitrary: fc.constantFrom('%zz', '%E0%A4%A', '%00', '%2F..%2F', '..%2F', '%20') }
  );
}

function attempt(pathTemplate: string, operation: DocOperation): fc.Arbitrary<Attempt> {
  const names = [...pathTemplate.matchAll(/\{([^}]+)\}/g)].map(m => m[1]);
  return fc.record({
    token: fc.oneof({ weight: 5, arbitrary: fc.constant(USER.token) }, { weight: 5, arbitrary: fc.constant(ADMIN.token) }, { weight: 1, arbitrary: fc.constantFrom(null, 'not-a-token', '') }),
    params: fc.record(Object.fromEntries(names.map(n => [n, param(n)]))) as fc.Arbitrary<Record<string, string>>,
    rawQuery: query(operation),
    body: body(operation)
  });
}

// ---- checks --------------------------------------------------------------

function validator(key: string, schema: Schema): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    // Component refs resolve against the document's components, added above as `prism-openapi`.
    const rebased = JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"prism-openapi#/components/')) as Schema;
    validate = ajv.compile(rebased);
    validators.set(key, validate);
  }
  return validate;
}

async function send(method: string, pathTemplate: string, a: Attempt): Promise<{ status: number; type: string; text: string; url: string }> {
  const route = pathTemplate.replace(/\{([^}]+)\}/g, (_m, name: string) => a.params[name]);
  const url = `${prism.service.url}api/v1${route}${a.rawQuery ? `?${a.rawQuery}` : ''}`;
  const headers: Record<string, string> = {};
  if (a.token !== null) headers.Authorization = `Bearer ${a.token}`;
  if (a.body?.contentType) headers['Content-Type'] = a.body.contentType;
  if (a.body?.contentEncoding) headers['Content-Encoding'] = a.body.contentEncoding;
  const withBody = a.body !== undefined && method !== 'GET';
  // A request the service never answers is a finding too, named here rather than as a test timeout.
  const res = await fetch(url, { method, headers, ...(withBody ? { body: a.body?.data } : {}), redirect: 'manual', signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch(
    (error: Error) => {
      throw new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms (${error.message}): ${method} ${url.slice(0, 300)}`);
    }
  );
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, url };
}

function check(method: string, pathTemplate: string, operation: DocOperation, answer: Awaited<ReturnType<typeof send>>): void {
  const where = `${answer.status} ${answer.type} ${answer.text.slice(0, 300)} <- ${method} ${answer.url.slice(0, 300)}`;
  if (answer.status >= 500) throw new Error(`5xx: ${where}`);
  const documented = operation.responses[String(answer.status)];
  if (!documented) throw new Error(`status the document does not list for ${method} ${pathTemplate} (it lists ${Object.keys(operation.responses).join(', ')}): ${where}`);
  if (answer.status >= 400) {
    if (!answer.type.startsWith('application/problem+json')) throw new Error(`error that is not problem+json: ${where}`);
    const problem = JSON.parse(answer.text) as Record<string, unknown>;
    if (typeof problem.code !== 'string' || !problem.code || typeof problem.hint !== 'string' || !problem.hint) throw new Error(`problem without code or hint: ${where}`);
  }
  if (!documented.content) {
    if (answer.text !== '') throw new Error(`a body where the document says none: ${where}`);
    return;
  }
  const media = Object.keys(documented.content).find(m => answer.type.startsWith(m));
  if (!media) throw new Error(`content type the document does not list (${Object.keys(documented.content).join(', ')}): ${where}`);
  if (!media.includes('json')) return;
  const validate = validator(`${method} ${pathTemplate} ${answer.status}`, documented.content[media].schema);
  if (!validate(JSON.parse(answer.text))) throw new Error(`answer the document's schema refuses (${ajv.errorsText(validate.errors)}): ${where}`);
}

/**
 * One test per route the document can have; the document itself must hold it.
 * Deletions come late, so the rest meet the fixtures; the AWS set-up last: an
 * admin may switch the service to any region shaped like one, and moto, unlike
 * AWS, takes it at sts:GetCallerIdentity and then fails every other call in it.
 */
const order = (route: string): number => (route.includes(' /aws/') ? 2 : route.startsWith('DELETE ') ? 1 : 0);
const ROUTES = Object.keys(OPERATIONS).sort((a, b) => order(a) - order(b));

describe.each(ROUTES)('%s', key => {
  it('answers bad and random requests with documented statuses, schemas and problems, never a 5xx', async () => {
    const [method, expressPath] = key.split(' ');
    const pathTemplate = expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const operation = doc.paths[pathTemplate]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${key} is not in the served document (is its router mounted in this service?)`);
    await fc.assert(
      fc.asyncProperty(attempt(pathTemplate, operation), async a => {
        const answer = await send(method, pathTemplate, a);
        seen.set(key, (seen.get(key) ?? new Set()).add(answer.status));
        check(method, pathTemplate, operation, answer);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true }
    );
  }, 120_000);
});

it('got real answers, not only refusals, and checked them against the document', () => {
  const succeeded = [...seen].filter(([, statuses]) => [...statuses].some(s => s < 300)).map(([route]) => route);
  // Routes that need nothing but a caller, and creations a generated body passes.
  expect(succeeded).toEqual(expect.arrayContaining(['GET /health', 'GET /me', 'GET /instances', 'GET /projects', 'POST /projects', 'GET /templates', 'GET /costs', 'GET /storage']));
  // Each route answered more than one way: the generators reach past the first check.
  const oneWay = [...seen].filter(([, statuses]) => statuses.size < 2).map(([route]) => route);
  expect(oneWay.length).toBeLessThan(seen.size / 4);
});
