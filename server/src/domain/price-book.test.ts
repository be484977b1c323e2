import { RefreshablePriceBook, refreshPrices, shippedPriceBook, TABLE_GP3_USD_PER_GIB_MONTH, type PriceSource } from './price-book';
import { costReport } from './costs';
import type { WorkstationStore } from './ports';
import { PRICE_TABLE_DATE } from './price-table';

const clock = { now: () => new Date('2026-11-27T09:30:00Z') };
const quietLogger = () => ({ info: jest.fn(), warn: jest.fn(), error: jest.fn() });

describe('PriceBook', () => {
  it('answers from the shipped table until prices are refreshed', () => {
    const book = shippedPriceBook('us-east-1');
    expect(book.pricePerHour('m7g.large')).toBe(0.0816);
    expect(book.pricePerHour('x9.huge')).toBeNull();
    expect(book.gp3UsdPerGiBMonth()).toBe(TABLE_GP3_USD_PER_GIB_MONTH);
    expect(book.date()).toBe(PRICE_TABLE_DATE);
  });

  it('lets a refreshed price win and keeps the table’s for types the refresh did not price', () => {
    const book = new RefreshablePriceBook('us-east-1');
    book.overlay({ instances: { 'm7g.large': 0.09 }, gp3UsdPerGiBMonth: 0.085 }, '2026-11-27');
    expect(book.pricePerHour('m7g.large')).toBe(0.09);
    expect(book.pricePerHour('t3.medium')).toBe(0.0416);
    expect(book.gp3UsdPerGiBMonth()).toBe(0.085);
    expect(book.date()).toBe('2026-11-27');
  });

  it('shows no price in a region the table does not cover, unless a refresh priced it', () => {
    const book = new RefreshablePriceBook('eu-west-1');
    expect(book.pricePerHour('m7g.large')).toBeNull();
    book.overlay({ instances: { 'm7g.large': 0.0912 }, gp3UsdPerGiBMonth: null }, '2026-11-27');
    expect(book.pricePerHour('m7g.large')).toBe(0.0912);
    expect(book.pricePerHour('t3.medium')).toBeNull();
    expect(book.gp3UsdPerGiBMonth()).toBe(TABLE_GP3_USD_PER_GIB_MONTH);
  });
});

describe('refreshing prices', () => {
  it('overlays what the Pricing API returned, dated the day it was fetched', async () => {
    const book = new RefreshablePriceBook('us-east-1');
    const source: PriceSource = { fetchPrices: jest.fn(async () => ({ instances: { 'm7g.large': 0.0833 }, gp3UsdPerGiBMonth: 0.08 })) };
    const logger = quietLogger();

    expect(await refreshPrices({ book, source, instanceTypes: () => ['m7g.large', 'm7g.large', 't3.medium'], clock, logger })).toBe(true);

    expect(source.fetchPrices).toHaveBeenCalledWith('us-east-1', ['m7g.large', 't3.medium']);
    expect(book.pricePerHour('m7g.large')).toBe(0.0833);
    expect(book.date()).toBe('2026-11-27');
  });

  it('keeps the table when the Pricing API refuses, and names the permission in the log', async () => {
    const book = new RefreshablePriceBook('us-east-1');
    const denied = Object.assign(new Error('User is not authorized to perform: pricing:GetProducts'), { name: 'AccessDeniedException' });
    const logger = quietLogger();

    expect(await refreshPrices({ book, source: { fetchPrices: () => Promise.reject(denied) }, instanceTypes: () => ['m7g.large'], clock, logger })).toBe(false);

    expect(book.pricePerHour('m7g.large')).toBe(0.0816);
    expect(book.date()).toBe(PRICE_TABLE_DATE);
    expect(logger.warn).toHaveBeenCalledWith(expect.objectContaining({ hint: expect.stringContaining('pricing:GetProducts') }), expect.any(String));
  });

  it('keeps an earlier refresh when a later one fails or finds nothing', async () => {
    const book = new RefreshablePriceBook('us-east-1');
    book.overlay({ instances: { 'm7g.large': 0.0833 }, gp3UsdPerGiBMonth: null }, '2026-11-26');
    const logger = quietLogger();
    await refreshPrices({ book, source: { fetchPrices: () => Promise.reject(new Error('socket hang up')) }, instanceTypes: () => ['m7g.large'], clock, logger });
    await refreshPrices({ book, source: { fetchPrices: async () => ({ instances: {}, gp3UsdPerGiBMonth: null }) }, instanceTypes: () => ['m7g.large'], clock, logger });
    expect(book.pricePerHour('m7g.large')).toBe(0.0833);
    expect(book.date()).toBe('2026-11-26');
  });
});

describe('the costs report', () => {
  it('dates its prices with the refresh when there was one, else with the table', () => {
    const store = { events: () => [] } as unknown as WorkstationStore;
    const book = new RefreshablePriceBook('us-east-1');
    expect(costReport(store, [], () => 30, clock, book).priceTableDate).toBe(PRICE_TABLE_DATE);
    book.overlay({ instances: { 'm7g.large': 0.0833 }, gp3UsdPerGiBMonth: 0.08 }, '2026-11-27');
    expect(costReport(store, [], () => 30, clock, book).priceTableDate).toBe('2026-11-27');
  });
});
