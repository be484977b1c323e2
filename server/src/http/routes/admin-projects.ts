/**
 * /admin/projects (Prism admins): every project's overview, counts only.
 * It opens nothing inside a project: that still takes a project role.
 */
import { Router } from 'express';
import type { ProjectOverviews } from '../../domain/project-overview';
import { callerOf } from '../auth';

export function adminProjectsRouter(overviews: ProjectOverviews): Router {
  const router = Router();

  router.get('/admin/projects', (_req, res) => {
    res.set('Cache-Control', 'no-store').json(overviews.list(callerOf(res)));
  });

  return router;
}
