/** `prism costs`: GET /costs as a table, one row per workstation and the totals. */
import type { CostReport } from '../contract/api';
import { printJson, table, usdPerHour, type Output } from './output';
import type { ServiceClient } from './service-client';

export async function showCosts(client: ServiceClient, out: Output): Promise<void> {
  const report = await client.get<CostReport>('/costs');
  if (out.json) return printJson(out, report);
  const rows = report.workstations.map(w => [w.name, w.state, usdPerHour(w.pricePerHour), usd(w.spend), usd(w.projectedMonthEnd), usd(w.savings)]);
  const { total } = report;
  out.print(
    table(['workstation', 'state', '$/h', 'spend', 'projected month-end', 'savings'], [
      ...rows,
      ['total', '', '', usd(total.spend), usd(total.projectedMonthEnd), usd(total.savings)]
    ])
  );
  out.print(`${report.period.start.slice(0, 10)} to ${report.period.asOf.slice(0, 16).replace('T', ' ')} UTC, ${report.currency}; on-demand prices of ${report.priceTableDate}.`);
}

function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}
