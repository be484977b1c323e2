/**
 * What workstations cost, in dollars: spend this month so far, the projection
 * to the month's end if nothing changes, and what stopping saved. Compute is
 * billed while running; the root volume (gp3) is billed until terminated.
 */
import type { CostReport, CostTotal, StorageCost, WorkstationCost } from '../contract/api';
import type { WorkstationEvent, WorkstationState } from '../contract/events';
import type { Clock, WorkstationRecord, WorkstationStore } from './ports';
import { TABLE_GP3_USD_PER_GIB_MONTH, type PriceBook } from './price-book';
import { PRICE_TABLE_DATE } from './price-table';

/** gp3 storage, USD per GiB-month, us-east-1 (dated with the price table). */
export const GP3_USD_PER_GIB_MONTH = TABLE_GP3_USD_PER_GIB_MONTH;

/** What costs read from the price book: storage's price and the prices' date. */
export type CostPrices = Pick<PriceBook, 'gp3UsdPerGiBMonth' | 'date'>;

/** The shipped table's: what costs were before prices could be refreshed. */
const TABLE_PRICES: CostPrices = { gp3UsdPerGiBMonth: () => GP3_USD_PER_GIB_MONTH, date: () => PRICE_TABLE_DATE };
const HOURS_PER_MONTH = 730;

export interface Interval {
  state: WorkstationState;
  from: number;
  to: number;
}

export function costReport(
  store: WorkstationStore,
  records: WorkstationRecord[],
  rootVolumeGiB: (record: WorkstationRecord) => number,
  clock: Clock,
  prices: CostPrices = TABLE_PRICES
): CostReport {
  const now = clock.now();
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1);
  const workstations = records.map(record =>
    costOf(
      record,
      statesOf(record, store.events(record.id), now.getTime()),
      rootVolumeGiB(record),
      { start, end, now: now.getTime() },
      prices.gp3UsdPerGiBMonth()
    )
  );
  return {
    currency: 'USD',
    priceTableDate: prices.date(),
    period: { start: new Date(start).toISOString(), end: new Date(end).toISOString(), asOf: now.toISOString() },
    workstations,
    byUser: totalsBy(workstations, w => w.owner),
    byProject: totalsBy(workstations.filter(w => w.project), w => w.project as string),
    total: sum(workstations)
  };
}

/** The report with stored data added: its lines, and its spend and projection in the totals (storage saves nothing). */
export function withStorage(report: CostReport, storage: StorageCost[]): CostReport {
  const add = (total: CostTotal | undefined, lines: StorageCost[]): CostTotal => ({
    spend: cents((total?.spend ?? 0) + lines.reduce((s, l) => s + l.spend, 0)),
    projectedMonthEnd: cents((total?.projectedMonthEnd ?? 0) + lines.reduce((s, l) => s + l.projectedMonthEnd, 0)),
    savings: total?.savings ?? 0
  });
  const grouped = (key: (line: StorageCost) => string | null, totals: Record<string, CostTotal>): Record<string, CostTotal> => {
    const keys = new Set([...Object.keys(totals), ...storage.flatMap(l => (key(l) === null ? [] : [key(l) as string]))]);
    return Object.fromEntries([...keys].map(k => [k, add(totals[k], storage.filter(l => key(l) === k))]));
  };
  return {
    ...report,
    storage,
    byUser: grouped(l => l.owner, report.byUser),
    byProject: grouped(l => l.project, report.byProject),
    total: add(report.total, storage)
  };
}

/** The workstation's states over time, from its own history. */
export function statesOf(record: WorkstationRecord, events: WorkstationEvent[], now: number): Interval[] {
  const changes: { state: WorkstationState; at: number }[] = [
    { state: 'pending', at: Date.parse(record.createdAt) },
    ...events.flatMap(e => (e.kind === 'state' ? [{ state: e.state, at: Date.parse(e.at) }] : []))
  ];
  return changes.map((change, i) => ({
    state: change.state,
    from: change.at,
    to: changes[i + 1]?.at ?? now
  }));
}

const BILLED_RUNNING: WorkstationState[] = ['running', 'stopping'];
const EXISTING: WorkstationState[] = ['pending', 'running', 'stopping', 'stopped', 'hibernated'];

function hoursIn(intervals: Interval[], states: WorkstationState[], from: number, to: number): number {
  return intervals
    .filter(i => states.includes(i.state))
    .reduce((h, i) => h + Math.max(0, Math.min(i.to, to) - Math.max(i.from, from)) / 3_600_000, 0);
}

const storagePerHour = (volumeGiB: number, gp3UsdPerGiBMonth: number): number => (volumeGiB * gp3UsdPerGiBMonth) / HOURS_PER_MONTH;

/** Dollars spent between `from` and `to` (ms): compute while running, the root volume while it exists. Unrounded. */
export function spendBetween(
  record: WorkstationRecord,
  intervals: Interval[],
  volumeGiB: number,
  from: number,
  to: number,
  gp3UsdPerGiBMonth = GP3_USD_PER_GIB_MONTH
): number {
  return (
    hoursIn(intervals, BILLED_RUNNING, from, to) * (record.pricePerHour ?? 0) +
    hoursIn(intervals, EXISTING, from, to) * storagePerHour(volumeGiB, gp3UsdPerGiBMonth)
  );
}

/** Dollars per hour in its present state; nothing once it is gone. */
export function costPerHourOf(record: WorkstationRecord, volumeGiB: number, gp3UsdPerGiBMonth = GP3_USD_PER_GIB_MONTH): number {
  if (record.state === 'terminated' || record.state === 'failed') return 0;
  const running = record.state === 'running' || record.state === 'pending' || record.state === 'stopping';
  return storagePerHour(volumeGiB, gp3UsdPerGiBMonth) + (running ? (record.pricePerHour ?? 0) : 0);
}

function costOf(
  record: WorkstationRecord,
  intervals: Interval[],
  volumeGiB: number,
  month: { start: number; end: number; now: number },
  gp3UsdPerGiBMonth: number
): WorkstationCost {
  const price = record.pricePerHour ?? 0;
  const hoursRunning = hoursIn(intervals, BILLED_RUNNING, month.start, month.now);
  const hoursStopped = hoursIn(intervals, ['stopped', 'hibernated'], month.start, month.now);
  const spend = spendBetween(record, intervals, volumeGiB, month.start, month.now, gp3UsdPerGiBMonth);
  const hoursLeft = Math.max(0, month.end - month.now) / 3_600_000;
  const rest = hoursLeft * costPerHourOf(record, volumeGiB, gp3UsdPerGiBMonth);
  return {
    id: record.id,
    name: record.name,
    owner: record.owner,
    project: record.project,
    instanceType: record.instanceType,
    state: record.state,
    pricePerHour: record.pricePerHour,
    hoursRunning: round(hoursRunning, 2),
    hoursStopped: round(hoursStopped, 2),
    spend: cents(spend),
    projectedMonthEnd: cents(spend + rest),
    savings: cents(hoursStopped * price)
  };
}

function totalsBy(costs: WorkstationCost[], key: (c: WorkstationCost) => string): Record<string, CostTotal> {
  const groups = new Map<string, WorkstationCost[]>();
  costs.forEach(c => groups.set(key(c), [...(groups.get(key(c)) ?? []), c]));
  return Object.fromEntries([...groups].map(([k, group]) => [k, sum(group)]));
}

function sum(costs: WorkstationCost[]): CostTotal {
  return {
    spend: cents(costs.reduce((s, c) => s + c.spend, 0)),
    projectedMonthEnd: cents(costs.reduce((s, c) => s + c.projectedMonthEnd, 0)),
    savings: cents(costs.reduce((s, c) => s + c.savings, 0))
  };
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));
const cents = (value: number): number => round(value, 2);
