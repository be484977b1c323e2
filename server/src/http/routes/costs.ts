/**
 * GET /costs: what the caller's workstations (and stored data) cost this month, and where it is heading.
 */
import { Router } from 'express';
import type { CostReport } from '../../contract/api';
import { callerOf } from '../auth';

export function costsRouter(costsOf: (user: string) => CostReport | Promise<CostReport>): Router {
  const router = Router();
  router.get('/costs', async (_req, res) => {
    res.json(await costsOf(callerOf(res).user));
  });
  return router;
}
