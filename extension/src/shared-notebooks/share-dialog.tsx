/**
 * The dialog behind "Share to Project…": which of the researcher's projects
 * (those where they may publish), and an optional note on what changed.
 */
import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReactWidget } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { Project } from '../tokens';

export interface IShareChoice {
  project: string;
  note: string;
}

/**
 * Ask where to share `name`.
 *
 * @returns the project and note; null when cancelled or no project allows publishing.
 */
export async function askShare(
  name: string,
  projects: ReadonlyArray<Project>,
  trans: TranslationBundle
): Promise<IShareChoice | null> {
  const title = trans.__('Share %1 to a project', name);
  if (!projects.length) {
    await showDialog({
      title,
      body: trans.__('You are a member of no project where you may publish. A project admin can add you as a member.'),
      buttons: [Dialog.okButton({ label: trans.__('OK') })]
    });
    return null;
  }
  const answer = await showDialog({
    title,
    body: new SharePicker(projects, trans),
    buttons: [Dialog.cancelButton({ label: trans.__('Cancel') }), Dialog.okButton({ label: trans.__('Share') })]
  });
  return answer.button.accept ? answer.value : null;
}

class SharePicker extends ReactWidget implements Dialog.IBodyWidget<IShareChoice> {
  constructor(
    private readonly _projects: ReadonlyArray<Project>,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-sharePicker');
    this._choice = { project: _projects[0].id, note: '' };
  }

  getValue(): IShareChoice {
    return this._choice;
  }

  protected render(): JSX.Element {
    const trans = this._trans;
    return (
      <div className="jp-Prism-shareForm">
        <label>
          {trans.__('Project')}
          <select
            className="jp-mod-styled jp-Prism-shareProject"
            aria-label={trans.__('Project')}
            defaultValue={this._choice.project}
            onChange={event => {
              this._choice = { ...this._choice, project: event.target.value };
            }}
          >
            {this._projects.map(p => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {trans.__('Note (optional)')}
          <input
            className="jp-mod-styled jp-Prism-shareNote"
            aria-label={trans.__('Note')}
            maxLength={500}
            placeholder={trans.__('What changed in this version')}
            onChange={event => {
              this._choice = { ...this._choice, note: event.target.value };
            }}
          />
        </label>
      </div>
    );
  }

  private _choice: IShareChoice;
}
