/**
 * POST /boot/:id/reports: a booting workstation phones home. Signed with the
 * launch's own token, not a user's; one report or an array of them. A ready
 * workstation's agent finds its desired state in the reply (domain/mount-spec.ts).
 */
import { Router } from 'express';
import { z } from 'zod';
import type { LaunchRunner } from '../../domain/launch';
import type { DesiredState } from '../../domain/mount-spec';
import { bearerToken } from '../auth';
import { ActivitySchema } from '../activity-schema';
import { MountStatusesSchema, SyncResultSchema } from '../storage-report-schema';
import { invalidBody } from '../problem';

const BootReportSchema = z.object({
  seq: z.number().int().positive(),
  type: z.enum(['step', 'log', 'ready', 'failed', 'activity', 'mounts', 'sync']),
  step: z.string().max(200).optional(),
  index: z.number().int().positive().optional(),
  total: z.number().int().positive().optional(),
  message: z.string().max(2000).optional(),
  line: z.string().max(8000).optional(),
  services: z.array(z.object({ name: z.string().max(100), port: z.number().int().min(1).max(65535) })).max(20).optional(),
  activity: ActivitySchema.optional(),
  mounts: MountStatusesSchema.optional(),
  sync: SyncResultSchema.optional()
});

export const BodySchema = z.union([BootReportSchema, z.array(BootReportSchema).max(500)]);

export function bootReportsRouter(runner: LaunchRunner, desiredState?: (id: string) => Promise<DesiredState | null>): Router {
  const router = Router();
  router.post('/boot/:id/reports', async (req, res) => {
    const parsed = BodySchema.safeParse(req.body);
    if (!parsed.success) {
      throw invalidBody(parsed.error, 'boot report');
    }
    const reports = Array.isArray(parsed.data) ? parsed.data : [parsed.data];
    const accepted = runner.acceptBootReports(req.params.id, bearerToken(req.headers.authorization) ?? '', reports);
    const desired = await desiredState?.(req.params.id);
    res.json(desired ? { accepted, desired } : { accepted });
  });
  return router;
}
