import type { TranslationBundle } from '@jupyterlab/translation';

/** "$0.0816/h", or a dash when the service does not know the price. */
export function formatPrice(
  pricePerHour: number | null | undefined,
  trans: TranslationBundle
): string {
  if (pricePerHour === null || pricePerHour === undefined) {
    return '—';
  }
  const digits = pricePerHour < 1 ? 4 : 2;
  return trans.__('$%1/h', pricePerHour.toFixed(digits));
}

/** A rough, human ETA: estimates are not worth more precision. */
export function formatEta(
  etaSeconds: number | null,
  trans: TranslationBundle
): string {
  if (etaSeconds === null) {
    return '';
  }
  if (etaSeconds < 5) {
    return trans.__('a few seconds left');
  }
  if (etaSeconds < 90) {
    return trans.__('about %1 s left', Math.round(etaSeconds));
  }
  return trans.__('about %1 min left', Math.round(etaSeconds / 60));
}
