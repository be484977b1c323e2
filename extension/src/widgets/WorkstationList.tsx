import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { IdleEvent, Workstation, WorkstationState } from '../tokens';
import { formatPrice } from './format';

/** Which lifecycle actions make sense in which state. */
const CAN_STOP: WorkstationState[] = ['running'];
const CAN_START: WorkstationState[] = ['stopped', 'hibernated'];
const CAN_RESIZE: WorkstationState[] = ['running', 'stopped'];
const CAN_TERMINATE: WorkstationState[] = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'hibernated',
  'failed'
];

export type WorkstationAction =
  | 'stop'
  | 'hibernate'
  | 'start'
  | 'resize'
  | 'keepRunning'
  | 'terminate';

/** The researcher's workstations, with their state and what can be done. */
export function WorkstationList(props: {
  workstations: ReadonlyArray<Workstation>;
  selected: string | null;
  onSelect: (id: string) => void;
  onAction: (action: WorkstationAction, id: string) => void;
  idleWarningOf: (id: string) => IdleEvent | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { workstations, selected, onSelect, onAction, idleWarningOf, trans } = props;
  if (!workstations.length) {
    return (
      <div className="jp-Prism-empty">
        {trans.__('No workstations yet: pick a template above and launch one.')}
      </div>
    );
  }
  return (
    <table className="jp-Prism-workstations" aria-label={trans.__('Workstations')}>
      <thead>
        <tr>
          <th>{trans.__('Name')}</th>
          <th>{trans.__('Template')}</th>
          <th>{trans.__('Arch')}</th>
          <th>{trans.__('Type')}</th>
          <th>{trans.__('Price')}</th>
          <th>{trans.__('State')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {workstations.map(w => (
          <tr
            key={w.id}
            className={`jp-Prism-workstation${w.id === selected ? ' jp-mod-selected' : ''}`}
            data-workstation={w.id}
            data-state={w.state}
            onClick={() => onSelect(w.id)}
          >
            <td className="jp-Prism-workstationName">{w.name}</td>
            <td>{w.template}</td>
            <td>{w.arch}</td>
            <td>{w.instanceType}</td>
            <td>{formatPrice(w.pricePerHour, trans)}</td>
            <td>
              <span className="jp-Prism-state" data-state={w.state}>
                {w.state}
              </span>
              <IdlePending
                warning={idleWarningOf(w.id)}
                onKeepRunning={() => onAction('keepRunning', w.id)}
                trans={trans}
              />
            </td>
            <td className="jp-Prism-actions" onClick={event => event.stopPropagation()}>
              {CAN_STOP.includes(w.state) && (
                <Button
                  small
                  className="jp-Prism-stop"
                  aria-label={trans.__('Stop %1', w.name)}
                  onClick={() => onAction('stop', w.id)}
                >
                  {trans.__('Stop')}
                </Button>
              )}
              {CAN_STOP.includes(w.state) && (
                <Button
                  small
                  className="jp-Prism-hibernate"
                  aria-label={trans.__('Hibernate %1', w.name)}
                  title={
                    w.hibernation
                      ? trans.__('Stop billing for compute and keep the memory: Resume continues where it was.')
                      : trans.__(
                          'This workstation was not launched with hibernation (its instance type or image cannot), and EC2 cannot add it later. Stop keeps the disk.'
                        )
                  }
                  disabled={!w.hibernation}
                  onClick={() => onAction('hibernate', w.id)}
                >
                  {trans.__('Hibernate')}
                </Button>
              )}
              {CAN_START.includes(w.state) && (
                <Button
                  small
                  className="jp-Prism-start"
                  aria-label={
                    w.state === 'hibernated' ? trans.__('Resume %1', w.name) : trans.__('Start %1', w.name)
                  }
                  onClick={() => onAction('start', w.id)}
                >
                  {w.state === 'hibernated' ? trans.__('Resume') : trans.__('Start')}
                </Button>
              )}
              {CAN_RESIZE.includes(w.state) && (
                <Button
                  small
                  className="jp-Prism-resizeButton"
                  aria-label={trans.__('Resize %1', w.name)}
                  onClick={() => onAction('resize', w.id)}
                >
                  {trans.__('Resize…')}
                </Button>
              )}
              {CAN_TERMINATE.includes(w.state) && (
                <Button
                  small
                  className="jp-Prism-terminate jp-mod-warn"
                  aria-label={trans.__('Terminate %1', w.name)}
                  onClick={() => onAction('terminate', w.id)}
                >
                  {trans.__('Terminate')}
                </Button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The idle action waiting for a running workstation, and a way to put it off. */
function IdlePending(props: {
  warning: IdleEvent | null;
  onKeepRunning: () => void;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { warning, onKeepRunning, trans } = props;
  if (!warning) {
    return null;
  }
  const at = new Date(warning.actAt).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit'
  });
  return (
    <span className="jp-Prism-idlePending" title={warning.reason}>
      {warning.action === 'hibernate'
        ? trans.__('idle: hibernates at %1', at)
        : trans.__('idle: stops at %1', at)}
      <Button small minimal className="jp-Prism-keepRunning" onClick={onKeepRunning}>
        {trans.__('Keep running 1 h')}
      </Button>
    </span>
  );
}
