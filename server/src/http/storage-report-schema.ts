/**
 * The agent's storage reports (domain/mount-spec.ts): each mount's status,
 * and one sync run's result. The same over HTTP and in S3 report objects.
 */
import { z } from 'zod';

export const MountStatusesSchema = z
  .array(
    z.object({
      path: z.string().min(1).max(1000),
      status: z.enum(['mounted', 'failed']),
      reason: z.string().max(2000).optional(),
      at: z.string().max(40)
    })
  )
  .max(100);

export const SyncResultSchema = z.object({
  run: z.string().min(1).max(100),
  status: z.enum(['ok', 'failed']),
  files: z.array(z.object({ path: z.string().max(4000), bytes: z.number().int().nonnegative() })).max(100_000),
  reason: z.string().max(2000).optional()
});
