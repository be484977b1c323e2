/**
 * One middleware writes every state-changing API request (POST, PUT, PATCH,
 * DELETE) to the audit log once it is answered, refused ones included: who
 * (null without a valid token), the method and route pattern, the object
 * (the route's parameters, or the id the answer created), the status and
 * problem code, and the client's address. Bodies, headers and query strings
 * are never kept: they may hold tokens or keys. The workstations' own boot
 * reports (signed per launch, many a minute) are not people's actions.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import type { AuditLog } from '../domain/audit';
import type { Clock, DomainLogger } from '../domain/ports';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NOT_AUDITED = new Set(['POST /boot/:id/reports']);
/** The status logged when the client went away before it was answered (the action may still have completed). */
export const CLIENT_GONE = 499;
const MAX_UNMATCHED_PATH = 200;

export interface RouteEntry {
  method: string;
  /** The pattern, e.g. `/instances/:id/stop`. */
  path: string;
}

/**
 * The routes of `router` in the order Express tries them, with the routers
 * it mounts at its root (as createApp does) walked into.
 */
export function listRoutes(router: Router): RouteEntry[] {
  const routes: RouteEntry[] = [];
  for (const layer of (router as unknown as { stack: StackLayer[] }).stack) {
    if (layer.route) {
      for (const method of Object.keys(layer.route.methods).filter(m => layer.route?.methods[m])) {
        routes.push({ method: method.toUpperCase(), path: layer.route.path });
      }
    } else if (Array.isArray(layer.handle?.stack) && (layer.rawPath === undefined || layer.rawPath === '/')) {
      routes.push(...listRoutes(layer.handle as unknown as Router));
    }
  }
  return routes;
}

interface StackLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: unknown[] };
  rawPath?: unknown;
}

/** The route `path` takes for `method`, with its parameters; undefined when none does. */
export function matchRoute(routes: RouteEntry[], method: string, path: string): { path: string; params: string[] } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const params = paramsOf(route.path, path);
    if (params) return { path: route.path, params };
  }
  return undefined;
}

function paramsOf(pattern: string, path: string): string[] | undefined {
  const want = pattern.split('/');
  const got = path.replace(/\/+$/, '').split('/');
  if (want.length !== got.length) return undefined;
  const params: string[] = [];
  for (let i = 0; i < want.length; i++) {
    if (want[i].startsWith(':')) {
      if (!got[i]) return undefined;
      params.push(safeDecode(got[i]));
    } else if (want[i] !== got[i]) {
      return undefined;
    }
  }
  return params;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export interface AuditMiddlewareDeps {
  audit: AuditLog;
  /** The API router, read once at the first request (every route is in it by then). */
  api: Router;
  clock: Clock;
  logger: DomainLogger;
}

/** Mounted first on the API router, so bad JSON and missing tokens are logged too. */
export function auditMiddleware(deps: AuditMiddlewareDeps): RequestHandler {
  let routes: RouteEntry[] | undefined;
  return (req, res, next) => {
    if (!STATE_CHANGING.has(req.method)) return next();
    routes ??= listRoutes(deps.api);
    const path = req.path;
    const route = matchRoute(routes, req.method, path);
    const action = route ? `${req.method} ${route.path}` : `${req.method} ${path.slice(0, MAX_UNMATCHED_PATH)}`;
    if (NOT_AUDITED.has(action)) return next();
    const answer = watchAnswer(res);
    let written = false;
    const write = (): void => {
      if (written) return;
      written = true;
      try {
        deps.audit.record({
          at: deps.clock.now().toISOString(),
          user: (res.locals.caller as { user?: string } | undefined)?.user ?? null,
          action,
          object: route?.params.length ? route.params.join('/') : answer.createdId(),
          result: res.writableFinished ? { status: res.statusCode, code: answer.problemCode() } : { status: CLIENT_GONE, code: null },
          address: clientAddress(req)
        });
      } catch (error) {
        deps.logger.error({ err: error, action }, 'could not write the audit log');
      }
    };
    res.once('finish', write);
    res.once('close', write);
    next();
  };
}

/** Reads the answer's body as it is sent: the problem code of a refusal, the `id` of what was created. */
function watchAnswer(res: Response): { problemCode(): string | null; createdId(): string | null } {
  let body: unknown;
  const send = res.send.bind(res);
  res.send = (chunk?: unknown) => {
    const type = String(res.get('Content-Type') ?? '');
    if (typeof chunk === 'string' && /json/.test(type) && body === undefined) {
      try {
        body = JSON.parse(chunk);
      } catch {
        body = null;
      }
    }
    return send(chunk);
  };
  const field = (name: string): string | null => {
    const value = (body as Record<string, unknown> | null | undefined)?.[name];
    return typeof value === 'string' ? value : null;
  };
  return {
    problemCode: () => (res.statusCode >= 400 ? field('code') : null),
    createdId: () => (res.statusCode >= 200 && res.statusCode < 300 ? field('id') : null)
  };
}

/** Express's `req.ip`: the socket's peer, or behind proxies trusted by PRISM_TRUST_PROXY the address they forwarded. */
function clientAddress(req: Request): string {
  const address = req.ip ?? req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}
