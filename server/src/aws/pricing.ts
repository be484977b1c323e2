/**
 * On-demand prices from the AWS Price List (Pricing) API: Linux, shared
 * tenancy, no pre-installed software, for the instance types Prism's templates
 * use, and gp3 storage, in the service's region. The Pricing API answers in
 * us-east-1 only, whatever region the prices are for; the emulator has none.
 */
import { paginateGetProducts, PricingClient, type Filter } from '@aws-sdk/client-pricing';
import type { Config } from '../config';
import type { FetchedPrices, PriceSource } from '../domain/price-book';
import { DEFAULT_AWS_RETRY } from './clients';

/** The only region the Pricing API has an endpoint in (besides ap-south-1 and eu-central-1). */
export const PRICING_API_REGION = 'us-east-1';

/** Instance types priced at a time; the Pricing API throttles quickly. */
const CONCURRENCY = 4;

export function createPricingClient(config: Pick<Config, 'awsEndpoint'> & { profile?: string }): PricingClient {
  return new PricingClient({
    region: PRICING_API_REGION,
    maxAttempts: DEFAULT_AWS_RETRY.maxAttempts,
    retryMode: 'standard',
    ...(config.awsEndpoint !== undefined && { endpoint: config.awsEndpoint }),
    ...(config.profile !== undefined && { profile: config.profile })
  });
}

const match = (Field: string, Value: string): Filter => ({ Type: 'TERM_MATCH', Field, Value });

/** The filters that leave one product: the on-demand Linux price of `instanceType` in `region`. */
export function instanceFilters(instanceType: string, region: string): Filter[] {
  return [
    match('instanceType', instanceType),
    match('regionCode', region),
    match('operatingSystem', 'Linux'),
    match('tenancy', 'Shared'),
    match('preInstalledSw', 'NA'),
    match('capacitystatus', 'Used'),
    match('licenseModel', 'No License required')
  ];
}

export function gp3Filters(region: string): Filter[] {
  return [match('productFamily', 'Storage'), match('volumeApiName', 'gp3'), match('regionCode', region)];
}

export function createPriceSource(client: PricingClient): PriceSource {
  const products = async (filters: Filter[]): Promise<unknown[]> => {
    const found: unknown[] = [];
    for await (const page of paginateGetProducts({ client }, { ServiceCode: 'AmazonEC2', FormatVersion: 'aws_v1', Filters: filters })) {
      found.push(...((page.PriceList as unknown[] | undefined) ?? []));
    }
    return found;
  };
  return {
    async fetchPrices(region, instanceTypes): Promise<FetchedPrices> {
      const instances: Record<string, number> = {};
      const queue = [...instanceTypes];
      const worker = async (): Promise<void> => {
        for (let type = queue.shift(); type !== undefined; type = queue.shift()) {
          Object.assign(instances, instancePrices(await products(instanceFilters(type, region))));
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
      const gp3 = storagePrices(await products(gp3Filters(region)));
      return { instances, gp3UsdPerGiBMonth: gp3.gp3 ?? null };
    }
  };
}

/** One Price List entry, as much of it as Prism reads. */
interface PriceListEntry {
  product?: { productFamily?: string; attributes?: Record<string, string> };
  terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { unit?: string; pricePerUnit?: { USD?: string } }> }> };
}

/** An entry of GetProducts' PriceList: a JSON string (or, from some SDK versions, the object already parsed). */
function entryOf(item: unknown): PriceListEntry | null {
  if (typeof item === 'string') {
    try {
      return JSON.parse(item) as PriceListEntry;
    } catch {
      return null;
    }
  }
  return typeof item === 'object' && item !== null ? (item as PriceListEntry) : null;
}

/** The first non-zero on-demand USD price of an entry (free dimensions, such as reserved capacity's, are skipped). */
export function onDemandUsd(entry: PriceListEntry): number | null {
  for (const term of Object.values(entry.terms?.OnDemand ?? {})) {
    for (const dimension of Object.values(term.priceDimensions ?? {})) {
      const usd = Number(dimension.pricePerUnit?.USD);
      if (Number.isFinite(usd) && usd > 0) return usd;
    }
  }
  return null;
}

/** Instance type → USD per hour, from GetProducts' PriceList; the first price found for a type wins. */
export function instancePrices(priceList: unknown[]): Record<string, number> {
  const prices: Record<string, number> = {};
  for (const entry of priceList.map(entryOf)) {
    const type = entry?.product?.attributes?.instanceType;
    const usd = entry ? onDemandUsd(entry) : null;
    if (type && usd !== null && prices[type] === undefined) prices[type] = usd;
  }
  return prices;
}

/** Volume API name (gp3, gp2, …) → USD per GB-month, from GetProducts' PriceList. */
export function storagePrices(priceList: unknown[]): Record<string, number> {
  const prices: Record<string, number> = {};
  for (const entry of priceList.map(entryOf)) {
    const name = entry?.product?.attributes?.volumeApiName;
    const usd = entry ? onDemandUsd(entry) : null;
    if (name && usd !== null && prices[name] === undefined) prices[name] = usd;
  }
  return prices;
}
