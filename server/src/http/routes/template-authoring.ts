/**
 * POST /templates: saving a new template version (the visual builder's
 * Save): into the library by an admin, or with `scope: { project }` into a
 * project's templates by its members. 201 with its summary; 422 with the
 * diagnostics when it does not validate; 409 when that name and version exist.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Problem } from '../../contract/events';
import type { TemplateDiagnostic } from '../../domain/template';
import { shippedPriceBook, type PriceBook } from '../../domain/price-book';
import { summarizeTemplate } from '../../domain/template-summary';
import type { TemplateAuthoring } from '../../templates/template-authoring';
import { callerOf } from '../auth';
import { sendProblem } from '../problem';

export const SaveTemplateSchema = z.object({
  yaml: z.string().min(1).max(256 * 1024),
  // Project ids are made by projectId(): lower-case letters, digits and dashes, safe in a folder name.
  scope: z.object({ project: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/) }).optional()
});

/** `requireMember` throws PROJECT_NOT_FOUND (not in it) or FORBIDDEN (a viewer), as Projects.require does. */
export function templateAuthoringRouter(
  authoring: TemplateAuthoring,
  region: string,
  requireMember: (user: string, project: string) => void,
  prices: PriceBook = shippedPriceBook(region)
): Router {
  const router = Router();
  router.post('/templates', async (req, res) => {
    const { yaml, scope } = SaveTemplateSchema.parse(req.body ?? {});
    const caller = callerOf(res);
    if (scope) {
      requireMember(caller.user, scope.project);
    } else if (!caller.roles.includes('admin')) {
      return sendProblem(res, {
        type: 'https://prism.dev/problems/forbidden',
        title: 'Not allowed',
        status: 403,
        detail: 'Saving a template into the library needs the admin role.',
        code: 'FORBIDDEN',
        hint: 'Save it to one of your projects (`scope: { project }`), ask a Prism admin to save it, or use Export YAML and send them the file.'
      });
    }
    const outcome = await authoring.saveTemplateVersion(yaml, scope);
    if ('diagnostics' in outcome) {
      return sendProblem(res, invalidTemplate(outcome.diagnostics));
    }
    res.status(201).json(summarizeTemplate(outcome.template, region, prices));
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
