/**
 * /volumes: EFS volumes — create, list, look at, delete (docs/api.md, "Volumes").
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Volumes } from '../../domain/volumes';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const CreateVolumeSchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, up to 63'),
    project: z.string().min(1).max(100).optional()
  })
  .strict();

export function volumesRouter(volumes: Volumes): Router {
  const router = Router();

  router.get('/volumes', (_req, res) => {
    res.json(volumes.listVolumes(callerOf(res).user));
  });

  router.post('/volumes', async (req, res) => {
    const parsed = CreateVolumeSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw invalidBody(parsed.error, 'volume');
    }
    const volume = await volumes.createVolume(callerOf(res).user, parsed.data);
    res.status(201).location(`volumes/${volume.id}`).json(volume);
  });

  router.get('/volumes/:id', (req, res) => {
    res.json(volumes.getVolume(callerOf(res).user, req.params.id));
  });

  router.delete('/volumes/:id', async (req, res) => {
    await volumes.deleteVolume(callerOf(res).user, req.params.id);
    res.status(204).end();
  });

  return router;
}
