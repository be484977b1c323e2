/**
 * Snapshots of workstations and backups of volumes (docs/api.md, "Snapshots
 * and backups"): take one now, a schedule, list, delete, restore; a volume's
 * recovery points and a restore into a new volume.
 */
import { Router } from 'express';
import { z } from 'zod';
import type { VolumeBackups } from '../../domain/backups';
import type { SnapshotSchedules } from '../../domain/snapshot-schedules';
import type { Snapshots } from '../../domain/snapshots';
import { callerOf } from '../auth';
import { invalidBody } from '../problem';

export const SnapshotRequestSchema = z.object({ description: z.string().min(1).max(255).optional() }).strict();

export const ScheduleSchema = z
  .object({
    everyHours: z.number().int().min(1).max(720),
    keep: z.number().int().min(1).max(100)
  })
  .strict();

export const VolumeRestoreSchema = z.object({ recoveryPoint: z.string().min(1).max(2048) }).strict();

export function snapshotsRouter(snapshots: Snapshots, schedules: SnapshotSchedules, backups: VolumeBackups | null): Router {
  const router = Router();

  router.post('/instances/:id/snapshots', async (req, res) => {
    const parsed = SnapshotRequestSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'snapshot');
    const snapshot = await snapshots.takeSnapshot(callerOf(res).user, req.params.id, parsed.data.description);
    res.status(202).location(`../../snapshots/${snapshot.id}`).json(snapshot);
  });

  router.get('/instances/:id/snapshot-schedule', (req, res) => {
    res.json(schedules.getSchedule(callerOf(res).user, req.params.id));
  });

  router.put('/instances/:id/snapshot-schedule', (req, res) => {
    const parsed = ScheduleSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw invalidBody(parsed.error, 'snapshot schedule');
    res.json(schedules.setSchedule(callerOf(res).user, req.params.id, parsed.data));
  });

  router.delete('/instances/:id/snapshot-schedule', (req, res) => {
    schedules.deleteSchedule(callerOf(res).user, req.params.id);
    res.status(204).end();
  });

  router.get('/snapshots', async (_req, res) => {
    res.json(await snapshots.listSnapshots(callerOf(res).user));
  });

  router.get('/snapshots/:id', (req, res) => {
    res.json(snapshots.getSnapshot(callerOf(res).user, req.params.id));
  });

  router.delete('/snapshots/:id', async (req, res) => {
    await snapshots.deleteSnapshot(callerOf(res).user, req.params.id);
    res.status(204).end();
  });

  router.post('/snapshots/:id/restore', async (req, res) => {
    const volume = await snapshots.restoreSnapshot(callerOf(res).user, req.params.id);
    res.status(201).json(volume);
  });

  if (backups) {
    router.get('/volumes/:id/recovery-points', async (req, res) => {
      res.json(await backups.recoveryPoints(callerOf(res).user, req.params.id));
    });

    router.post('/volumes/:id/restore', async (req, res) => {
      const parsed = VolumeRestoreSchema.safeParse(req.body ?? {});
      if (!parsed.success) throw invalidBody(parsed.error, 'restore');
      res.status(202).json(await backups.restore(callerOf(res).user, req.params.id, parsed.data.recoveryPoint));
    });

    router.get('/volumes/:id/restore', (req, res) => {
      res.json(backups.restoreOf(callerOf(res).user, req.params.id));
    });
  }

  return router;
}
