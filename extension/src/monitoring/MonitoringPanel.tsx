/**
 * The monitoring dashboard: for each of the researcher's workstations, live
 * graphs of CPU, memory, disk, network and cost over the last day.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { Workstation } from '../tokens';
import { formatPrice } from '../widgets/format';
import { ProblemNotice } from '../widgets/ProblemNotice';
import { ViewHeader } from '../widgets/ViewHeader';
import { MetricsChart } from './MetricsChart';
import type { ISeries, MonitoringModel } from './monitoring-model';

export class MonitoringPanel extends ReactWidget {
  constructor(
    private readonly _model: MonitoringModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-monitoringPanel');
  }

  protected render(): JSX.Element {
    const model = this._model;
    const trans = this._trans;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-Prism-monitoring">
            <ViewHeader
              title={trans.__('Workstation monitoring')}
              refreshLabel={trans.__('Reload graphs')}
              refreshClassName="jp-Prism-monitoringRefresh"
              onRefresh={() => void model.load()}
            />
            {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
            {model.workstations.length === 0 && (
              <div className="jp-Prism-empty">{trans.__('No workstations to monitor. Launch one from the Prism panel.')}</div>
            )}
            {model.workstations.map(w => (
              <WorkstationGraphs key={w.id} workstation={w} series={model.seriesOf(w.id)} trans={trans} />
            ))}
          </div>
        )}
      </UseSignal>
    );
  }
}

function WorkstationGraphs(props: { workstation: Workstation; series: ISeries | null; trans: TranslationBundle }): JSX.Element {
  const { workstation: w, series, trans } = props;
  const percent = (v: number): string => `${v.toFixed(0)} %`;
  return (
    <section className="jp-Prism-monitored" data-workstation={w.id} aria-label={w.name}>
      <h3 className="jp-Prism-subtitle">
        {w.name} <span className="jp-Prism-state" data-state={w.state}>{w.state}</span>{' '}
        <span className="jp-Prism-monitoredCost">{series ? formatPrice(series.costPerHour, trans) : ''}</span>
      </h3>
      {!series || series.times.length === 0 ? (
        <div className="jp-Prism-empty">
          {w.state === 'running'
            ? trans.__('Waiting for the workstation’s agent to report (every minute once it is ready).')
            : trans.__('No measurements in the last day.')}
        </div>
      ) : null}
      {series && (
        <div className="jp-Prism-charts">
          <MetricsChart title={trans.__('CPU')} times={series.times} max={100} format={percent}
            lines={[{ label: trans.__('CPU'), values: series.cpu, colorVar: '--jp-brand-color1' }]} />
          <MetricsChart title={trans.__('Memory')} times={series.times} max={100} format={percent}
            lines={[{ label: trans.__('used'), values: series.memory, colorVar: '--jp-accent-color1' }]} />
          <MetricsChart title={trans.__('Disk /')} times={series.times} max={100} format={percent}
            lines={[{ label: trans.__('used'), values: series.disk, colorVar: '--jp-warn-color1' }]} />
          <MetricsChart title={trans.__('Network')} times={series.times} format={bytesPerSecond}
            lines={[
              { label: trans.__('in'), values: series.rx, colorVar: '--jp-success-color1' },
              { label: trans.__('out'), values: series.tx, colorVar: '--jp-error-color1' }
            ]} />
          <MetricsChart title={trans.__('Spend since launch')} times={series.spendTimes} format={v => `$${v.toFixed(v < 1 ? 4 : 2)}`}
            lines={[{ label: trans.__('spend'), values: series.spend, colorVar: '--jp-brand-color2' }]} />
        </div>
      )}
    </section>
  );
}

function bytesPerSecond(value: number): string {
  const units = ['B/s', 'KB/s', 'MB/s', 'GB/s'];
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 && unit > 0 ? 1 : 0)} ${units[unit]}`;
}
