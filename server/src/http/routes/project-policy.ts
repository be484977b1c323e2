/** /projects/:id/policy: the templates, sizes and number of workstations a project allows (docs/api.md, "Project policy"). */
import { Router } from 'express';
import { z } from 'zod';
import type { ProjectPolicies } from '../../domain/project-policy';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

const names = (max: number) => z.array(z.string().min(1).max(max)).max(200).nullable().optional();
const count = z.number().int().min(0).max(10_000).nullable().optional();

export const ProjectPolicySchema = z
  .object({
    templates: names(128),
    maxWorkstations: count,
    maxWorkstationsPerMember: count,
    sizes: names(64),
    instanceTypes: z
      .array(z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'an EC2 instance type, for example m7g.large'))
      .max(200)
      .nullable()
      .optional()
  })
  .strict();

export function projectPolicyRouter(policies: ProjectPolicies): Router {
  const router = Router();

  router.get('/projects/:id/policy', (req, res) => {
    res.json(policies.getPolicy(callerOf(res).user, req.params.id));
  });

  router.put('/projects/:id/policy', (req, res) => {
    const parsed = ProjectPolicySchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'project policy');
    res.json(policies.setPolicy(callerOf(res).user, req.params.id, parsed.data));
  });

  return router;
}
