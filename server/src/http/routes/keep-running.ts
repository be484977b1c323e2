/**
 * POST /instances/:id/keep-running: the answer to an idle warning. Postpones
 * the idle action by `hours` and records who asked and why.
 */
import { Router } from 'express';
import { z } from 'zod';
import { KEEP_RUNNING_MAX_HOURS, type IdleWatch } from '../../domain/idle-watch';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const KeepRunningSchema = z
  .object({
    hours: z.number().int().min(1).max(KEEP_RUNNING_MAX_HOURS),
    reason: z.string().max(500).optional()
  })
  .strict();

export function keepRunningRouter(idle: IdleWatch): Router {
  const router = Router();
  router.post('/instances/:id/keep-running', (req, res) => {
    const parsed = KeepRunningSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw invalidBody(parsed.error, 'keep-running request');
    }
    res.json(idle.keepRunning(callerOf(res).user, req.params.id, parsed.data.hours, parsed.data.reason));
  });
  return router;
}
