/**
 * /orphans (admins): instances carrying `prism:launch` that no record knows;
 * adopt one back into its owner's list, or terminate it.
 */
import { Router } from 'express';
import type { Orphans } from '../../domain/orphans';
import { callerOf } from '../auth';

export function orphansRouter(orphans: Orphans): Router {
  const router = Router();

  router.get('/orphans', async (_req, res) => {
    res.json(await orphans.listOrphans(callerOf(res)));
  });

  router.post('/orphans/:instanceId/adopt', async (req, res) => {
    res.status(201).json(await orphans.adoptOrphan(callerOf(res), req.params.instanceId));
  });

  router.delete('/orphans/:instanceId', async (req, res) => {
    res.json(await orphans.terminateOrphan(callerOf(res), req.params.instanceId));
  });

  return router;
}
