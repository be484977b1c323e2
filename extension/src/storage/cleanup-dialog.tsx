/**
 * The confirmation before a cleanup: exactly the items that will be deleted,
 * each with what it costs a month, and that deleting cannot be undone.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { ICleanupChoice } from './storage-model';
import { formatMonthly, kindLabel } from './storage-format';

/** @returns true when the person confirmed deleting every listed item. */
export async function confirmCleanup(
  items: ICleanupChoice[],
  trans: TranslationBundle
): Promise<boolean> {
  const total = items.reduce((sum, item) => sum + item.monthlyCost, 0);
  const body = (
    <div className="jp-Prism-cleanupConfirm">
      <p>{trans._n('This deletes %1 item for good:', 'This deletes %1 items for good:', items.length)}</p>
      <ul className="jp-Prism-cleanupList" aria-label={trans.__('Items to delete')}>
        {items.map(item => (
          <li key={`${item.kind}:${item.id}`} data-kind={item.kind} data-id={item.id}>
            <span className="jp-Prism-storageKind">{kindLabel(item.kind, trans)}</span> {item.name}{' '}
            <span className="jp-Prism-storageCost">{formatMonthly(item.monthlyCost, trans)}</span>
          </li>
        ))}
      </ul>
      <p>
        {trans.__(
          'It saves %1. Anything that came back into use meanwhile is kept, and the result says why.',
          formatMonthly(total, trans)
        )}
      </p>
    </div>
  );
  const answer = await showDialog({
    title: trans.__('Delete unused storage?'),
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Delete') })
    ]
  });
  return answer.button.accept;
}
