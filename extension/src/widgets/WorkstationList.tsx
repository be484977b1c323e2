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

/** Up to this many rows render as they are; past it only the rows in view (and a few around) do. */
const WINDOWED_FROM = 100;
/** Rows rendered above and below the visible ones, so a scroll shows no gap before the next frame. */
const OVERSCAN = 10;

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
  const windowed = workstations.length > WINDOWED_FROM;
  const { scroller, first, last, above, below } = useRowWindow(windowed ? workstations.length : 0);
  if (!workstations.length) {
    return (
      <div className="jp-Prism-empty">
        {trans.__('No workstations yet: pick a template above and launch one.')}
      </div>
    );
  }
  const shown = windowed ? workstations.slice(first, last) : workstations;
  return (
    <div
      className="jp-Prism-workstationScroller"
      ref={scroller}
      // A long list scrolls in its own box, so that only its visible rows need to exist.
      style={windowed ? { maxHeight: '60vh', overflowY: 'auto' } : undefined}
    >
      <table
        className="jp-Prism-workstations"
        aria-label={trans.__('Workstations')}
        aria-rowcount={workstations.length + 1}
      >
        <thead
          style={
            windowed
              ? { position: 'sticky', top: 0, zIndex: 1, background: 'var(--jp-layout-color1)' }
              : undefined
          }
        >
          <tr aria-rowindex={1}>
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
          {above > 0 && <tr aria-hidden="true" style={{ height: above }} />}
          {shown.map((w, i) => (
            <WorkstationRow
              key={w.id}
              w={w}
              index={(windowed ? first : 0) + i}
              selected={w.id === selected}
              onSelect={onSelect}
              onAction={onAction}
              idleWarning={idleWarningOf(w.id)}
              trans={trans}
            />
          ))}
          {below > 0 && <tr aria-hidden="true" style={{ height: below }} />}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Which of `count` rows are in the scroller's view, from its scroll position
 * and the height of a rendered row; the heights of the rows not rendered
 * above and below, so the scrollbar stays true. No rows (count 0): no window.
 */
function useRowWindow(count: number): {
  scroller: React.RefObject<HTMLDivElement>;
  first: number;
  last: number;
  above: number;
  below: number;
} {
  const scroller = React.useRef<HTMLDivElement>(null);
  const [view, setView] = React.useState({ top: 0, height: 600, rowHeight: 32 });
  const measure = React.useCallback(() => {
    const box = scroller.current;
    if (!box) {
      return;
    }
    const row = box.querySelector<HTMLElement>('tr.jp-Prism-workstation');
    const next = {
      top: box.scrollTop,
      height: box.clientHeight || 600,
      rowHeight: row?.offsetHeight || 32
    };
    setView(v =>
      v.top === next.top && v.height === next.height && v.rowHeight === next.rowHeight ? v : next
    );
  }, []);
  React.useLayoutEffect(() => {
    const box = scroller.current;
    if (!count || !box) {
      return;
    }
    measure();
    box.addEventListener('scroll', measure, { passive: true });
    const resized = new ResizeObserver(measure);
    resized.observe(box);
    return () => {
      box.removeEventListener('scroll', measure);
      resized.disconnect();
    };
  }, [count, measure]);
  if (!count) {
    return { scroller, first: 0, last: 0, above: 0, below: 0 };
  }
  const first = Math.max(0, Math.floor(view.top / view.rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.ceil((view.top + view.height) / view.rowHeight) + OVERSCAN);
  return {
    scroller,
    first,
    last,
    above: first * view.rowHeight,
    below: (count - last) * view.rowHeight
  };
}

/** One workstation: its name, what it runs on, its state and its actions. */
function WorkstationRow(props: {
  w: Workstation;
  index: number;
  selected: boolean;
  onSelect: (id: string) => void;
  onAction: (action: WorkstationAction, id: string) => void;
  idleWarning: IdleEvent | null;
  trans: TranslationBundle;
}): JSX.Element {
  const { w, index, selected, onSelect, onAction, idleWarning, trans } = props;
  return (
    <tr
      className={`jp-Prism-workstation${selected ? ' jp-mod-selected' : ''}`}
      aria-rowindex={index + 2}
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
          warning={idleWarning}
          onKeepRunning={() => onAction('keepRunning', w.id)}
          trans={trans}
        />
      </td>
      <td className="jp-Prism-actions" onClick={event => event.stopPropagation()}>
        {CAN_STOP.includes(w.state) && (
          <RowButton className="jp-Prism-stop" label={trans.__('Stop %1', w.name)} onClick={() => onAction('stop', w.id)}>
            {trans.__('Stop')}
          </RowButton>
        )}
        {CAN_STOP.includes(w.state) && (
          <RowButton
            className="jp-Prism-hibernate"
            label={trans.__('Hibernate %1', w.name)}
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
          </RowButton>
        )}
        {CAN_START.includes(w.state) && (
          <RowButton
            className="jp-Prism-start"
            label={w.state === 'hibernated' ? trans.__('Resume %1', w.name) : trans.__('Start %1', w.name)}
            onClick={() => onAction('start', w.id)}
          >
            {w.state === 'hibernated' ? trans.__('Resume') : trans.__('Start')}
          </RowButton>
        )}
        {CAN_RESIZE.includes(w.state) && (
          <RowButton className="jp-Prism-resizeButton" label={trans.__('Resize %1', w.name)} onClick={() => onAction('resize', w.id)}>
            {trans.__('Resize…')}
          </RowButton>
        )}
        {CAN_TERMINATE.includes(w.state) && (
          <RowButton
            className="jp-Prism-terminate jp-mod-warn"
            label={trans.__('Terminate %1', w.name)}
            onClick={() => onAction('terminate', w.id)}
          >
            {trans.__('Terminate')}
          </RowButton>
        )}
      </td>
    </tr>
  );
}

/** One of a row's action buttons: small, named for screen readers after its workstation. */
function RowButton(props: {
  className: string;
  label: string;
  title?: string;
  disabled?: boolean;
  onClick: () => void;
  children: React.ReactNode;
}): JSX.Element {
  return (
    <Button
      small
      className={props.className}
      aria-label={props.label}
      title={props.title}
      disabled={props.disabled}
      onClick={props.onClick}
    >
      {props.children}
    </Button>
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
