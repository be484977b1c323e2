/**
 * The OpenAPI 3.1 document of API v1, built from the routes the service has
 * mounted (listRoutes), the zod schemas they parse with and the contract's
 * types. A mounted route with no entry in OPERATIONS is left out, and
 * server/test/openapi.test.ts fails on it.
 */
import { z } from 'zod';
import type { RouteEntry } from '../audit-middleware';
import contractSchemas from './contract-schemas.json';
import { OPERATIONS, type Answer, type Operation, type Schema } from './operations';

export interface OpenApiOptions {
  version: string;
  /** Behind JupyterHub: the session cookie that also signs a browser in. */
  hubSessionCookie?: string;
}

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, Record<string, unknown>>> };

/**
 * Every route can meet these before it runs: a body that is not JSON (400), too
 * large (413) or in an unknown charset or encoding (415), too many requests
 * (429), a URL and headers longer than Node reads (431).
 */
const ALWAYS = [400, 413, 415, 429, 431];

const PROBLEM_MEDIA = 'application/problem+json';
const definitions = (contractSchemas as { definitions: Record<string, Schema> }).definitions;

export function openApiDocument(routes: RouteEntry[], options: OpenApiOptions): OpenApiDocument {
  const used = new Set<string>(['Problem']);
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const operation = OPERATIONS[`${route.method} ${route.path}`];
    if (!operation) continue;
    const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = describe(route, operation, used, options);
  }
  const securitySchemes: Record<string, unknown> = {
    bearer: { type: 'http', scheme: 'bearer', description: 'The token prism-server printed, a users-file token, or (behind JupyterHub) a hub token ("Authorization: token <t>" also works).' }
  };
  if (options.hubSessionCookie) {
    securitySchemes.hubSession = { type: 'apiKey', in: 'cookie', name: options.hubSessionCookie, description: 'The session a browser got by signing in through JupyterHub.' };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Prism API',
      version: options.version,
      description: 'Launch, watch and manage cloud research workstations. Every error is application/problem+json with a stable `code` and a `hint` (docs/api.md).'
    },
    servers: [{ url: '.', description: 'This document sits at <base>/api/v1/openapi.json; paths are relative to <base>/api/v1.' }],
    security: Object.keys(securitySchemes).map(name => ({ [name]: [] })),
    paths,
    components: { securitySchemes, schemas: componentSchemas(used) }
  };
}

function describe(route: RouteEntry, operation: Operation, used: Set<string>, options: OpenApiOptions): Record<string, unknown> {
  const pathParams = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map(m => m[1]);
  const parameters = [
    ...pathParams.map(name => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
    ...queryParameters(operation),
    ...(operation.queryParams ?? []).map(name => ({ name, in: 'query', required: false, schema: { type: 'string' } }))
  ];
  // A write from another site's page is refused before it runs (http/origin-check.ts).
  const writes = route.method === 'GET' ? [] : [403];
  const errors = new Set([...ALWAYS, ...(operation.open ? [] : [401]), ...writes, ...(pathParams.length ? [404] : []), ...(operation.errors ?? [])]);
  const responses: Record<string, unknown> = {};
  for (const [status, answer] of Object.entries(operation.answers)) {
    responses[status] = response(answer, used);
  }
  for (const status of [...errors].sort()) {
    responses[String(status)] = { description: 'A problem', content: { [PROBLEM_MEDIA]: { schema: refTo('Problem') } } };
  }
  if (options.hubSessionCookie && !operation.open && route.method === 'GET') {
    responses['302'] = { description: 'A page a browser opens without a session is sent to sign in through JupyterHub.' };
  }
  const described: Record<string, unknown> = {
    operationId: `${route.method.toLowerCase()}${route.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: operation.summary,
    tags: [operation.tag],
    ...(parameters.length ? { parameters } : {}),
    responses
  };
  const content: Record<string, unknown> = {};
  if (operation.body) content['application/json'] = { schema: fromZod(operation.body) };
  for (const [media, schema] of Object.entries(operation.bodyMedia ?? {})) content[media] = { schema };
  if (Object.keys(content).length) described.requestBody = { required: true, content };
  if (operation.open) described.security = [];
  return described;
}

function queryParameters(operation: Operation): unknown[] {
  if (!operation.query) return [];
  const schema = fromZod(operation.query) as { properties?: Record<string, Schema>; required?: string[] };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    schema: property
  }));
}

function response(answer: Answer, used: Set<string>): Record<string, unknown> {
  if (answer === null) return { description: 'Done; no body' };
  const { media, schema } = 'media' in answer ? (answer as { media: string; schema: Schema }) : { media: 'application/json', schema: answer };
  return { description: 'Success', content: { [media]: { schema: withRefs(schema, used) } } };
}

/** The zod schema as the body the client sends (before defaults and coercion). */
function fromZod(schema: z.ZodType): Schema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as Schema;
  return json;
}

function refTo(name: string): Schema {
  return { $ref: `#/components/schemas/${name}` };
}

/** `{ $ref: 'Name' }` and the generator's `#/definitions/Name` both become component refs, noted in `used`. */
function withRefs(schema: unknown, used: Set<string>): Schema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const name = decodeURIComponent(value.replace(/^#\/definitions\//, ''));
        used.add(name);
        out.$ref = `#/components/schemas/${name}`;
      } else {
        out[key] = walk(value);
      }
    }
    return out;
  };
  return walk(schema) as Schema;
}

/** The contract types the answers name, and the types those name in turn. */
function componentSchemas(used: Set<string>): Record<string, Schema> {
  const schemas: Record<string, Schema> = {};
  const pending = [...used];
  while (pending.length) {
    const name = pending.pop() as string;
    if (schemas[name]) continue;
    const definition = definitions[name];
    if (!definition) throw new Error(`The OpenAPI document names ${name}, which server/src/contract does not export.`);
    const found = new Set<string>();
    schemas[name] = withRefs(definition, found);
    pending.push(...[...found].filter(n => !schemas[n]));
  }
  // Some problems carry more (a template's `diagnostics`, a denied call's `policyStatement`).
  const { additionalProperties: _closed, ...problem } = schemas.Problem;
  schemas.Problem = problem;
  return schemas;
}
