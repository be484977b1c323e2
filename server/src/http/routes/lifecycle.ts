/**
 * /instances/:id/resize: a bigger or smaller machine of the same arch
 * (stop, change the type, start). Stop, start and hibernate live in instances.ts.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Resizer } from '../../domain/resize';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const ResizeRequestSchema = z
  .object({
    size: z.string().min(1).max(50).optional(),
    instanceType: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'must look like m7g.xlarge').optional()
  })
  .strict()
  .refine(body => (body.size === undefined) !== (body.instanceType === undefined), 'give either size or instanceType');

export function lifecycleRouter(resizer: Resizer): Router {
  const router = Router();

  router.post('/instances/:id/resize', async (req, res) => {
    const parsed = ResizeRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw invalidBody(parsed.error, 'resize request');
    }
    res.json(await resizer.resizeWorkstation(callerOf(res).user, req.params.id, parsed.data));
  });

  return router;
}
