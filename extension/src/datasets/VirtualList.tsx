/**
 * A list of fixed-height rows that puts only the visible ones (and a few
 * around them) in the DOM, and asks for more rows as the end comes near,
 * so a folder of 100 000 objects scrolls like one of 100.
 */
import * as React from 'react';

/** Rows rendered above and below the visible ones, so a quick scroll shows no gap. */
const OVERSCAN = 8;
/** Ask for the next page when fewer than this many screens of rows are left below. */
const SCREENS_AHEAD = 2;

export interface IVirtualListProps {
  readonly count: number;
  /** Pixels; every row has this height. */
  readonly rowHeight: number;
  readonly renderRow: (index: number) => JSX.Element;
  /** More rows exist past `count`. */
  readonly hasMore: boolean;
  readonly onNearEnd: () => void;
  /** Scroll back to the top when this changes (another folder). */
  readonly resetKey: string;
  /** The row to keep in view (keyboard selection); -1 for none. */
  readonly focusIndex: number;
  readonly className?: string;
  readonly label: string;
  readonly onKeyDown?: (event: React.KeyboardEvent) => void;
}

export function VirtualList(props: IVirtualListProps): JSX.Element {
  const { count, rowHeight, hasMore, onNearEnd, resetKey, focusIndex } = props;
  const scroller = React.useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = React.useState(0);
  const [height, setHeight] = React.useState(0);

  React.useEffect(() => {
    const node = scroller.current;
    if (!node) {
      return;
    }
    const observer = new ResizeObserver(() => setHeight(node.clientHeight));
    observer.observe(node);
    setHeight(node.clientHeight);
    return () => observer.disconnect();
  }, []);

  React.useEffect(() => {
    if (scroller.current) {
      scroller.current.scrollTop = 0;
    }
    setScrollTop(0);
  }, [resetKey]);

  React.useEffect(() => {
    const node = scroller.current;
    if (!node || focusIndex < 0) {
      return;
    }
    const top = focusIndex * rowHeight;
    if (top < node.scrollTop) {
      node.scrollTop = top;
    } else if (top + rowHeight > node.scrollTop + node.clientHeight) {
      node.scrollTop = top + rowHeight - node.clientHeight;
    }
  }, [focusIndex, rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);

  // Also when the rows loaded so far do not fill the view.
  React.useEffect(() => {
    const rowsBelow = count - (scrollTop + height) / rowHeight;
    if (hasMore && height > 0 && rowsBelow < (SCREENS_AHEAD * height) / rowHeight) {
      onNearEnd();
    }
  }, [count, scrollTop, height, hasMore, rowHeight, onNearEnd]);

  const rows: JSX.Element[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div
        key={i}
        className="jp-Prism-virtualRow"
        role="presentation"
        style={{ top: i * rowHeight, height: rowHeight }}
      >
        {props.renderRow(i)}
      </div>
    );
  }
  return (
    <div
      ref={scroller}
      className={`jp-Prism-virtualList ${props.className ?? ''}`}
      role="listbox"
      aria-label={props.label}
      tabIndex={0}
      onScroll={event => setScrollTop(event.currentTarget.scrollTop)}
      onKeyDown={props.onKeyDown}
    >
      <div className="jp-Prism-virtualSpacer" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
