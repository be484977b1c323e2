/**
 * The chosen size on both arches, side by side, and what Graviton saves.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { TemplateSummary } from '../tokens';
import { formatPrice } from '../widgets/format';

export function ArchPrices(props: {
  template: TemplateSummary;
  size: string;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { template, size, trans } = props;
  const arm = template.sizes.arm64?.find(s => s.name === size) ?? null;
  const x86 = template.sizes.x86_64?.find(s => s.name === size) ?? null;
  if (!arm || !x86) {
    return null;
  }
  const armPrice = arm.pricePerHour;
  const x86Price = x86.pricePerHour;
  const known = armPrice !== null && x86Price !== null && x86Price > 0;
  return (
    <div className="jp-Prism-archPrices" aria-label={trans.__('Price per architecture')}>
      <span className="jp-Prism-archPrice" data-arch="arm64">
        {trans.__('arm64 %1: %2', arm.instanceType, formatPrice(armPrice, trans))}
      </span>
      <span className="jp-Prism-archPrice" data-arch="x86_64">
        {trans.__('x86_64 %1: %2', x86.instanceType, formatPrice(x86Price, trans))}
      </span>
      {known && (
        <span className="jp-Prism-archSaving">
          {armPrice < x86Price
            ? trans.__(
                'Graviton saves %1 % — %2',
                Math.round((100 * (x86Price - armPrice)) / x86Price),
                formatPrice(x86Price - armPrice, trans)
              )
            : armPrice > x86Price
              ? trans.__(
                  'x86_64 saves %1 % — %2',
                  Math.round((100 * (armPrice - x86Price)) / armPrice),
                  formatPrice(armPrice - x86Price, trans)
                )
              : trans.__('Same price on both')}
        </span>
      )}
    </div>
  );
}
