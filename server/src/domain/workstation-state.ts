/**
 * What a workstation's state and phase mean together.
 */
import type { Workstation } from '../contract/api';

/** A launch is settled once it reached ready or failed, or the workstation is gone. */
export function isSettled(w: Pick<Workstation, 'phase' | 'state'>): boolean {
  return w.phase === 'ready' || w.phase === 'failed' || w.state === 'terminated';
}
