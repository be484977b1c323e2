/**
 * Boot reports between replicas (docs/replicas.md): a workstation phones home
 * to whichever replica the balancer picks, and only the one holding the launch's
 * lease drives it. A replica that takes a report for a launch it does not drive
 * keeps it here; the driving replica takes what is kept, in seq order.
 */
import type { BootReport } from './ports';

export interface BootReportRelay {
  /** Keeps reports of launch `id` for its driver; a seq kept already is kept once. */
  keep(id: string, reports: BootReport[]): void;
  /** The kept reports of launch `id`, oldest first, no longer kept once taken. */
  take(id: string): BootReport[];
  /** Forgets what is kept for a launch that settled. */
  discard(id: string): void;
}
