/**
 * A project's budget against this month's spend, with the figures `GET /costs`
 * shows (costs.ts, cents per workstation summed), so the budget and the costs
 * view never disagree.
 */
import type { CostReport } from '../contract/api';
import { BUDGET_THRESHOLDS, type BudgetEvent, type BudgetStatus } from '../contract/projects';
import type { StoredBudget } from './projects';

export function budgetStatus(project: string, budget: StoredBudget, report: CostReport, history: BudgetEvent[]): BudgetStatus {
  const totals = report.byProject[project] ?? { spend: 0, projectedMonthEnd: 0 };
  const reached = BUDGET_THRESHOLDS.filter(t => reachedThreshold(totals.spend, budget.monthlyUsd, t));
  const deadline = hardStopDeadline(budget, armedEvents(budget, report, history));
  return {
    project,
    monthlyUsd: budget.monthlyUsd,
    hardStop: budget.hardStop,
    graceMinutes: budget.graceMinutes,
    setBy: budget.setBy,
    setAt: budget.setAt,
    spend: totals.spend,
    projectedMonthEnd: totals.projectedMonthEnd,
    percent: Number(((totals.spend / budget.monthlyUsd) * 100).toFixed(1)),
    thresholdsReached: reached,
    exceeded: budget.hardStop && reached.includes(100),
    hibernateAt: deadline,
    period: report.period
  };
}

/** In whole cents, so $5.00 of a $10.00 budget is 50 % exactly, whatever floating point says. */
function reachedThreshold(spend: number, monthlyUsd: number, threshold: number): boolean {
  return Math.round(spend * 100) >= Math.round(monthlyUsd * threshold);
}

/**
 * This month's notifications since the budget was last set: setting it
 * again (a new amount, hard stop on) starts its thresholds over.
 */
export function armedEvents(budget: StoredBudget, report: CostReport, history: BudgetEvent[]): BudgetEvent[] {
  const since = Math.max(Date.parse(report.period.start), Date.parse(budget.setAt));
  return history.filter(e => Date.parse(e.at) >= since);
}

/** When the hard stop hibernates running workstations: the deadline its 100 % warning announced. */
function hardStopDeadline(budget: StoredBudget, armed: BudgetEvent[]): string | null {
  if (!budget.hardStop) return null;
  return armed.find(e => e.status === 'reached' && e.action === 'hibernate')?.actAt ?? null;
}
