/** /projects/:id/idle: the project's override of its workstations' idle rule (docs/idle.md). */
import { Router } from 'express';
import { z } from 'zod';
import type { ProjectIdleRules } from '../../domain/project-idle';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

// The bounds of the template schema's `idle:` (templates/schema.json), so a project cannot set what a template could not.
export const IdleSettingSchema = z.union([
  z.object({ disabled: z.literal(true) }).strict(),
  z
    .object({
      afterMinutes: z.number().positive().max(10080).optional(),
      warnMinutes: z.number().min(0).max(1440).optional(),
      action: z.enum(['stop', 'hibernate']).optional(),
      cpuPercentBelow: z.number().positive().max(100).optional()
    })
    .strict()
]);

export function projectIdleRouter(rules: ProjectIdleRules): Router {
  const router = Router();

  router.get('/projects/:id/idle', (req, res) => {
    res.json(rules.getIdle(callerOf(res).user, req.params.id));
  });

  router.put('/projects/:id/idle', (req, res) => {
    const parsed = IdleSettingSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'idle rule');
    res.json(rules.setIdle(callerOf(res).user, req.params.id, parsed.data));
  });

  return router;
}
