/**
 * /storage: what the caller's stored data costs, what nothing uses any more,
 * and a cleanup of exactly the items they confirmed (docs/api.md, "Storage").
 */
import { Router } from 'express';
import { z } from 'zod';
import { CLEANUP_MAX_ITEMS, type Storage } from '../../domain/storage';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const CleanupSchema = z
  .object({
    items: z
      .array(z.object({ kind: z.enum(['volume', 'snapshot', 'ebs-volume']), id: z.string().min(1).max(200) }).strict())
      .min(1)
      .max(CLEANUP_MAX_ITEMS)
  })
  .strict();

export function storageRouter(storage: Storage): Router {
  const router = Router();

  router.get('/storage', async (_req, res) => {
    res.json(await storage.report(callerOf(res).user));
  });

  router.post('/storage/cleanup', async (req, res) => {
    const parsed = CleanupSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'cleanup');
    res.json({ items: await storage.cleanup(callerOf(res).user, parsed.data) });
  });

  return router;
}
