/**
 * On-demand Linux prices, USD per hour, as published for us-east-1 and us-west-2
 * on the date below. Shipped because the emulator has no Pricing API; on AWS the
 * Pricing API may refresh it. Regions not listed show no price rather than a wrong one.
 */
export const PRICE_TABLE_DATE = '2026-11-01';

const PRICED_REGIONS = new Set(['us-east-1', 'us-east-2', 'us-west-2']);

export interface InstanceTypeFacts {
  vcpus: number;
  memoryGiB: number;
  usdPerHour: number;
}

const TABLE: Record<string, InstanceTypeFacts> = {
  't4g.medium': { vcpus: 2, memoryGiB: 4, usdPerHour: 0.0336 },
  't4g.large': { vcpus: 2, memoryGiB: 8, usdPerHour: 0.0672 },
  't4g.xlarge': { vcpus: 4, memoryGiB: 16, usdPerHour: 0.1344 },
  't3.medium': { vcpus: 2, memoryGiB: 4, usdPerHour: 0.0416 },
  't3.large': { vcpus: 2, memoryGiB: 8, usdPerHour: 0.0832 },
  't3.xlarge': { vcpus: 4, memoryGiB: 16, usdPerHour: 0.1664 },
  'm7g.large': { vcpus: 2, memoryGiB: 8, usdPerHour: 0.0816 },
  'm7g.xlarge': { vcpus: 4, memoryGiB: 16, usdPerHour: 0.1632 },
  'm7g.2xlarge': { vcpus: 8, memoryGiB: 32, usdPerHour: 0.3264 },
  'm7g.4xlarge': { vcpus: 16, memoryGiB: 64, usdPerHour: 0.6528 },
  'm7i.large': { vcpus: 2, memoryGiB: 8, usdPerHour: 0.1008 },
  'm7i.xlarge': { vcpus: 4, memoryGiB: 16, usdPerHour: 0.2016 },
  'm7i.2xlarge': { vcpus: 8, memoryGiB: 32, usdPerHour: 0.4032 },
  'm7i.4xlarge': { vcpus: 16, memoryGiB: 64, usdPerHour: 0.8064 },
  'm6g.large': { vcpus: 2, memoryGiB: 8, usdPerHour: 0.077 },
  'm6g.xlarge': { vcpus: 4, memoryGiB: 16, usdPerHour: 0.154 },
  'm6g.2xlarge': { vcpus: 8, memoryGiB: 32, usdPerHour: 0.308 },
  'm6i.large': { vcpus: 2, memoryGiB: 8, usdPerHour: 0.096 },
  'm6i.xlarge': { vcpus: 4, memoryGiB: 16, usdPerHour: 0.192 },
  'm6i.2xlarge': { vcpus: 8, memoryGiB: 32, usdPerHour: 0.384 },
  'c7g.large': { vcpus: 2, memoryGiB: 4, usdPerHour: 0.0725 },
  'c7g.xlarge': { vcpus: 4, memoryGiB: 8, usdPerHour: 0.145 },
  'c7g.2xlarge': { vcpus: 8, memoryGiB: 16, usdPerHour: 0.29 },
  'c7g.4xlarge': { vcpus: 16, memoryGiB: 32, usdPerHour: 0.58 },
  'c7i.large': { vcpus: 2, memoryGiB: 4, usdPerHour: 0.08925 },
  'c7i.xlarge': { vcpus: 4, memoryGiB: 8, usdPerHour: 0.1785 },
  'c7i.2xlarge': { vcpus: 8, memoryGiB: 16, usdPerHour: 0.357 },
  'c7i.4xlarge': { vcpus: 16, memoryGiB: 32, usdPerHour: 0.714 },
  'r7g.large': { vcpus: 2, memoryGiB: 16, usdPerHour: 0.1071 },
  'r7g.xlarge': { vcpus: 4, memoryGiB: 32, usdPerHour: 0.2142 },
  'r7g.2xlarge': { vcpus: 8, memoryGiB: 64, usdPerHour: 0.4284 },
  'r7g.4xlarge': { vcpus: 16, memoryGiB: 128, usdPerHour: 0.8568 },
  'r7i.large': { vcpus: 2, memoryGiB: 16, usdPerHour: 0.1323 },
  'r7i.xlarge': { vcpus: 4, memoryGiB: 32, usdPerHour: 0.2646 },
  'r7i.2xlarge': { vcpus: 8, memoryGiB: 64, usdPerHour: 0.5292 },
  'r7i.4xlarge': { vcpus: 16, memoryGiB: 128, usdPerHour: 1.0584 },
  'r6g.xlarge': { vcpus: 4, memoryGiB: 32, usdPerHour: 0.2016 },
  'r6i.xlarge': { vcpus: 4, memoryGiB: 32, usdPerHour: 0.252 },
  'g5g.xlarge': { vcpus: 4, memoryGiB: 8, usdPerHour: 0.42 },
  'g5g.2xlarge': { vcpus: 8, memoryGiB: 16, usdPerHour: 0.556 },
  'g5g.4xlarge': { vcpus: 16, memoryGiB: 32, usdPerHour: 0.828 },
  'g5.xlarge': { vcpus: 4, memoryGiB: 16, usdPerHour: 1.006 },
  'g5.2xlarge': { vcpus: 8, memoryGiB: 32, usdPerHour: 1.212 },
  'g5.4xlarge': { vcpus: 16, memoryGiB: 64, usdPerHour: 1.624 }
};

/**
 * Storage, USD per GB-month, on the same date: EFS Standard and Infrequent
 * Access (regional file systems), EBS snapshots (standard tier) and gp3. The
 * three priced regions publish the same storage prices.
 */
export interface StorageTablePrices {
  efsStandard: number;
  efsInfrequentAccess: number;
  ebsSnapshot: number;
  gp3: number;
}

const STORAGE: StorageTablePrices = { efsStandard: 0.3, efsInfrequentAccess: 0.016, ebsSnapshot: 0.05, gp3: 0.08 };

/** Storage prices in `region`, or null where the table has none. */
export function storagePrices(region: string): StorageTablePrices | null {
  return PRICED_REGIONS.has(region) ? { ...STORAGE } : null;
}

export function instanceTypeFacts(instanceType: string): InstanceTypeFacts | undefined {
  return TABLE[instanceType];
}

/** USD per hour in `region`, or null where the table has no price. */
export function pricePerHour(instanceType: string, region: string): number | null {
  if (!PRICED_REGIONS.has(region)) {
    return null;
  }
  return TABLE[instanceType]?.usdPerHour ?? null;
}
