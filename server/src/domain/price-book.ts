/**
 * The prices Prism shows and records, for the service's region: the shipped
 * price table (price-table.ts), overlaid with prices the Pricing API returned
 * when the service runs on AWS. A refresh that fails leaves the table (and any
 * earlier refresh) in use.
 */
import type { Clock, DomainLogger } from './ports';
import { PRICE_TABLE_DATE, pricePerHour as tablePricePerHour, storagePrices as tableStoragePrices, type StorageTablePrices } from './price-table';

/** gp3 storage, USD per GiB-month, as the price table has it (us-east-1, us-east-2, us-west-2). */
export const TABLE_GP3_USD_PER_GIB_MONTH = 0.08;

/** What a price question is answered from; one region's. */
export interface PriceBook {
  readonly region: string;
  /** On-demand Linux USD per hour, or null where neither the table nor a refresh has a price. */
  pricePerHour(instanceType: string): number | null;
  /** gp3 storage, USD per GiB-month. */
  gp3UsdPerGiBMonth(): number;
  /** EFS and snapshot storage, USD per GB-month (gp3 as `gp3UsdPerGiBMonth`); null where the table has no storage prices. */
  storagePrices(): StorageTablePrices | null;
  /** The date the prices are of: the day of the last refresh, else the shipped table's date. */
  date(): string;
}

/** Prices fetched from the Pricing API for one region. */
export interface FetchedPrices {
  /** Instance type → on-demand Linux USD per hour. */
  instances: Record<string, number>;
  /** null when the Pricing API had no gp3 price for the region. */
  gp3UsdPerGiBMonth: number | null;
}

/** Where fresh prices come from (aws/pricing.ts). */
export interface PriceSource {
  /** @throws whatever the Pricing API throws (AccessDenied without pricing:GetProducts, network errors). */
  fetchPrices(region: string, instanceTypes: string[]): Promise<FetchedPrices>;
}

export class RefreshablePriceBook implements PriceBook {
  private refreshed: (FetchedPrices & { date: string }) | null = null;

  constructor(readonly region: string) {}

  pricePerHour(instanceType: string): number | null {
    return this.refreshed?.instances[instanceType] ?? tablePricePerHour(instanceType, this.region);
  }

  gp3UsdPerGiBMonth(): number {
    return this.refreshed?.gp3UsdPerGiBMonth ?? TABLE_GP3_USD_PER_GIB_MONTH;
  }

  storagePrices(): StorageTablePrices | null {
    const table = tableStoragePrices(this.region);
    return table && { ...table, gp3: this.gp3UsdPerGiBMonth() };
  }

  date(): string {
    return this.refreshed?.date ?? PRICE_TABLE_DATE;
  }

  /** Lays fetched prices over the table; `date` is the day they were fetched (YYYY-MM-DD). */
  overlay(prices: FetchedPrices, date: string): void {
    this.refreshed = { instances: { ...prices.instances }, gp3UsdPerGiBMonth: prices.gp3UsdPerGiBMonth, date };
  }
}

/** The shipped table alone, for `region`: what every price was before refreshes existed. */
export function shippedPriceBook(region: string): PriceBook {
  return new RefreshablePriceBook(region);
}

export interface PriceRefreshDeps {
  book: RefreshablePriceBook;
  source: PriceSource;
  /** The instance types worth pricing (those the templates use). */
  instanceTypes: () => string[];
  clock: Clock;
  logger: DomainLogger;
}

/** One refresh; resolves to whether it succeeded. Never throws: a failure is logged and the table stays. */
export async function refreshPrices(deps: PriceRefreshDeps): Promise<boolean> {
  const { book, source, clock, logger } = deps;
  const types = [...new Set(deps.instanceTypes())].sort();
  try {
    const prices = await source.fetchPrices(book.region, types);
    if (Object.keys(prices.instances).length === 0) {
      logger.warn({ region: book.region, asked: types.length }, `the Pricing API had no prices for ${book.region}; showing the price table of ${book.date()}`);
      return false;
    }
    const date = clock.now().toISOString().slice(0, 10);
    book.overlay(prices, date);
    logger.info({ region: book.region, priced: Object.keys(prices.instances).length, asked: types.length, date }, 'on-demand prices refreshed');
    return true;
  } catch (error) {
    logger.warn(
      { err: error, region: book.region, hint: 'Grant pricing:GetProducts (docs/iam-policy.json) to refresh prices; until then Prism shows its shipped price table.' },
      `could not refresh prices from the Pricing API; showing the price table of ${book.date()}`
    );
    return false;
  }
}

export const PRICE_REFRESH_MS = 24 * 60 * 60 * 1000;

/** Refreshes now (without waiting) and every `everyMs`; returns a stop function. */
export function startPriceRefresh(deps: PriceRefreshDeps, everyMs = PRICE_REFRESH_MS): () => void {
  void refreshPrices(deps);
  const timer = setInterval(() => void refreshPrices(deps), everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
