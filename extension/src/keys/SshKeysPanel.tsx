/**
 * The researcher's SSH public keys: paste one to add it, see each with its
 * fingerprint, comment and date, delete one. Prism installs them on every
 * workstation the researcher may reach (their own and their projects').
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ProblemNotice } from '../widgets/ProblemNotice';
import { ViewHeader } from '../widgets/ViewHeader';
import type { SshKey } from '../../../server/src/contract/team';
import type { SshKeysModel } from './ssh-keys-model';

export class SshKeysPanel extends ReactWidget {
  constructor(
    private readonly _model: SshKeysModel,
    private readonly _trans: TranslationBundle
  ) {
    super();
    this.addClass('jp-Prism-sshKeysPanel');
  }

  protected render(): JSX.Element {
    const model = this._model;
    const trans = this._trans;
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-Prism-sshKeys">
            <ViewHeader
              title={trans.__('SSH keys')}
              refreshLabel={trans.__('Reload your SSH keys')}
              refreshClassName="jp-Prism-sshKeysRefresh"
              onRefresh={() => void model.reload()}
            />
            <p className="jp-Prism-sshKeysAbout">
              {trans.__(
                'Your public keys are installed on every workstation you may reach: your own, and those of the projects where you are a member or an admin.'
              )}
            </p>
            <AddKeyForm model={model} trans={trans} />
            {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
            <KeyList model={model} trans={trans} />
          </div>
        )}
      </UseSignal>
    );
  }
}

function AddKeyForm(props: { model: SshKeysModel; trans: TranslationBundle }): JSX.Element {
  const { model, trans } = props;
  const [text, setText] = React.useState('');
  return (
    <form
      className="jp-Prism-sshKeysAdd"
      aria-label={trans.__('Add an SSH key')}
      onSubmit={event => {
        event.preventDefault();
        void model.add(text).then(added => added && setText(''));
      }}
    >
      <label>
        <span>{trans.__('Public key')}</span>
        <textarea
          className="jp-mod-styled jp-Prism-sshKeysText"
          name="publicKey"
          rows={3}
          spellCheck={false}
          placeholder="ssh-ed25519 AAAA… you@laptop"
          value={text}
          onChange={event => setText(event.target.value)}
        />
      </label>
      <Button type="submit" className="jp-Prism-sshKeysAddButton" disabled={!text.trim() || model.loading}>
        {trans.__('Add key')}
      </Button>
    </form>
  );
}

function KeyList(props: { model: SshKeysModel; trans: TranslationBundle }): JSX.Element {
  const { model, trans } = props;
  if (model.keys.length === 0) {
    return (
      <p className="jp-Prism-sshKeysEmpty">
        {model.loading ? trans.__('Loading…') : trans.__('No keys yet: paste the line of your ~/.ssh/id_ed25519.pub above.')}
      </p>
    );
  }
  return (
    <table className="jp-Prism-sshKeysTable" aria-label={trans.__('Your SSH keys')}>
      <thead>
        <tr>
          <th>{trans.__('Fingerprint')}</th>
          <th>{trans.__('Type')}</th>
          <th>{trans.__('Comment')}</th>
          <th>{trans.__('Added')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {model.keys.map((key: SshKey) => (
          <tr key={key.fingerprint} className="jp-Prism-sshKey" data-fingerprint={key.fingerprint}>
            <td className="jp-Prism-sshKeyFingerprint">{key.fingerprint}</td>
            <td>{`${key.type} (${key.bits})`}</td>
            <td className="jp-Prism-sshKeyComment">{key.comment}</td>
            <td>{new Date(key.addedAt).toLocaleString()}</td>
            <td>
              <Button
                minimal
                className="jp-Prism-sshKeyDelete"
                aria-label={trans.__('Delete the key %1', key.fingerprint)}
                disabled={model.loading}
                onClick={() => void model.remove(key.fingerprint)}
              >
                {trans.__('Delete')}
              </Button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
