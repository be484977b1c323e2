/**
 * /templates: the list (each template at its current version), one
 * resolved, validation, and the versions: history, an admin's choice of the
 * current one, and a diff between two. Each caller sees the library and
 * their own projects' templates only.
 */
import express, { Router, type Response } from 'express';
import { z } from 'zod';
import type { TemplateDiff } from '../../contract/api';
import { notFound, PrismError } from '../../domain/errors';
import type { VersionedTemplateCatalog } from '../../domain/ports';
import type { Template } from '../../domain/template';
import { shippedPriceBook, type PriceBook } from '../../domain/price-book';
import { summarizeTemplate } from '../../domain/template-summary';
import { versionedCatalogFor } from '../../domain/template-visibility';
import { unifiedDiff } from '../../templates/diff';
import { resolvedTemplateYaml } from '../../templates/template-yaml';
import { callerOf } from '../auth';

export const ValidateRequestSchema = z.object({
  yaml: z.string().max(256 * 1024),
  fileName: z.string().max(200).default('template.yaml')
});

export const SetCurrentSchema = z.object({ version: z.string().min(1).max(100) });
export const DiffQuerySchema = z.object({ from: z.string().min(1).max(100), to: z.string().min(1).max(100) });

/** `projectsOf`: the ids of the caller's projects, whose templates they see; `prices` default to the shipped table's for `region`. */
export function templatesRouter(
  library: VersionedTemplateCatalog,
  region: string,
  projectsOf: (user: string) => string[],
  prices: PriceBook = shippedPriceBook(region)
): Router {
  const router = Router();
  const catalogOf = (res: Response): VersionedTemplateCatalog => {
    const projects = projectsOf(callerOf(res).user);
    return versionedCatalogFor(library, project => projects.includes(project));
  };
  const find = (catalog: VersionedTemplateCatalog, name: string, version?: string): Template => {
    const template = catalog.get(name, version);
    if (template) return template;
    if (version !== undefined && catalog.history(name)) {
      throw notFound('template', `${name} ${version}`, `Versions of ${name}: ${versionList(catalog, name)}.`);
    }
    throw notFound('template', name, `Choose one of: ${catalog.list().map(t => t.name).join(', ')}.`);
  };

  router.get('/templates', (_req, res) => {
    res.json(catalogOf(res).list().map(t => summarizeTemplate(t, region, prices)));
  });
  router.post('/templates/validate', express.text({ type: ['text/*', 'application/yaml', 'application/x-yaml'], limit: '256kb' }), (req, res) => {
    const body: unknown = req.body;
    const { yaml, fileName } =
      typeof body === 'string' ? { yaml: body, fileName: 'template.yaml' } : ValidateRequestSchema.parse(body ?? {});
    const diagnostics = library.validate(yaml, fileName);
    res.json({ valid: diagnostics.length === 0, diagnostics });
  });
  router.get('/templates/:name', (req, res) => {
    const version = typeof req.query.version === 'string' ? req.query.version : undefined;
    const template = find(catalogOf(res), req.params.name, version);
    const { source: _source, ...resolved } = template;
    res.json({ ...resolved, summary: summarizeTemplate(template, region, prices) });
  });
  router.get('/templates/:name/versions', (req, res) => {
    const catalog = catalogOf(res);
    const history = catalog.history(req.params.name);
    if (!history) find(catalog, req.params.name);
    res.json(history);
  });
  router.put('/templates/:name/current', (req, res) => {
    if (!callerOf(res).roles.includes('admin')) {
      throw new PrismError(
        'FORBIDDEN',
        403,
        'Not allowed',
        'Choosing the version a template offers by default needs the admin role.',
        'Ask a Prism admin to roll it back; you can still launch any version by naming it (`version` in the launch).'
      );
    }
    const { version } = SetCurrentSchema.parse(req.body ?? {});
    const catalog = catalogOf(res);
    catalog.setCurrent(req.params.name, version);
    res.json(catalog.history(req.params.name));
  });
  router.get('/templates/:name/diff', (req, res) => {
    const { from, to } = DiffQuerySchema.parse(req.query);
    const name = req.params.name;
    const catalog = catalogOf(res);
    const diff: TemplateDiff = {
      name,
      from,
      to,
      diff: unifiedDiff(resolvedTemplateYaml(find(catalog, name, from)), resolvedTemplateYaml(find(catalog, name, to)), `${name}@${from}`, `${name}@${to}`)
    };
    res.json(diff);
  });
  return router;
}

function versionList(catalog: VersionedTemplateCatalog, name: string): string {
  return (catalog.history(name) ?? []).map(v => v.version).join(', ');
}
