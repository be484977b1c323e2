/**
 * Boot reports between replicas (docs/replicas.md): a workstation phones home
 * to whichever replica the balancer picks, and only the one holding the launch's
 * lease drives it. Every report of a launch still under way is kept here until
 * its driver applied it, so a driver that dies leaves no report unapplied: the
 * replica that claims the launch next reads what is still kept, in seq order.
 */
import type { BootReport } from './ports';

export interface BootReportRelay {
  /** Keeps reports of launch `id` for its driver; a seq kept already is kept once. */
  keep(id: string, reports: BootReport[]): void;
  /** The kept reports of launch `id` after seq `after`, oldest first. */
  pending(id: string, after: number): BootReport[];
  /** The driver applied the reports of launch `id` up to seq `upTo`: they need not be kept. */
  applied(id: string, upTo: number): void;
  /** Forgets what is kept for a launch that settled. */
  discard(id: string): void;
}
