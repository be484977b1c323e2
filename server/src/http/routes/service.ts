/**
 * /health (no caller needed) and /me. The template routes are in templates.ts.
 */
import { Router } from 'express';
import type { Health, Me } from '../../contract/api';
import { callerOf } from '../auth';

/** `parts`: the checks besides the cloud and whether the service is draining (observability/health.ts). */
export function healthRouter(
  version: string,
  cloudHealth: () => Promise<Health['cloud']>,
  parts?: { draining: boolean; run(): Promise<NonNullable<Health['checks']>> }
): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [cloud, checks] = await Promise.all([cloudHealth(), parts?.run()]);
    const degraded = !cloud.reachable || Object.values(checks ?? {}).some(check => check.status === 'degraded');
    const health: Health = { status: parts?.draining ? 'draining' : degraded ? 'degraded' : 'ok', version, cloud, ...(checks ? { checks } : {}) };
    res.json(health);
  });
  return router;
}

/** `projectsOf`: the ids of the caller's projects, kept by Prism (the identity adapters know none). */
export function callerRouter(projectsOf: (user: string) => string[]): Router {
  const router = Router();
  router.get('/me', (_req, res) => {
    const caller = callerOf(res);
    const me: Me = { ...caller, projects: [...new Set([...caller.projects, ...projectsOf(caller.user)])] };
    res.json(me);
  });
  return router;
}
