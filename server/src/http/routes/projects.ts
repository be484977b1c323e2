/**
 * /projects: team spaces with roles (viewer, member, admin), and their history.
 * Budgets are in budgets.ts; a project's workstations are GET /instances?project=.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Budgets } from '../../domain/budgets';
import type { Projects } from '../../domain/projects';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const CreateProjectSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    description: z.string().max(1000).optional()
  })
  .strict();

export const MemberSchema = z.object({ role: z.enum(['viewer', 'member', 'admin']) }).strict();

export function projectsRouter(projects: Projects, budgets: Budgets): Router {
  const router = Router();

  router.get('/projects', (_req, res) => {
    res.json(projects.listProjects(callerOf(res).user));
  });

  router.post('/projects', (req, res) => {
    const parsed = CreateProjectSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'project');
    const project = projects.createProject(callerOf(res).user, parsed.data.name, parsed.data.description);
    res.status(201).location(`projects/${project.id}`).json(project);
  });

  router.get('/projects/:id', (req, res) => {
    res.json(projects.getProject(callerOf(res).user, req.params.id));
  });

  router.put('/projects/:id/members/:user', (req, res) => {
    const parsed = MemberSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'member');
    res.json(projects.setMember(callerOf(res).user, req.params.id, req.params.user, parsed.data.role));
  });

  router.delete('/projects/:id/members/:user', (req, res) => {
    projects.removeMember(callerOf(res).user, req.params.id, req.params.user);
    res.status(204).end();
  });

  router.get('/projects/:id/events', (req, res) => {
    res.json(budgets.eventsOf(callerOf(res).user, req.params.id));
  });

  return router;
}
