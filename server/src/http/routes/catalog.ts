/**
 * /catalog: the community template catalog (docs/catalog.md) — list with
 * search, install (admins), the allow-list (admins), ratings and reviews.
 */
import { Router, type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import { REVIEW_MAX_CHARS, TemplateInvalidError, type CommunityCatalog } from '../../domain/catalog';
import { PrismError } from '../../domain/errors';
import { toProblem } from '../../domain/launch-problems';
import { callerOf } from '../auth';
import { invalidBody, sendProblem } from '../problem';

export const ReviewRequestSchema = z
  .object({
    rating: z.number().int().min(1).max(5),
    text: z.string().max(REVIEW_MAX_CHARS).optional()
  })
  .strict();

export const ListQuerySchema = z.object({
  q: z.string().max(200).optional(),
  refresh: z.enum(['1', 'true', '0', 'false']).optional()
});

/** `catalog` is null when PRISM_CATALOG_URL is not set. */
export function catalogRouter(catalog: CommunityCatalog | null): Router {
  const router = Router();
  if (!catalog) {
    router.use('/catalog', () => {
      throw new PrismError(
        'CATALOG_NOT_CONFIGURED',
        404,
        'No catalog',
        'This Prism has no community catalog configured.',
        'An admin sets PRISM_CATALOG_URL (for example s3://prism-community-catalog/index.json) and restarts Prism; see docs/catalog.md.'
      );
    });
    return router;
  }

  router.get('/catalog/templates', async (req, res) => {
    const query = ListQuerySchema.safeParse(req.query);
    if (!query.success) throw invalidBody(query.error, 'catalog query');
    const refresh = query.data.refresh === '1' || query.data.refresh === 'true';
    res.json(await catalog.list({ query: query.data.q, refresh }));
  });

  router.post('/catalog/templates/:name/install', async (req, res) => {
    const result = await catalog.install(req.params.name, callerOf(res));
    res.status(result.installed.length > 0 ? 201 : 200).json(result);
  });

  router.put('/catalog/allowed/:name', async (req, res) => {
    await catalog.allow(req.params.name, callerOf(res));
    res.json({ name: req.params.name, allowed: true });
  });

  router.delete('/catalog/allowed/:name', async (req, res) => {
    await catalog.disallow(req.params.name, callerOf(res));
    res.json({ name: req.params.name, allowed: false });
  });

  router.get('/catalog/templates/:name/reviews', async (req, res) => {
    res.json(await catalog.reviews(req.params.name));
  });

  router.post('/catalog/templates/:name/reviews', async (req, res) => {
    const body = ReviewRequestSchema.safeParse(req.body ?? {});
    if (!body.success) throw invalidBody(body.error, 'review');
    const { review, replaced } = await catalog.review(req.params.name, callerOf(res), body.data);
    res.status(replaced ? 200 : 201).json(review);
  });

  router.use('/catalog', invalidTemplateProblem);
  return router;
}

/** A refused install keeps its diagnostics beside the usual problem fields. */
const invalidTemplateProblem: ErrorRequestHandler = (error, _req, res, next) => {
  if (!(error instanceof TemplateInvalidError)) return next(error);
  const problem = { ...toProblem(error), diagnostics: error.diagnostics };
  sendProblem(res, problem);
};
