/**
 * /health (no caller needed) and /me. The template routes are in templates.ts.
 */
import { Router } from 'express';
import type { Health, Me } from '../../contract/api';
import { callerOf } from '../auth';

export function healthRouter(version: string, cloudHealth: () => Promise<Health['cloud']>): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const cloud = await cloudHealth();
    const health: Health = { status: cloud.reachable ? 'ok' : 'degraded', version, cloud };
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
