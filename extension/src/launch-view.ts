import type { Workstation } from '../../server/src/contract/api';
import type {
  LaunchPhase,
  Problem,
  WorkstationEvent
} from '../../server/src/contract/events';
import type { ILaunchView } from './tokens';

/** The boot log kept per workstation; older lines scroll away. */
const LOG_LINES_KEPT = 2000;

/**
 * One workstation's launch, folded from its events. The same event may
 * arrive twice (live while its history is being replayed), so each is
 * applied once.
 */
export class LaunchView implements ILaunchView {
  /** Start from what the workstation record already says. */
  static fromWorkstation(workstation: Workstation): LaunchView {
    const view = new LaunchView();
    view.phase = workstation.phase;
    view.percent = workstation.percent;
    if (workstation.error) {
      view.problem = {
        type: 'about:blank',
        status: 0,
        ...workstation.error
      };
    }
    return view;
  }

  phase: LaunchPhase = 'validate';
  percent = 0;
  etaSeconds: number | null = null;
  message = '';
  log: string[] = [];
  problem: Problem | null = null;

  /**
   * Fold one event in.
   *
   * @returns false when the event was already applied.
   */
  apply(event: WorkstationEvent): boolean {
    const key = keyOf(event);
    if (this._seen.has(key)) {
      return false;
    }
    this._seen.add(key);
    switch (event.kind) {
      case 'progress':
        this.phase = event.phase;
        this.percent = Math.max(this.percent, event.percent);
        this.etaSeconds = event.etaSeconds;
        this.message = event.message;
        this.problem =
          event.phase === 'failed' ? (event.problem ?? this.problem) : null;
        break;
      case 'log':
        this.log.push(event.line);
        if (this.log.length > LOG_LINES_KEPT) {
          this.log.splice(0, this.log.length - LOG_LINES_KEPT);
        }
        break;
      case 'state':
      case 'idle':
        break;
    }
    return true;
  }

  private _seen = new Set<string>();
}

function keyOf(event: WorkstationEvent): string {
  switch (event.kind) {
    case 'progress':
      return `p|${event.at}|${event.phase}|${event.percent}|${event.message}`;
    case 'log':
      return `l|${event.at}|${event.line}`;
    case 'state':
      return `s|${event.at}|${event.state}`;
    case 'idle':
      return `i|${event.at}|${event.status}`;
  }
}
