/**
 * POST /templates: an admin saves a new template version (the visual
 * builder's Save). 201 with its summary; 422 with the diagnostics when it
 * does not validate; 409 when that name and version exist.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Problem } from '../../contract/events';
import type { TemplateDiagnostic } from '../../domain/template';
import { summarizeTemplate } from '../../domain/template-summary';
import type { TemplateAuthoring } from '../../templates/template-authoring';
import { callerOf } from '../auth';
import { sendProblem } from '../problem';

const SaveTemplateSchema = z.object({ yaml: z.string().min(1).max(256 * 1024) });

export function templateAuthoringRouter(authoring: TemplateAuthoring, region: string): Router {
  const router = Router();
  router.post('/templates', async (req, res) => {
    if (!callerOf(res).roles.includes('admin')) {
      return sendProblem(res, {
        type: 'https://prism.dev/problems/forbidden',
        title: 'Not allowed',
        status: 403,
        detail: 'Saving a template into the library needs the admin role.',
        code: 'FORBIDDEN',
        hint: 'Ask a Prism admin to save it, or use Export YAML and send them the file.'
      });
    }
    const { yaml } = SaveTemplateSchema.parse(req.body ?? {});
    const outcome = await authoring.saveTemplateVersion(yaml);
    if ('diagnostics' in outcome) {
      return sendProblem(res, invalidTemplate(outcome.diagnostics));
    }
    res.status(201).json(summarizeTemplate(outcome.template, region));
  });
  return router;
}

function invalidTemplate(diagnostics: TemplateDiagnostic[]): Problem & { diagnostics: TemplateDiagnostic[] } {
  const [first] = diagnostics;
  return {
    type: 'https://prism.dev/problems/template-invalid',
    title: 'Template is not valid',
    status: 422,
    detail: `${diagnostics.length} problem(s); the first, at line ${first?.line ?? 1}: ${first?.message ?? 'unknown'}`,
    code: 'TEMPLATE_INVALID',
    hint: first?.hint ?? 'Fix the problems listed in `diagnostics` and save again.',
    diagnostics
  };
}
