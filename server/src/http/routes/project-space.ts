/**
 * /projects/:id/space: the project's shared EFS space (docs/api.md, "Project
 * space"). A project admin makes and deletes it; anyone in the project looks.
 */
import { Router } from 'express';
import type { ProjectSpaces } from '../../domain/project-space';
import { callerOf } from '../auth';

export function projectSpaceRouter(spaces: ProjectSpaces): Router {
  const router = Router();

  router.post('/projects/:id/space', async (req, res) => {
    const { space, created } = await spaces.createSpace(callerOf(res).user, req.params.id);
    res.status(created ? 201 : 200).location(`projects/${encodeURIComponent(space.project)}/space`).json(space);
  });

  router.get('/projects/:id/space', (req, res) => {
    res.json(spaces.getSpace(callerOf(res).user, req.params.id));
  });

  router.delete('/projects/:id/space', async (req, res) => {
    await spaces.deleteSpace(callerOf(res).user, req.params.id);
    res.status(204).end();
  });

  return router;
}
