/**
 * GET /instances/:id/metrics?since=: a workstation's monitoring points and
 * its cost over time (docs/monitoring.md), for its owner only.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { MetricsRecorder } from '../../domain/metrics-recorder';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const QuerySchema = z.object({ since: z.iso.datetime({ offset: true }).optional() });

export function metricsRouter(metrics: MetricsRecorder): Router {
  const router = Router();
  router.get('/instances/:id/metrics', (req, res) => {
    const parsed = QuerySchema.safeParse(req.query);
    if (!parsed.success) {
      throw invalidBody(parsed.error, 'metrics query');
    }
    const since = parsed.data.since ? new Date(parsed.data.since) : undefined;
    res.json(metrics.metricsOf(callerOf(res).user, req.params.id, since));
  });
  return router;
}
