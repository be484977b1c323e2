/**
 * /health (no caller needed) and /me. The template routes are in templates.ts.
 */
import { Router } from 'express';
import type { Health } from '../../contract/api';
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

export function callerRouter(): Router {
  const router = Router();
  router.get('/me', (_req, res) => {
    res.json(callerOf(res));
  });
  return router;
}
