/**
 * What stored data costs a month, and how it adds into GET /costs. EFS is
 * billed per GB-month of metered size in each storage class, a snapshot per
 * GB-month of the blocks it holds (at most its volume's size, which is what
 * Prism counts: an upper bound), an EBS volume per GiB-month provisioned.
 * AWS's "GB" here is 2^30 bytes, as its bills count it.
 */
import type { StoragePrices, StorageTotal } from '../contract/storage';

const BYTES_PER_GB = 1024 ** 3;
const HOURS_PER_MONTH = 730;

export function efsMonthlyCost(size: { standard: number; infrequentAccess: number }, prices: StoragePrices | null): number {
  if (!prices) return 0;
  return dollars((size.standard / BYTES_PER_GB) * prices.efsStandard + (size.infrequentAccess / BYTES_PER_GB) * prices.efsInfrequentAccess);
}

export function snapshotMonthlyCost(sizeGiB: number, prices: StoragePrices | null): number {
  return prices ? dollars(sizeGiB * prices.ebsSnapshot) : 0;
}

export function ebsVolumeMonthlyCost(sizeGiB: number, prices: StoragePrices | null): number {
  return prices ? dollars(sizeGiB * prices.gp3) : 0;
}

/** One thing's share of the month: spent since it existed (or the month began), and projected to the month's end. */
export function monthShare(
  monthlyCost: number,
  createdAt: string,
  month: { start: number; end: number; now: number }
): { spend: number; projectedMonthEnd: number } {
  const from = Math.max(Date.parse(createdAt), month.start);
  const hoursSoFar = Math.max(0, month.now - from) / 3_600_000;
  const hoursLeft = Math.max(0, month.end - month.now) / 3_600_000;
  const perHour = monthlyCost / HOURS_PER_MONTH;
  return { spend: dollars(hoursSoFar * perHour), projectedMonthEnd: dollars((hoursSoFar + hoursLeft) * perHour) };
}

/** Totals per key: what everything costs a month, and how much of it is unused. */
export function storageTotals<T extends { monthlyCost: number }>(
  items: T[],
  keyOf: (item: T) => string | null,
  isUnused: (item: T) => boolean
): Record<string, StorageTotal> {
  const totals: Record<string, StorageTotal> = {};
  for (const item of items) {
    const key = keyOf(item);
    if (key === null) continue;
    const total = (totals[key] ??= { monthlyCost: 0, unusedMonthlyCost: 0 });
    total.monthlyCost = dollars(total.monthlyCost + item.monthlyCost);
    if (isUnused(item)) total.unusedMonthlyCost = dollars(total.unusedMonthlyCost + item.monthlyCost);
  }
  return totals;
}

/** Cents, as the rest of the costs show. */
export const dollars = (value: number): number => Number(value.toFixed(2));
