/**
 * The storage view: what the researcher's volumes, snapshots and restored
 * volumes cost a month, which of them nothing uses any more (with a cleanup
 * that asks first), totals per user and project, and per workstation
 * "Snapshot now" and a snapshot schedule.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { StorageReport, StorageTotal, UnusedItem } from '../../../server/src/contract/storage';
import type { Workstation } from '../tokens';
import { ProblemNotice } from '../widgets/ProblemNotice';
import { ViewHeader } from '../widgets/ViewHeader';
import { confirmCleanup } from './cleanup-dialog';
import { formatBytes, formatMonthly, kindLabel } from './storage-format';
import type { StorageModel } from './storage-model';

export class StoragePanel extends ReactWidget {
  constructor(
    private readonly _model: StorageModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-storagePanel');
  }

  protected render(): JSX.Element {
    const model = this._model;
    const trans = this._trans;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-Prism-storage" aria-busy={model.busy}>
            <ViewHeader
              title={trans.__('Storage')}
              refreshLabel={trans.__('Refresh storage')}
              refreshClassName="jp-Prism-storageRefresh"
              onRefresh={() => void model.load()}
            />
            {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
            {model.report ? (
              <StorageReportView model={model} report={model.report} trans={trans} />
            ) : (
              !model.problem && <div className="jp-Prism-empty">{trans.__('Loading storage…')}</div>
            )}
          </div>
        )}
      </UseSignal>
    );
  }
}

interface IViewProps {
  model: StorageModel;
  report: StorageReport;
  trans: TranslationBundle;
}

function StorageReportView({ model, report, trans }: IViewProps): JSX.Element {
  return (
    <>
      <p className="jp-Prism-storageSummary">
        {trans.__(
          'Your storage costs %1, of which %2 is unused. Prices as of %3 (%4).',
          formatMonthly(report.total.monthlyCost, trans),
          formatMonthly(report.total.unusedMonthlyCost, trans),
          report.priceTableDate,
          report.currency
        )}
      </p>
      <UnusedSection model={model} items={report.unused.items} trans={trans} />
      <WorkstationSection model={model} trans={trans} />
      <Totals title={trans.__('Per user')} totals={report.byUser} className="jp-Prism-storageByUser" trans={trans} />
      <Totals title={trans.__('Per project')} totals={report.byProject} className="jp-Prism-storageByProject" trans={trans} />
      <VolumeTable report={report} trans={trans} />
      <SnapshotTable model={model} report={report} trans={trans} />
      <EbsVolumeTable model={model} report={report} trans={trans} />
    </>
  );
}

function UnusedSection(props: { model: StorageModel; items: UnusedItem[]; trans: TranslationBundle }): JSX.Element {
  const { model, items, trans } = props;
  const [chosen, setChosen] = React.useState<Set<string>>(new Set());
  const keyOf = (item: UnusedItem): string => `${item.kind}:${item.id}`;
  const picked = items.filter(item => chosen.has(keyOf(item)));
  const toggle = (item: UnusedItem): void => {
    const next = new Set(chosen);
    next.has(keyOf(item)) ? next.delete(keyOf(item)) : next.add(keyOf(item));
    setChosen(next);
  };
  const cleanUp = async (): Promise<void> => {
    if (await confirmCleanup(picked, trans)) {
      await model.cleanup(picked);
      setChosen(new Set());
    }
  };
  return (
    <section className="jp-Prism-storageUnused" aria-label={trans.__('Unused storage')}>
      <h3>{trans.__('Unused')}</h3>
      {items.length ? (
        <>
          <ul className="jp-Prism-unusedList">
            {items.map(item => (
              <li key={keyOf(item)} data-kind={item.kind} data-id={item.id}>
                <label>
                  <input type="checkbox" checked={chosen.has(keyOf(item))} onChange={() => toggle(item)} />{' '}
                  <span className="jp-Prism-storageKind">{kindLabel(item.kind, trans)}</span> {item.name}{' '}
                  <span className="jp-Prism-storageCost">{formatMonthly(item.monthlyCost, trans)}</span>
                </label>
                <div className="jp-Prism-storageReason">{item.reason}</div>
              </li>
            ))}
          </ul>
          <Button className="jp-Prism-cleanup" disabled={!picked.length || model.busy} onClick={() => void cleanUp()}>
            {trans.__('Delete selected…')}
          </Button>
        </>
      ) : (
        <div className="jp-Prism-empty">{trans.__('Nothing unused.')}</div>
      )}
      {model.cleanupOutcomes.length > 0 && (
        <ul className="jp-Prism-cleanupOutcomes" aria-label={trans.__('Cleanup result')}>
          {model.cleanupOutcomes.map(outcome => (
            <li key={`${outcome.kind}:${outcome.id}`} data-result={outcome.result}>
              {outcome.result === 'deleted'
                ? trans.__('%1 %2: deleted', kindLabel(outcome.kind, trans), outcome.id)
                : trans.__('%1 %2: kept — %3 %4', kindLabel(outcome.kind, trans), outcome.id, outcome.detail, outcome.hint)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function WorkstationSection(props: { model: StorageModel; trans: TranslationBundle }): JSX.Element {
  const { model, trans } = props;
  return (
    <section className="jp-Prism-storageWorkstations" aria-label={trans.__('Workstation snapshots')}>
      <h3>{trans.__('Workstation snapshots')}</h3>
      {model.workstations.length ? (
        <ul className="jp-Prism-snapshotControls">
          {model.workstations.map(w => (
            <WorkstationRow key={w.id} model={model} workstation={w} trans={trans} />
          ))}
        </ul>
      ) : (
        <div className="jp-Prism-empty">{trans.__('No workstations to snapshot.')}</div>
      )}
    </section>
  );
}

function WorkstationRow(props: { model: StorageModel; workstation: Workstation; trans: TranslationBundle }): JSX.Element {
  const { model, workstation, trans } = props;
  const schedule = model.scheduleOf(workstation.id);
  const [everyHours, setEveryHours] = React.useState(schedule?.everyHours ?? 24);
  const [keep, setKeep] = React.useState(schedule?.keep ?? 7);
  return (
    <li className="jp-Prism-snapshotControl" data-workstation={workstation.id}>
      <span className="jp-Prism-snapshotWorkstation">{workstation.name}</span>{' '}
      <span className="jp-Prism-state" data-state={workstation.state}>
        {workstation.state}
      </span>
      <Button minimal className="jp-Prism-snapshotNow" disabled={model.busy} onClick={() => void model.snapshotNow(workstation.id)}>
        {trans.__('Snapshot now')}
      </Button>
      <span className="jp-Prism-snapshotSchedule">
        <label>
          {trans.__('Every')}{' '}
          <input
            type="number"
            min={1}
            max={720}
            value={everyHours}
            aria-label={trans.__('Hours between snapshots')}
            onChange={event => setEveryHours(Number(event.target.value))}
          />{' '}
          {trans.__('h, keep')}{' '}
          <input
            type="number"
            min={1}
            max={100}
            value={keep}
            aria-label={trans.__('Snapshots to keep')}
            onChange={event => setKeep(Number(event.target.value))}
          />
        </label>
        <Button minimal className="jp-Prism-scheduleSave" disabled={model.busy} onClick={() => void model.setSchedule(workstation.id, everyHours, keep)}>
          {schedule ? trans.__('Change schedule') : trans.__('Schedule')}
        </Button>
        {schedule && (
          <>
            <Button minimal className="jp-Prism-scheduleRemove" disabled={model.busy} onClick={() => void model.clearSchedule(workstation.id)}>
              {trans.__('Stop schedule')}
            </Button>
            <span className="jp-Prism-scheduleNext">
              {trans.__('Every %1 h, keeping %2; next %3', schedule.everyHours, schedule.keep, new Date(schedule.nextRunAt).toLocaleString())}
            </span>
          </>
        )}
      </span>
    </li>
  );
}

function Totals(props: { title: string; totals: Record<string, StorageTotal>; className: string; trans: TranslationBundle }): JSX.Element | null {
  const { title, totals, className, trans } = props;
  const rows = Object.entries(totals).sort(([a], [b]) => a.localeCompare(b));
  if (!rows.length) return null;
  return (
    <table className={`jp-Prism-storageTable ${className}`} aria-label={title}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>{trans.__('Name')}</th>
          <th>{trans.__('Monthly')}</th>
          <th>{trans.__('Of which unused')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([name, total]) => (
          <tr key={name}>
            <td>{name}</td>
            <td>{formatMonthly(total.monthlyCost, trans)}</td>
            <td>{formatMonthly(total.unusedMonthlyCost, trans)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function VolumeTable({ report, trans }: Omit<IViewProps, 'model'>): JSX.Element {
  return (
    <table className="jp-Prism-storageTable jp-Prism-storageVolumes" aria-label={trans.__('EFS volumes')}>
      <caption>{trans.__('EFS volumes')}</caption>
      <thead>
        <tr>
          <th>{trans.__('Name')}</th>
          <th>{trans.__('Owner')}</th>
          <th>{trans.__('Project')}</th>
          <th>{trans.__('Standard')}</th>
          <th>{trans.__('Infrequent Access')}</th>
          <th>{trans.__('Monthly')}</th>
          <th>{trans.__('Mounted by')}</th>
        </tr>
      </thead>
      <tbody>
        {report.volumes.map(v => (
          <tr key={v.id} data-volume={v.id}>
            <td>{v.name}</td>
            <td>{v.owner}</td>
            <td>{v.project ?? '—'}</td>
            <td>{formatBytes(v.sizeBytes.standard)}</td>
            <td>{formatBytes(v.sizeBytes.infrequentAccess)}</td>
            <td>{formatMonthly(v.monthlyCost, trans)}</td>
            <td>{v.attachedTo.length ? v.attachedTo.map(w => w.name).join(', ') : trans.__('none')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SnapshotTable({ model, report, trans }: IViewProps): JSX.Element {
  return (
    <table className="jp-Prism-storageTable jp-Prism-storageSnapshots" aria-label={trans.__('Snapshots')}>
      <caption>{trans.__('Snapshots')}</caption>
      <thead>
        <tr>
          <th>{trans.__('Workstation')}</th>
          <th>{trans.__('Taken')}</th>
          <th>{trans.__('How')}</th>
          <th>{trans.__('Size')}</th>
          <th>{trans.__('State')}</th>
          <th>{trans.__('Monthly')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {report.snapshots.map(s => (
          <tr key={s.id} data-snapshot={s.id}>
            <td>
              {s.workstation.name} {!s.workstation.exists && <span className="jp-Prism-storageGone">{trans.__('(gone)')}</span>}
            </td>
            <td>{new Date(s.createdAt).toLocaleString()}</td>
            <td>{s.trigger === 'schedule' ? trans.__('scheduled') : trans.__('by hand')}</td>
            <td>{trans.__('%1 GiB', s.sizeGiB)}</td>
            <td>{s.state}</td>
            <td>{formatMonthly(s.monthlyCost, trans)}</td>
            <td>
              <Button minimal className="jp-Prism-snapshotRestore" disabled={model.busy || s.state !== 'completed'} onClick={() => void model.restore(s.id)}>
                {trans.__('Restore to a new volume')}
              </Button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function EbsVolumeTable({ model, report, trans }: IViewProps): JSX.Element | null {
  if (!report.ebsVolumes.length && !model.restored) return null;
  return (
    <>
      {model.restored && <p className="jp-Prism-restoredHint">{model.restored.howToUse}</p>}
      <table className="jp-Prism-storageTable jp-Prism-storageEbsVolumes" aria-label={trans.__('Restored EBS volumes')}>
        <caption>{trans.__('Restored EBS volumes')}</caption>
        <thead>
          <tr>
            <th>{trans.__('Volume')}</th>
            <th>{trans.__('Zone')}</th>
            <th>{trans.__('Size')}</th>
            <th>{trans.__('State')}</th>
            <th>{trans.__('Monthly')}</th>
          </tr>
        </thead>
        <tbody>
          {report.ebsVolumes.map(v => (
            <tr key={v.id} data-ebs-volume={v.id}>
              <td>{v.id}</td>
              <td>{v.availabilityZone}</td>
              <td>{trans.__('%1 GiB', v.sizeGiB)}</td>
              <td>{v.state}</td>
              <td>{formatMonthly(v.monthlyCost, trans)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
