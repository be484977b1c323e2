/**
 * The workstation picker behind "Attach to workstation…": the researcher's
 * ready workstations, the first one chosen.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { Workstation } from '../tokens';

/**
 * Ask which workstation `what` should be attached to.
 *
 * @returns the chosen workstation's id; null when cancelled or none is ready.
 */
export async function askWorkstation(
  what: string,
  workstations: ReadonlyArray<Workstation>,
  trans: TranslationBundle
): Promise<string | null> {
  const title = trans.__('Attach %1 to a workstation', what);
  if (!workstations.length) {
    await showDialog({
      title,
      body: trans.__('None of your workstations is running and ready. Start or launch one from the Prism panel, then attach.'),
      buttons: [Dialog.okButton({ label: trans.__('OK') })]
    });
    return null;
  }
  const answer = await showDialog({
    title,
    body: new WorkstationPicker(workstations, workstations[0].id, trans),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Attach') })
    ]
  });
  return answer.button.accept ? answer.value : null;
}

class WorkstationPicker extends ReactWidget implements Dialog.IBodyWidget<string> {
  constructor(
    private readonly _workstations: ReadonlyArray<Workstation>,
    private _chosen: string,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-attachPicker');
  }

  getValue(): string {
    return this._chosen;
  }

  protected render(): JSX.Element {
    const trans = this._trans;
    return (
      <fieldset className="jp-Prism-attachChoices">
        <legend>{trans.__('Ready workstations')}</legend>
        {this._workstations.map(w => (
          <label key={w.id} className="jp-Prism-attachChoice">
            <input
              type="radio"
              name="jp-Prism-attach-workstation"
              value={w.id}
              defaultChecked={w.id === this._chosen}
              onChange={() => {
                this._chosen = w.id;
              }}
            />
            {trans.__('%1 (%2, %3)', w.name, w.instanceType, w.arch)}
          </label>
        ))}
      </fieldset>
    );
  }
}
