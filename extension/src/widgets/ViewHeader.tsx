import { Button, refreshIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

/** The title of a Prism view with its reload button, as every view shows it. */
export function ViewHeader(props: {
  title: string;
  refreshLabel: string;
  refreshClassName: string;
  onRefresh: () => void;
}): JSX.Element {
  return (
    <header className="jp-Prism-header">
      <h2 className="jp-Prism-title">{props.title}</h2>
      <Button
        minimal
        className={props.refreshClassName}
        aria-label={props.refreshLabel}
        title={props.refreshLabel}
        onClick={props.onRefresh}
      >
        <refreshIcon.react tag="span" />
      </Button>
    </header>
  );
}
