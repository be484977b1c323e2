import type { TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  Button,
  ReactWidget,
  refreshIcon,
  UseSignal
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { Message } from '@lumino/messaging';
import * as React from 'react';

import { problemOf } from '../api';
import { LaunchProjects } from '../projects/launch-projects';
import { offerSetupWhenUnreachable } from '../setup/offer-setup';
import { CommandIDs, IPrismModel, LaunchRequest, Problem } from '../tokens';
import { LaunchForm } from './LaunchForm';
import { LaunchProgress } from './LaunchProgress';
import { ProblemNotice } from './ProblemNotice';
import { WorkstationAction, WorkstationList } from './WorkstationList';

/** The Prism panel: templates and launch form, the launch, the workstations. */
export class PrismPanel extends ReactWidget {
  constructor(
    private readonly _model: IPrismModel,
    private readonly _commands: CommandRegistry,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-panel');
    offerSetupWhenUnreachable(_model, _commands, this);
    this._projects = new LaunchProjects(_model);
  }

  dispose(): void {
    this._projects.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    void this._projects.load();
  }

  /** Coming back from the projects view: a project may have been made or joined. */
  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    void this._projects.load();
  }

  protected render(): JSX.Element {
    return (
      <UseSignal signal={this._model.changed}>
        {() => (
          <PrismView
            model={this._model}
            projects={this._projects}
            commands={this._commands}
            trans={this._trans}
          />
        )}
      </UseSignal>
    );
  }

  private readonly _projects: LaunchProjects;
}

function PrismView(props: {
  model: IPrismModel;
  projects: LaunchProjects;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, projects, commands, trans } = props;
  const [chosen, setChosen] = React.useState<string | null>(null);
  const [actionProblem, setActionProblem] = React.useState<Problem | null>(null);

  // Without a choice, follow the newest workstation still alive, so a
  // reload comes back to the launch the researcher was watching.
  const selected =
    model.workstations.find(w => w.id === chosen) ??
    model.workstations.find(w => w.state !== 'terminated') ??
    null;
  const view = selected ? model.launchViewOf(selected.id) : null;

  const launch = async (request: LaunchRequest): Promise<boolean> => {
    setActionProblem(null);
    try {
      setChosen(await model.launchWorkstation(request));
      return true;
    } catch (reason) {
      setActionProblem(problemOf(reason));
      return false;
    }
  };
  const act = async (action: WorkstationAction, id: string): Promise<void> => {
    setActionProblem(null);
    try {
      await commands.execute(CommandIDs[action], { id });
    } catch (reason) {
      setActionProblem(problemOf(reason));
    }
  };

  return (
    <div className="jp-Prism-content" data-status={model.status}>
      <header className="jp-Prism-header">
        <h2 className="jp-Prism-title">{trans.__('Prism Workstations')}</h2>
        <span className="jp-Prism-status" data-status={model.status}>
          {statusText(model.status, trans)}
        </span>
        <Button
          minimal
          className="jp-Prism-newTemplate"
          title={trans.__('New Prism Template')}
          onClick={() => void commands.execute(CommandIDs.buildTemplate)}
        >
          <addIcon.react tag="span" /> {trans.__('New template')}
        </Button>
        <Button
          minimal
          className="jp-Prism-openCosts"
          title={trans.__('Open Prism Costs')}
          onClick={() => void commands.execute(CommandIDs.openCosts)}
        >
          {trans.__('Costs')}
        </Button>
        <Button
          minimal
          className="jp-Prism-openStorage"
          title={trans.__('Open Prism Storage')}
          onClick={() => void commands.execute(CommandIDs.openStorage)}
        >
          {trans.__('Storage')}
        </Button>
        <Button
          minimal
          className="jp-Prism-openProjects"
          title={trans.__('Open Prism Projects')}
          onClick={() => void commands.execute(CommandIDs.openProjects)}
        >
          {trans.__('Projects')}
        </Button>
        <Button
          minimal
          className="jp-Prism-openMonitoring"
          title={trans.__('Open Prism Monitoring')}
          onClick={() => void commands.execute(CommandIDs.openMonitoring)}
        >
          {trans.__('Monitoring')}
        </Button>
        <Button
          minimal
          className="jp-Prism-openSshKeys"
          title={trans.__('Open Prism SSH Keys')}
          onClick={() => void commands.execute(CommandIDs.openSshKeys)}
        >
          {trans.__('SSH keys')}
        </Button>
        <Button
          minimal
          className="jp-Prism-awsAccount"
          title={trans.__('Set Up AWS for Prism…')}
          onClick={() => void commands.execute(CommandIDs.setupAws)}
        >
          {cloudText(model.cloud, trans)}
        </Button>
        <Button
          minimal
          className="jp-Prism-refresh"
          aria-label={trans.__('Refresh')}
          title={trans.__('Refresh')}
          onClick={() => void commands.execute(CommandIDs.refresh)}
        >
          <refreshIcon.react tag="span" />
        </Button>
      </header>
      {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
      {actionProblem && <ProblemNotice problem={actionProblem} trans={trans} />}
      <UseSignal signal={projects.changed}>
        {() => (
          <LaunchForm
            templates={model.templates}
            projects={projects}
            onLaunch={launch}
            trans={trans}
          />
        )}
      </UseSignal>
      {selected && view && (
        <LaunchProgress
          workstation={selected}
          view={view}
          connectionOf={id => model.connectionOf(id)}
          trans={trans}
        />
      )}
      <h3 className="jp-Prism-subtitle">{trans.__('Your workstations')}</h3>
      <WorkstationList
        workstations={model.workstations}
        selected={selected?.id ?? null}
        onSelect={setChosen}
        onAction={(action, id) => void act(action, id)}
        idleWarningOf={id => model.idleWarningOf(id)}
        trans={trans}
      />
    </div>
  );
}

/** The AWS account and region Prism works in, or that it has none yet. */
function cloudText(cloud: IPrismModel['cloud'], trans: TranslationBundle): string {
  if (!cloud) {
    return trans.__('AWS');
  }
  return cloud.reachable
    ? trans.__('AWS %1 · %2', cloud.account ?? '', cloud.region)
    : trans.__('Set up AWS');
}

function statusText(status: IPrismModel['status'], trans: TranslationBundle): string {
  switch (status) {
    case 'connected':
      return trans.__('live');
    case 'connecting':
      return trans.__('connecting…');
    case 'disconnected':
      return trans.__('reconnecting…');
  }
}
