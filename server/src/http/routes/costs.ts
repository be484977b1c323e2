/**
 * GET /costs: what the caller's workstations cost this month, and where it is heading.
 */
import { Router } from 'express';
import type { Workstations } from '../../domain/workstations';
import { callerOf } from '../auth';

export function costsRouter(workstations: Workstations): Router {
  const router = Router();
  router.get('/costs', (_req, res) => {
    res.json(workstations.costsOf(callerOf(res).user));
  });
  return router;
}
