/**
 * The idle agent's `activity` report (docs/idle.md), as both report channels
 * check it: the HTTP phone-home and the S3 report objects.
 */
import { z } from 'zod';

const count = z.number().int().min(0).max(100_000);

export const ActivitySchema = z.object({
  busyKernels: count,
  kernels: count,
  terminals: count,
  sshSessions: count,
  cpuPercent: z.number().min(0).max(100),
  loadAverage: z.number().min(0),
  runningJobs: count,
  intervalSeconds: z.number().positive().max(86_400).optional(),
  // For the monitoring graphs (docs/monitoring.md); an older agent sends none.
  memoryPercent: z.number().min(0).max(100).optional(),
  memoryUsedMiB: z.number().min(0).optional(),
  diskPercent: z.number().min(0).max(100).optional(),
  networkRxBytes: z.number().min(0).optional(),
  networkTxBytes: z.number().min(0).optional(),
  at: z.string().max(40).optional()
});
