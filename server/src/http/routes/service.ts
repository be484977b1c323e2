/**
 * /health (no caller needed), /me and /templates.
 */
import express, { Router } from 'express';
import { z } from 'zod';
import type { Health } from '../../contract/api';
import { notFound } from '../../domain/errors';
import type { TemplateCatalog } from '../../domain/ports';
import { summarizeTemplate } from '../../domain/template-summary';
import { callerOf } from '../auth';

export function healthRouter(version: string, cloudHealth: () => Promise<Health['cloud']>): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const cloud = await cloudHealth();
    const health: Health = { status: cloud.reachable ? 'ok' : 'degraded', version, cloud };
    res.json(health);
  });
  return router;
}

const ValidateRequestSchema = z.object({
  yaml: z.string().max(256 * 1024),
  fileName: z.string().max(200).default('template.yaml')
});

export function callerRouter(catalog: TemplateCatalog, region: string): Router {
  const router = Router();
  router.get('/me', (_req, res) => {
    res.json(callerOf(res));
  });
  router.get('/templates', (_req, res) => {
    res.json(catalog.list().map(t => summarizeTemplate(t, region)));
  });
  router.post('/templates/validate', express.text({ type: ['text/*', 'application/yaml', 'application/x-yaml'], limit: '256kb' }), (req, res) => {
    const body: unknown = req.body;
    const { yaml, fileName } =
      typeof body === 'string' ? { yaml: body, fileName: 'template.yaml' } : ValidateRequestSchema.parse(body ?? {});
    const diagnostics = catalog.validate(yaml, fileName);
    res.json({ valid: diagnostics.length === 0, diagnostics });
  });
  router.get('/templates/:name', (req, res) => {
    const version = typeof req.query.version === 'string' ? req.query.version : undefined;
    const template = catalog.get(req.params.name, version);
    if (!template) {
      throw notFound('template', req.params.name, `Choose one of: ${catalog.list().map(t => t.name).join(', ')}.`);
    }
    const { source: _source, ...resolved } = template;
    res.json({ ...resolved, summary: summarizeTemplate(template, region) });
  });
  return router;
}
