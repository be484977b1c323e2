import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { Workstation, WorkstationState } from '../tokens';
import { formatPrice } from './format';

/** Which lifecycle actions make sense in which state. */
const CAN_STOP: WorkstationState[] = ['running'];
const CAN_START: WorkstationState[] = ['stopped', 'hibernated'];
const CAN_TERMINATE: WorkstationState[] = [
  'pending',
  'running',
  'stopping',
  'stopped',
  'hibernated',
  'failed'
];

export type WorkstationAction = 'stop' | 'start' | 'terminate';

/** The researcher's workstations, with their state and what can be done. */
export function WorkstationList(props: {
  workstations: ReadonlyArray<Workstation>;
  selected: string | null;
  onSelect: (id: string) => void;
  onAction: (action: WorkstationAction, id: string) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { workstations, selected, onSelect, onAction, trans } = props;
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
              {CAN_START.includes(w.state) && (
                <Button
                  small
                  className="jp-Prism-start"
                  aria-label={trans.__('Start %1', w.name)}
                  onClick={() => onAction('start', w.id)}
                >
                  {trans.__('Start')}
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
