/**
 * The OpenAPI document at /api/v1/openapi.json: valid OpenAPI 3.1 (checked by
 * a real validator), served without a token, with exactly the routes the
 * service has mounted, and built from the contract types as they are now.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listRoutes } from '../src/http/audit-middleware';
import { startPrism, type TestPrism } from './support/prism';

const REPO = path.resolve(__dirname, '..', '..');

let prism: TestPrism;
let document: { openapi: string; paths: Record<string, Record<string, unknown>> };

beforeAll(async () => {
  // A catalog URL mounts the catalog's routes; nothing is read from it here.
  prism = await startPrism({ PRISM_CATALOG_URL: 's3://prism-openapi-catalog/index.json' });
  const res = await prism.api('/openapi.json', { token: null });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  document = (await res.json()) as typeof document;
}, 120_000);

afterAll(async () => {
  await prism?.stop();
});

it('is a valid OpenAPI 3.1 document', () => {
  expect(document.openapi).toBe('3.1.0');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prism-openapi-')), 'openapi.json');
  fs.writeFileSync(file, JSON.stringify(document));
  // The validator is an ES module; it runs in its own node, as a CLI would.
  const script = `import('@seriousme/openapi-schema-validator').then(async ({ Validator }) => {
    const validator = new Validator();
    const result = await validator.validate(${JSON.stringify(file)});
    process.stdout.write(JSON.stringify({ valid: result.valid, version: validator.version, errors: result.errors }));
  })`;
  const result = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: REPO, encoding: 'utf8' })) as { valid: boolean; version: string; errors?: unknown };
  expect(result.version).toBe('3.1');
  expect(result.errors ?? null).toBeNull();
  expect(result.valid).toBe(true);
});

it('describes every route the service has, and no route it does not have', () => {
  const routes = [...new Set(listRoutes(prism.service.app.api).map(r => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`))];
  const documented = Object.entries(document.paths).flatMap(([p, methods]) => Object.keys(methods).map(m => `${m.toUpperCase()} ${p}`));
  const undocumented = routes.filter(r => !documented.includes(r));
  const gone = documented.filter(r => !routes.includes(r));
  if (undocumented.length || gone.length) {
    throw new Error(
      [
        ...(undocumented.length ? ['Routes the OpenAPI document lacks (add each to server/src/http/openapi/operations.ts):', ...undocumented.map(r => `  ${r}`)] : []),
        ...(gone.length ? ['Routes in the document the service does not have:', ...gone.map(r => `  ${r}`)] : [])
      ].join('\n')
    );
  }
  expect(documented.length).toBe(routes.length);
});

it('lists a problem+json answer for each error and asks for no token where none is needed', () => {
  const health = document.paths['/health'].get as { security: unknown[]; responses: Record<string, unknown> };
  expect(health.security).toEqual([]);
  const launch = document.paths['/instances'].post as { security?: unknown[]; requestBody: { content: Record<string, { schema: { required: string[] } }> }; responses: Record<string, { content: Record<string, unknown> }> };
  expect(launch.security).toBeUndefined();
  expect(launch.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['name', 'template', 'arch']));
  expect(Object.keys(launch.responses['401'].content)).toEqual(['application/problem+json']);
  expect(Object.keys(launch.responses['202'].content)).toEqual(['application/json']);
});

it('names the contract types as server/src/contract has them now', () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prism-contract-')), 'contract-schemas.json');
  execFileSync(
    path.join(REPO, 'node_modules', '.bin', 'ts-json-schema-generator'),
    ['--path', 'server/src/contract/*.ts', '--tsconfig', 'server/tsconfig.json', '--type', '*', '--no-type-check', '--expose', 'export', '-o', out],
    { cwd: REPO }
  );
  const definitions = (file: string): Record<string, unknown> => (JSON.parse(fs.readFileSync(file, 'utf8')) as { definitions: Record<string, unknown> }).definitions;
  const fresh = definitions(out);
  const committed = definitions(path.join(REPO, 'server', 'src', 'http', 'openapi', 'contract-schemas.json'));
  // The types the document names (socket-only types may change without touching it).
  const named = Object.keys((document as unknown as { components: { schemas: Record<string, unknown> } }).components.schemas);
  expect(named).toEqual(expect.arrayContaining(['Workstation', 'Problem', 'ProjectDetail']));
  const stale = named.filter(name => JSON.stringify(fresh[name]) !== JSON.stringify(committed[name]));
  if (stale.length) {
    throw new Error(`server/src/http/openapi/contract-schemas.json is older than server/src/contract (${stale.join(', ')}): run \`npm run build:contract-schemas\`.`);
  }
});
