import { shippedPriceBook } from './price-book';
import { ebsVolumeMonthlyCost, efsMonthlyCost, monthShare, snapshotMonthlyCost, storageTotals } from './storage-costs';

const GiB = 1024 ** 3;
const prices = shippedPriceBook('us-east-1').storagePrices();

describe('storage costs', () => {
  it('prices EFS per GB-month in Standard and in Infrequent Access from the price table', () => {
    // 100 GB Standard × $0.30 + 500 GB IA × $0.016 = $30 + $8
    expect(efsMonthlyCost({ standard: 100 * GiB, infrequentAccess: 500 * GiB }, prices)).toBe(38);
  });

  it('prices a snapshot per GB-month of its volume size, and a restored gp3 volume per GiB-month', () => {
    expect(snapshotMonthlyCost(30, prices)).toBe(1.5);
    expect(ebsVolumeMonthlyCost(30, prices)).toBe(2.4);
  });

  it('counts nothing where the table has no storage prices for the region', () => {
    const none = shippedPriceBook('eu-central-1').storagePrices();
    expect(none).toBeNull();
    expect(efsMonthlyCost({ standard: 100 * GiB, infrequentAccess: 0 }, none)).toBe(0);
    expect(snapshotMonthlyCost(30, none)).toBe(0);
  });

  it('bills the month from when the thing was made, and projects it to the month end', () => {
    const month = { start: Date.parse('2026-11-01T00:00:00Z'), end: Date.parse('2026-12-01T00:00:00Z'), now: Date.parse('2026-11-16T00:00:00Z') };
    // Made on the 11th: 120 h so far and 360 h left of $73/month ($0.10/h).
    expect(monthShare(73, '2026-11-11T00:00:00Z', month)).toEqual({ spend: 12, projectedMonthEnd: 48 });
    // Made before the month: the whole month so far (360 h) and 360 h left.
    expect(monthShare(73, '2026-10-01T00:00:00Z', month)).toEqual({ spend: 36, projectedMonthEnd: 72 });
  });

  it('totals per user and per project, with the unused part apart', () => {
    const items = [
      { owner: 'ada', project: 'genomics', monthlyCost: 1.5, unused: true },
      { owner: 'ada', project: null, monthlyCost: 2.25, unused: false },
      { owner: 'bob', project: 'genomics', monthlyCost: 3, unused: false }
    ];
    expect(storageTotals(items, i => i.owner, i => i.unused)).toEqual({
      ada: { monthlyCost: 3.75, unusedMonthlyCost: 1.5 },
      bob: { monthlyCost: 3, unusedMonthlyCost: 0 }
    });
    expect(storageTotals(items, i => i.project, i => i.unused)).toEqual({ genomics: { monthlyCost: 4.5, unusedMonthlyCost: 1.5 } });
  });
});
