/**
 * What the researcher's workstations cost this month: per workstation its
 * spend, projection, price and hours, what stopping saved, and the totals.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { CostReport } from '../tokens';
import { formatPrice } from '../widgets/format';
import { ProblemNotice } from '../widgets/ProblemNotice';
import { ViewHeader } from '../widgets/ViewHeader';
import type { CostsModel } from './costs-model';

export class CostsPanel extends ReactWidget {
  constructor(
    private readonly _model: CostsModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-costsPanel');
  }

  protected render(): JSX.Element {
    const model = this._model;
    const trans = this._trans;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-Prism-costs">
            <ViewHeader
              title={trans.__('Workstation costs')}
              refreshLabel={trans.__('Refresh costs')}
              refreshClassName="jp-Prism-costsRefresh"
              onRefresh={() => void model.load()}
            />
            {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
            {model.report ? (
              <CostTable report={model.report} trans={trans} />
            ) : (
              !model.problem && (
                <div className="jp-Prism-empty">{trans.__('Loading costs…')}</div>
              )
            )}
          </div>
        )}
      </UseSignal>
    );
  }
}

function CostTable(props: { report: CostReport; trans: TranslationBundle }): JSX.Element {
  const { report, trans } = props;
  const day = (iso: string): string => new Date(iso).toLocaleDateString();
  return (
    <>
      <p className="jp-Prism-costsPeriod">
        {trans.__(
          'This month, %1 to %2, as of %3. On-demand prices as of %4 (%5).',
          day(report.period.start),
          day(report.period.end),
          new Date(report.period.asOf).toLocaleString(),
          report.priceTableDate,
          report.currency
        )}
      </p>
      {report.workstations.length ? (
        <table className="jp-Prism-costTable" aria-label={trans.__('Costs per workstation')}>
          <thead>
            <tr>
              <th>{trans.__('Name')}</th>
              <th>{trans.__('Type')}</th>
              <th>{trans.__('State')}</th>
              <th>{trans.__('Price')}</th>
              <th>{trans.__('Hours running')}</th>
              <th>{trans.__('Hours stopped')}</th>
              <th>{trans.__('Spend so far')}</th>
              <th>{trans.__('Projected month-end')}</th>
              <th>{trans.__('Saved by stopping')}</th>
            </tr>
          </thead>
          <tbody>
            {report.workstations.map(w => (
              <tr key={w.id} className="jp-Prism-costRow" data-workstation={w.id}>
                <td>{w.name}</td>
                <td>{w.instanceType}</td>
                <td>
                  <span className="jp-Prism-state" data-state={w.state}>
                    {w.state}
                  </span>
                </td>
                <td className="jp-Prism-costPrice">{formatPrice(w.pricePerHour, trans)}</td>
                <td>{formatHours(w.hoursRunning, trans)}</td>
                <td>{formatHours(w.hoursStopped, trans)}</td>
                <td className="jp-Prism-costSpend">{formatDollars(w.spend, trans)}</td>
                <td>{formatDollars(w.projectedMonthEnd, trans)}</td>
                <td>{formatDollars(w.savings, trans)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr className="jp-Prism-costTotal">
              <th scope="row" colSpan={6}>
                {trans.__('Total')}
              </th>
              <td className="jp-Prism-costSpend">{formatDollars(report.total.spend, trans)}</td>
              <td className="jp-Prism-costProjected">
                {formatDollars(report.total.projectedMonthEnd, trans)}
              </td>
              <td className="jp-Prism-costSavings">{formatDollars(report.total.savings, trans)}</td>
            </tr>
          </tfoot>
        </table>
      ) : (
        <div className="jp-Prism-empty">{trans.__('No workstations this month.')}</div>
      )}
    </>
  );
}

/** Cents, but a fraction of a cent shows as such rather than $0.00. */
function formatDollars(amount: number, trans: TranslationBundle): string {
  return trans.__('$%1', amount > 0 && amount < 0.01 ? amount.toFixed(4) : amount.toFixed(2));
}

function formatHours(hours: number, trans: TranslationBundle): string {
  return trans.__('%1 h', hours.toFixed(hours < 10 ? 2 : 1));
}
