/**
 * GET <base>/metrics: Prometheus text exposition (docs/api.md, "Metrics").
 * Never anonymous: the scraper sends the service token or PRISM_METRICS_TOKEN.
 */
import crypto from 'node:crypto';
import { Router } from 'express';
import type { ServiceMetrics } from '../../observability/metrics';
import { bearerToken } from '../auth';
import { sendProblem } from '../problem';

function sameSecret(a: string, b: string): boolean {
  const ha = crypto.createHash('sha256').update(a).digest();
  const hb = crypto.createHash('sha256').update(b).digest();
  return crypto.timingSafeEqual(ha, hb);
}

/** `tokens`: the ones a scraper may send (the service token, PRISM_METRICS_TOKEN). */
export function prometheusRouter(metrics: ServiceMetrics, tokens: () => string[]): Router {
  const router = Router();
  router.get('/metrics', async (req, res, next) => {
    const sent = bearerToken(req.headers.authorization);
    if (!sent || !tokens().some(token => sameSecret(sent, token))) {
      return sendProblem(res, {
        type: 'https://prism.dev/problems/unauthenticated',
        title: 'Not signed in',
        status: 401,
        detail: 'The metrics need the service token or the metrics token.',
        code: 'UNAUTHENTICATED',
        hint: 'Give the scraper "Authorization: Bearer <token>" with PRISM_METRICS_TOKEN (or the service token); see docs/api.md, "Metrics".'
      });
    }
    try {
      const { contentType, body } = await metrics.exposition();
      res.type(contentType).send(body);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
