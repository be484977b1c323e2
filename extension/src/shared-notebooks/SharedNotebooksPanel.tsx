/**
 * The "Shared notebooks" sidebar: for each of the researcher's projects,
 * the notebooks shared in it (name, author, version, date) with "Open copy",
 * their older versions on demand, and "Unpublish" where the service says the
 * researcher may.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import * as React from 'react';

import type { SharedNotebook, SharedNotebookVersion } from '../../../server/src/contract/shared-notebooks';
import { formatBytes, formatDate } from '../datasets/sizes';
import { CommandIDs } from '../tokens';
import { ProblemNotice } from '../widgets/ProblemNotice';
import { ViewHeader } from '../widgets/ViewHeader';
import type { IProjectNotebooks, SharedNotebooksModel } from './shared-notebooks-model';

export class SharedNotebooksPanel extends ReactWidget {
  constructor(
    private readonly _model: SharedNotebooksModel,
    private readonly _commands: CommandRegistry,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-sharedNotebooksPanel');
  }

  /** Nothing is asked of the service until the researcher first opens the sidebar. */
  protected onAfterShow(): void {
    if (!this._shown) {
      this._shown = true;
      void this._model.refresh();
    }
  }

  protected render(): JSX.Element {
    const model = this._model;
    const trans = this._trans;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-Prism-sharedNotebooks" aria-busy={model.loading}>
            <ViewHeader
              title={trans.__('Shared notebooks')}
              refreshLabel={trans.__('Reload shared notebooks')}
              refreshClassName="jp-Prism-sharedNotebooksRefresh"
              onRefresh={() => void model.refresh()}
            />
            {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
            {!model.problem && !model.loading && model.projects.length === 0 && (
              <div className="jp-Prism-empty">
                {trans.__('You are in no project yet. A project admin adds you; then its shared notebooks show here.')}
              </div>
            )}
            {model.projects.map(entry => (
              <ProjectSection key={entry.project.id} entry={entry} model={model} commands={this._commands} trans={trans} />
            ))}
          </div>
        )}
      </UseSignal>
    );
  }

  private _shown = false;
}

function ProjectSection(props: {
  entry: IProjectNotebooks;
  model: SharedNotebooksModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { entry, trans } = props;
  return (
    <section className="jp-Prism-sharedProject" data-project={entry.project.id}>
      <h3 className="jp-Prism-subtitle">
        {entry.project.name} <span className="jp-Prism-sharedRole">{entry.project.role}</span>
      </h3>
      {entry.notebooks.length === 0 ? (
        <div className="jp-Prism-empty">
          {entry.project.role === 'viewer'
            ? trans.__('Nothing shared here yet.')
            : trans.__('Nothing shared here yet. Right-click a notebook in the file browser: Share to Project…')}
        </div>
      ) : (
        <ul className="jp-Prism-sharedList">
          {entry.notebooks.map(notebook => (
            <NotebookRow key={notebook.name} notebook={notebook} {...props} />
          ))}
        </ul>
      )}
    </section>
  );
}

function NotebookRow(props: {
  notebook: SharedNotebook;
  model: SharedNotebooksModel;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { notebook, model, commands, trans } = props;
  const versions = model.versionsOf(notebook.project, notebook.name);
  const args = { project: notebook.project, name: notebook.name };
  return (
    <li className="jp-Prism-sharedNotebook" data-name={notebook.name}>
      <div className="jp-Prism-sharedName" title={notebook.note || notebook.name}>
        {notebook.name}
      </div>
      <div className="jp-Prism-sharedMeta">
        <span className="jp-Prism-sharedAuthor">{notebook.author}</span>
        <span className="jp-Prism-sharedVersion">{trans.__('v%1', notebook.version)}</span>
        <span className="jp-Prism-sharedDate">{formatDate(notebook.publishedAt)}</span>
        <span className="jp-Prism-sharedSize">{formatBytes(notebook.size)}</span>
      </div>
      {notebook.note && <div className="jp-Prism-sharedNote">{notebook.note}</div>}
      <div className="jp-Prism-sharedActions">
        <Button
          small
          className="jp-Prism-openCopy"
          onClick={() => void commands.execute(CommandIDs.openSharedNotebookCopy, { ...args, version: notebook.version })}
        >
          {trans.__('Open copy')}
        </Button>
        <Button small minimal className="jp-Prism-showVersions" onClick={() => void model.toggleVersions(notebook.project, notebook.name)}>
          {versions ? trans.__('Hide versions') : trans.__('Versions (%1)', notebook.versions)}
        </Button>
        {notebook.canUnpublish && (
          <Button small minimal className="jp-Prism-unpublish" onClick={() => void commands.execute(CommandIDs.unpublishSharedNotebook, args)}>
            {trans.__('Unpublish')}
          </Button>
        )}
      </div>
      {versions && (
        <ul className="jp-Prism-sharedVersions">
          {versions.map(version => (
            <VersionRow key={version.version} version={version} canUnpublish={notebook.canUnpublish} commands={commands} trans={trans} />
          ))}
        </ul>
      )}
    </li>
  );
}

function VersionRow(props: {
  version: SharedNotebookVersion;
  canUnpublish: boolean;
  commands: CommandRegistry;
  trans: TranslationBundle;
}): JSX.Element {
  const { version, commands, trans } = props;
  const args = { project: version.project, name: version.name, version: version.version };
  return (
    <li className="jp-Prism-sharedVersionRow" data-version={version.version}>
      <span className="jp-Prism-sharedVersion">{trans.__('v%1', version.version)}</span>
      <span className="jp-Prism-sharedDate">{formatDate(version.publishedAt)}</span>
      {version.note && <span className="jp-Prism-sharedNote">{version.note}</span>}
      <Button small minimal className="jp-Prism-openCopy" onClick={() => void commands.execute(CommandIDs.openSharedNotebookCopy, args)}>
        {trans.__('Open copy')}
      </Button>
      {props.canUnpublish && (
        <Button small minimal className="jp-Prism-unpublish" onClick={() => void commands.execute(CommandIDs.unpublishSharedNotebook, args)}>
          {trans.__('Unpublish')}
        </Button>
      )}
    </li>
  );
}
