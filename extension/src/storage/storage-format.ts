/**
 * How the storage view writes sizes, monthly costs and kinds.
 */
import type { TranslationBundle } from '@jupyterlab/translation';

import type { StorageKind } from '../../../server/src/contract/storage';

export function formatMonthly(amount: number, trans: TranslationBundle): string {
  return trans.__('$%1/month', amount.toFixed(2));
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function kindLabel(kind: StorageKind, trans: TranslationBundle): string {
  switch (kind) {
    case 'volume':
      return trans.__('EFS volume');
    case 'snapshot':
      return trans.__('Snapshot');
    case 'ebs-volume':
      return trans.__('Restored EBS volume');
  }
}
