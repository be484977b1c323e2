/**
 * Idle warnings as JupyterLab notifications: which workstation, what will
 * happen when and why, with "Keep running 1 h" (`prism:keep-running`).
 */
import { Notification } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { CommandRegistry } from '@lumino/commands';

import { problemOf } from '../api';
import { CommandIDs, IdleEvent, IPrismModel } from '../tokens';

export function notifyIdleWarnings(
  model: IPrismModel,
  commands: CommandRegistry,
  trans: TranslationBundle
): void {
  model.idleWarned.connect((_, warning) => {
    const name = model.workstations.find(w => w.id === warning.id)?.name ?? warning.id;
    Notification.warning(idleWarningText(name, warning, trans), {
      autoClose: false,
      actions: [
        {
          label: trans.__('Keep running 1 h'),
          callback: () => {
            commands.execute(CommandIDs.keepRunning, { id: warning.id }).then(
              () =>
                Notification.success(
                  trans.__('%1 keeps running for at least another hour.', name),
                  { autoClose: 5000 }
                ),
              reason => {
                const problem = problemOf(reason);
                Notification.error(`${problem.detail || problem.title} ${problem.hint}`, {
                  autoClose: false
                });
              }
            );
          }
        }
      ]
    });
  });
}

/** "ws-a will be hibernated at 14:05 (idle 60 min: …)." */
export function idleWarningText(
  name: string,
  warning: IdleEvent,
  trans: TranslationBundle
): string {
  const at = new Date(warning.actAt).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit'
  });
  return warning.action === 'hibernate'
    ? trans.__('%1 will be hibernated at %2 unless kept running: %3.', name, at, warning.reason)
    : trans.__('%1 will be stopped at %2 unless kept running: %3.', name, at, warning.reason);
}
