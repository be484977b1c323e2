/**
 * /instances: launch, list, look at, connect to, stop, start, hibernate, terminate.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { Workstations } from '../../domain/workstations';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

const DatasetSchema = z.union([
  z.object({
    s3: z.object({
      bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'),
      prefix: z.string().max(1024).optional(),
      readOnly: z.boolean().optional()
    })
  }).strict(),
  z.object({ efs: z.object({ volume: z.string().min(1) }) }).strict(),
  z.object({ dataset: z.string().min(1).max(100) }).strict()
]);

export const LaunchRequestSchema = z
  .object({
    name: z.string().min(1).max(63),
    template: z.string().min(1).max(100),
    version: z.string().max(50).optional(),
    arch: z.enum(['arm64', 'x86_64']),
    size: z.string().max(50).optional(),
    instanceType: z.string().regex(/^[a-z0-9]+\.[a-z0-9]+$/, 'must look like m7g.large').optional(),
    datasets: z.array(DatasetSchema).max(20).optional(),
    project: z.string().max(100).optional(),
    // Checked against the template's own parameters by the domain (PARAMETER_INVALID).
    parameters: z.record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean()])).optional()
  })
  .strict();

export function instancesRouter(workstations: Workstations): Router {
  const router = Router();

  router.get('/instances', (req, res) => {
    const project = typeof req.query.project === 'string' ? req.query.project : undefined;
    res.json(workstations.listWorkstations(callerOf(res).user, project));
  });

  router.post('/instances', (req, res) => {
    const parsed = LaunchRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      throw invalidBody(parsed.error, 'launch request');
    }
    const workstation = workstations.launchWorkstation(callerOf(res).user, parsed.data);
    res.status(202).location(`instances/${workstation.id}`).json({ id: workstation.id, workstation });
  });

  router.get('/instances/:id', (req, res) => {
    res.json(workstations.getWorkstation(callerOf(res).user, req.params.id));
  });

  router.delete('/instances/:id', async (req, res) => {
    res.json(await workstations.terminateWorkstation(callerOf(res).user, req.params.id));
  });

  router.post('/instances/:id/stop', async (req, res) => {
    res.json(await workstations.stopWorkstation(callerOf(res).user, req.params.id));
  });

  router.post('/instances/:id/hibernate', async (req, res) => {
    res.json(await workstations.stopWorkstation(callerOf(res).user, req.params.id, true));
  });

  router.post('/instances/:id/start', async (req, res) => {
    res.json(await workstations.startWorkstation(callerOf(res).user, req.params.id));
  });

  router.get('/instances/:id/events', (req, res) => {
    res.json(workstations.eventsOf(callerOf(res).user, req.params.id));
  });

  router.get('/instances/:id/connection', (req, res) => {
    res.set('Cache-Control', 'no-store').json(workstations.connectionOf(callerOf(res).user, req.params.id));
  });

  return router;
}
