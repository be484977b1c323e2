import { Clipboard } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import { LAUNCH_PHASES } from '../../../server/src/contract/events';
import type { Connection, ILaunchView, Workstation } from '../tokens';
import { formatEta } from './format';
import { ProblemNotice } from './ProblemNotice';

/**
 * One workstation's launch as it happens: phase, progress with ETA, the
 * boot log, and once ready the ways in.
 */
export function LaunchProgress(props: {
  workstation: Workstation;
  view: ILaunchView;
  connectionOf: (id: string) => Promise<Connection>;
  trans: TranslationBundle;
}): JSX.Element {
  const { workstation, view, connectionOf, trans } = props;
  const ready = view.phase === 'ready' && workstation.state === 'running';
  const step = LAUNCH_PHASES.indexOf(view.phase as (typeof LAUNCH_PHASES)[number]);
  return (
    <section
      className="jp-Prism-launch"
      data-workstation={workstation.id}
      data-phase={view.phase}
      aria-label={trans.__('Launch of %1', workstation.name)}
    >
      <header className="jp-Prism-launchHeader">
        <span className="jp-Prism-launchName">{workstation.name}</span>
        <span className="jp-Prism-phase" data-phase={view.phase}>
          {step >= 0
            ? trans.__('%1 (%2 of %3)', view.phase, step + 1, LAUNCH_PHASES.length)
            : view.phase}
        </span>
      </header>
      <div
        className="jp-Prism-progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={view.percent}
        aria-label={trans.__('Launch progress')}
      >
        <div
          className={`jp-Prism-progressFill${view.phase === 'failed' ? ' jp-mod-failed' : ''}`}
          style={{ width: `${view.percent}%` }}
        />
      </div>
      <div className="jp-Prism-progressText">
        <span className="jp-Prism-percent">{`${Math.round(view.percent)}%`}</span>
        <span className="jp-Prism-eta">
          {ready ? '' : formatEta(view.etaSeconds, trans)}
        </span>
        <span className="jp-Prism-message">{view.message}</span>
      </div>
      {view.problem && <ProblemNotice problem={view.problem} trans={trans} />}
      {ready && (
        <ReadyActions
          id={workstation.id}
          connectionOf={connectionOf}
          trans={trans}
        />
      )}
      <BootLog lines={view.log} trans={trans} />
    </section>
  );
}

/**
 * The connection is fetched as soon as the workstation is ready, so that
 * "Open JupyterLab" opens the tab within the click (no popup blocker).
 */
function ReadyActions(props: {
  id: string;
  connectionOf: (id: string) => Promise<Connection>;
  trans: TranslationBundle;
}): JSX.Element {
  const { id, connectionOf, trans } = props;
  const [connection, setConnection] = React.useState<Connection | null>(null);
  const [failure, setFailure] = React.useState<string | null>(null);
  React.useEffect(() => {
    let current = true;
    connectionOf(id).then(
      c => current && setConnection(c),
      reason => current && setFailure(String(reason.message ?? reason))
    );
    return () => {
      current = false;
    };
  }, [id]);

  const jupyterUrl = connection?.jupyterUrl ?? null;
  const sshCommand = connection?.sshCommand ?? null;
  const sshConfig = connection?.sshConfig ?? null;
  const vscodeUri = connection?.vscodeUri ?? null;
  return (
    <div className="jp-Prism-ready" aria-label={trans.__('Ready')}>
      <Button
        className="jp-Prism-openJupyter jp-mod-accept"
        disabled={!jupyterUrl}
        onClick={() => jupyterUrl && window.open(jupyterUrl, '_blank', 'noopener')}
      >
        {trans.__('Open JupyterLab')}
      </Button>
      <Button
        className="jp-Prism-copySsh"
        disabled={!sshCommand}
        onClick={() => sshCommand && Clipboard.copyToSystem(sshCommand)}
      >
        {trans.__('Copy SSH command')}
      </Button>
      <Button
        className="jp-Prism-copySshConfig"
        disabled={!sshConfig}
        title={trans.__('The Host block for ~/.ssh/config')}
        onClick={() => sshConfig && Clipboard.copyToSystem(sshConfig)}
      >
        {trans.__('Copy SSH config')}
      </Button>
      <Button
        className="jp-Prism-openVSCode"
        disabled={!vscodeUri}
        title={trans.__('Opens VS Code Remote-SSH on this workstation')}
        onClick={() => vscodeUri && window.open(vscodeUri, '_self')}
      >
        {trans.__('Open in VS Code')}
      </Button>
      {sshCommand && <code className="jp-Prism-sshCommand">{sshCommand}</code>}
      {failure && <span className="jp-Prism-connectionFailure">{failure}</span>}
    </div>
  );
}

/** The boot log, kept scrolled to its end unless the reader scrolled up. */
function BootLog(props: {
  lines: ReadonlyArray<string>;
  trans: TranslationBundle;
}): JSX.Element {
  const { lines, trans } = props;
  const ref = React.useRef<HTMLPreElement>(null);
  const following = React.useRef(true);
  React.useEffect(() => {
    const node = ref.current;
    if (node && following.current) {
      node.scrollTop = node.scrollHeight;
    }
  }, [lines.length, lines[lines.length - 1]]);
  return (
    <pre
      ref={ref}
      className="jp-Prism-log"
      aria-label={trans.__('Boot log')}
      onScroll={event => {
        const node = event.currentTarget;
        following.current =
          node.scrollTop + node.clientHeight >= node.scrollHeight - 8;
      }}
    >
      {lines.length ? lines.join('\n') : trans.__('Waiting for the boot log…')}
    </pre>
  );
}
