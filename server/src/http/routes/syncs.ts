/**
 * /syncs: scheduled one-way syncs from a dataset into a folder on a volume,
 * and their runs (docs/api.md, "Sync").
 */
import { Router } from 'express';
import { z } from 'zod';
import { SYNC_MAX_MINUTES, SYNC_MIN_MINUTES, type Syncs } from '../../domain/sync';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

const FOLDER = /^[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*\/?$/;

export const CreateSyncSchema = z
  .object({
    dataset: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a registered dataset name'),
    path: z.string().max(1000).optional(),
    volume: z.string().regex(/^vol-[0-9a-f]{1,64}$/, 'a volume id (vol-...)'),
    folder: z.string().max(1000).regex(FOLDER, 'a relative folder of letters, digits, ".", "_" and "-", e.g. "inbox/raw"'),
    everyMinutes: z.number().int().min(SYNC_MIN_MINUTES).max(SYNC_MAX_MINUTES),
    project: z.string().min(1).max(100).optional()
  })
  .strict();

export function syncsRouter(syncs: Syncs): Router {
  const router = Router();

  router.get('/syncs', (_req, res) => {
    res.json(syncs.listSyncs(callerOf(res).user));
  });

  router.post('/syncs', (req, res) => {
    const parsed = CreateSyncSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw invalidBody(parsed.error, 'sync');
    }
    const sync = syncs.createSync(callerOf(res).user, parsed.data);
    res.status(201).location(`syncs/${sync.id}`).json(sync);
  });

  router.get('/syncs/:id', (req, res) => {
    res.json(syncs.getSync(callerOf(res).user, req.params.id));
  });

  router.post('/syncs/:id/run', async (req, res) => {
    res.status(202).json(await syncs.runNow(callerOf(res).user, req.params.id));
  });

  router.delete('/syncs/:id', (req, res) => {
    syncs.deleteSync(callerOf(res).user, req.params.id);
    res.status(204).end();
  });

  return router;
}
