/**
 * The size picker behind `prism:resize`: the template's sizes for the
 * workstation's arch, with their price, the current one marked.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { HTMLSelect, ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { SizeChoice } from '../../../server/src/contract/api';
import type { TemplateSummary, Workstation } from '../tokens';
import { formatPrice } from '../widgets/format';

/**
 * Ask which size `workstation` should become.
 *
 * @returns the chosen size's name; null when cancelled or there is no
 *   other size to choose.
 */
export async function askSize(
  workstation: Workstation,
  template: TemplateSummary | null,
  trans: TranslationBundle
): Promise<string | null> {
  const sizes = template?.sizes[workstation.arch] ?? [];
  const others = sizes.filter(s => s.instanceType !== workstation.instanceType);
  if (!others.length) {
    await showDialog({
      title: trans.__('Resize %1', workstation.name),
      body: trans.__(
        'Its template offers no other %1 size.',
        workstation.arch
      ),
      buttons: [Dialog.okButton({ label: trans.__('OK') })]
    });
    return null;
  }
  const answer = await showDialog({
    title: trans.__('Resize %1', workstation.name),
    body: new SizePicker(workstation, sizes, others[0].name, trans),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Resize') })
    ]
  });
  return answer.button.accept ? answer.value : null;
}

class SizePicker extends ReactWidget implements Dialog.IBodyWidget<string> {
  constructor(
    private readonly _workstation: Workstation,
    private readonly _sizes: ReadonlyArray<SizeChoice>,
    private _chosen: string,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-resize');
  }

  getValue(): string {
    return this._chosen;
  }

  protected render(): JSX.Element {
    const trans = this._trans;
    const workstation = this._workstation;
    return (
      <div className="jp-Prism-resizeBody">
        <p>
          {trans.__(
            'Now %1 (%2). A running workstation is stopped, resized and started again; its disk stays.',
            workstation.instanceType,
            formatPrice(workstation.pricePerHour, trans)
          )}
        </p>
        <HTMLSelect
          className="jp-Prism-resizeSelect"
          aria-label={trans.__('New size')}
          defaultValue={this._chosen}
          onChange={event => {
            this._chosen = event.currentTarget.value;
          }}
          options={this._sizes.map(s => ({
            value: s.name,
            disabled: s.instanceType === workstation.instanceType,
            label: trans.__(
              '%1 — %2, %3 vCPU, %4 GiB, %5',
              s.name,
              s.instanceType,
              s.vcpus,
              s.memoryGiB,
              formatPrice(s.pricePerHour, trans)
            )
          }))}
        />
      </div>
    );
  }
}
