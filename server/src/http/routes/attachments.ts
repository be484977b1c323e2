/**
 * /instances/:id/datasets: attach a registered dataset or an EFS volume to a
 * running workstation, and detach it (docs/api.md, "Attach to a running workstation").
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Attachments } from '../../domain/attachments';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const AttachSchema = z.union([
  z.object({ dataset: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a registered dataset name') }).strict(),
  z.object({ efs: z.object({ volume: z.string().regex(/^vol-[0-9a-f]{1,64}$/, 'a volume id (vol-...)') }).strict() }).strict()
]);

export function attachmentsRouter(attachments: Attachments): Router {
  const router = Router();

  router.post('/instances/:id/datasets', async (req, res) => {
    const parsed = AttachSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw invalidBody(parsed.error, 'attach request ({ dataset: "name" } or { efs: { volume: "vol-..." } })');
    }
    const { workstation, created } = await attachments.attach(callerOf(res).user, req.params.id, parsed.data);
    res.status(created ? 202 : 200).json(workstation);
  });

  router.delete('/instances/:id/datasets/:ref', async (req, res) => {
    res.json(await attachments.detach(callerOf(res).user, req.params.id, req.params.ref));
  });

  return router;
}
