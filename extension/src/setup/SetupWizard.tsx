/**
 * The first-run wizard: 1 pick or create an AWS profile, 2 see it checked
 * (the account and ARN, or the problem and what to do), 3 pick a region,
 * Finish. Renders the SetupModel; the model talks to the service.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, HTMLSelect, ReactWidget, UseSignal } from '@jupyterlab/ui-components';
import * as React from 'react';

import { ProblemNotice } from '../widgets/ProblemNotice';
import { regionChoices } from './regions';
import type { SetupModel } from './setup-model';

export class SetupWizard extends ReactWidget {
  constructor(
    private readonly _model: SetupModel,
    private readonly _trans: TranslationBundle,
    private readonly _finished: () => void
  ) {
    super();
    this.addClass('jp-Prism-setupPanel');
  }

  protected render(): JSX.Element {
    const model = this._model;
    const trans = this._trans;
    const steps = [trans.__('Profile'), trans.__('Check'), trans.__('Region')];
    const index = ['profile', 'validate', 'region'].indexOf(model.step);
    return (
      <UseSignal signal={model.changed}>
        {() => (
          <div className="jp-Prism-setup" data-step={model.step}>
            <h2 className="jp-Prism-title">{trans.__('Set up AWS for Prism')}</h2>
            <ol className="jp-Prism-setupSteps">
              {steps.map((label, i) => (
                <li key={label} data-state={i < index ? 'done' : i === index ? 'current' : 'next'}>
                  {label}
                </li>
              ))}
            </ol>
            {model.step === 'profile' && <ProfileStep model={model} trans={trans} />}
            {model.step === 'validate' && <ValidateStep model={model} trans={trans} />}
            {model.step === 'region' && <RegionStep model={model} trans={trans} finished={this._finished} />}
            {model.problem && <ProblemNotice problem={model.problem} trans={trans} />}
          </div>
        )}
      </UseSignal>
    );
  }
}

interface IStepProps {
  model: SetupModel;
  trans: TranslationBundle;
}

function ProfileStep({ model, trans }: IStepProps): JSX.Element {
  if (model.profiles === null) {
    return <div className="jp-Prism-empty">{model.busy ? trans.__('Reading your AWS profiles…') : ''}</div>;
  }
  const draft = model.draft;
  const ready = model.creating
    ? Boolean(draft.name.trim() && draft.accessKeyId.trim() && draft.secretAccessKey && draft.region)
    : model.picked !== null;
  return (
    <form
      className="jp-Prism-setupStep"
      onSubmit={event => {
        event.preventDefault();
        void model.next();
      }}
    >
      <p className="jp-Prism-setupLead">
        {trans.__('Prism works in AWS with a profile from ~/.aws/config and ~/.aws/credentials, as the AWS CLI does.')}
      </p>
      <fieldset className="jp-Prism-setupProfiles">
        <legend>{trans.__('Your AWS profiles')}</legend>
        {model.profiles.length === 0 && <div className="jp-Prism-empty">{trans.__('No profiles yet: create one below.')}</div>}
        {model.profiles.map(p => (
          <label key={p.name} className="jp-Prism-setupProfile" data-profile={p.name}>
            <input type="radio" name="profile" checked={!model.creating && model.picked === p.name} onChange={() => model.pick(p.name)} />
            <span className="jp-Prism-setupProfileName">{p.name}</span>
            <span className="jp-Prism-setupProfileInfo">
              {[p.region ?? trans.__('no region'), sourceText(p.source, p.hasKeys, trans)].join(' · ')}
            </span>
          </label>
        ))}
        <label className="jp-Prism-setupProfile" data-profile="">
          <input type="radio" name="profile" checked={model.creating} onChange={() => model.startCreating()} />
          <span className="jp-Prism-setupProfileName">{trans.__('Create a new profile with an access key')}</span>
        </label>
      </fieldset>
      {model.creating && <NewProfileFields model={model} trans={trans} />}
      <div className="jp-Prism-setupButtons">
        <Button type="submit" className="jp-Prism-setupNext" disabled={!ready || model.busy}>
          {model.creating ? trans.__('Create and check') : trans.__('Next')}
        </Button>
      </div>
    </form>
  );
}

function NewProfileFields({ model, trans }: IStepProps): JSX.Element {
  const draft = model.draft;
  return (
    <div className="jp-Prism-setupNew">
      <label>
        {trans.__('Profile name')}
        <input name="name" value={draft.name} placeholder="research" onChange={e => model.editDraft({ name: e.target.value })} />
      </label>
      <label>
        {trans.__('Access key id')}
        <input name="accessKeyId" value={draft.accessKeyId} placeholder="AKIA…" autoComplete="off" onChange={e => model.editDraft({ accessKeyId: e.target.value })} />
      </label>
      <label>
        {trans.__('Secret access key')}
        <input
          name="secretAccessKey"
          type="password"
          value={draft.secretAccessKey}
          autoComplete="new-password"
          onChange={e => model.editDraft({ secretAccessKey: e.target.value })}
        />
      </label>
      <label>
        {trans.__('Region')}
        <RegionSelect value={draft.region} onChange={region => model.editDraft({ region })} />
      </label>
      <p className="jp-Prism-setupNote">
        {trans.__('The secret is written to your AWS credentials file, readable by you only; Prism never shows it again.')}
      </p>
    </div>
  );
}

function ValidateStep({ model, trans }: IStepProps): JSX.Element {
  return (
    <div className="jp-Prism-setupStep">
      <p className="jp-Prism-setupLead">{trans.__('Checking profile %1 with AWS (GetCallerIdentity)…', model.picked ?? '')}</p>
      {model.busy && (
        <div className="jp-Prism-setupChecking" role="status">
          <span className="jp-Prism-spinner" aria-hidden="true" /> {trans.__('Asking AWS who this profile is…')}
        </div>
      )}
      {model.account && (
        <dl className="jp-Prism-setupAccount">
          <dt>{trans.__('Account')}</dt>
          <dd className="jp-Prism-setupAccountId">{model.account.account}</dd>
          <dt>{trans.__('Identity')}</dt>
          <dd className="jp-Prism-setupArn">{model.account.arn}</dd>
        </dl>
      )}
      <div className="jp-Prism-setupButtons">
        <Button minimal className="jp-Prism-setupBack" onClick={() => model.goTo('profile')}>
          {trans.__('Back')}
        </Button>
        {!model.busy && !model.account && (
          <Button className="jp-Prism-setupRetry" onClick={() => void model.validate()}>
            {trans.__('Check again')}
          </Button>
        )}
        <Button className="jp-Prism-setupNext" disabled={!model.account} onClick={() => model.goTo('region')}>
          {trans.__('Next')}
        </Button>
      </div>
    </div>
  );
}

function RegionStep({ model, trans, finished }: IStepProps & { finished: () => void }): JSX.Element {
  return (
    <div className="jp-Prism-setupStep">
      <p className="jp-Prism-setupLead">
        {trans.__('Workstations, their disks and the boot reports live in this region. You can change it here again later.')}
      </p>
      <label className="jp-Prism-setupRegion">
        {trans.__('Region')}
        <RegionSelect value={model.region} onChange={region => model.chooseRegion(region)} />
      </label>
      <div className="jp-Prism-setupButtons">
        <Button minimal className="jp-Prism-setupBack" onClick={() => model.goTo('validate')}>
          {trans.__('Back')}
        </Button>
        <Button
          className="jp-Prism-setupFinish"
          disabled={model.busy}
          onClick={async () => {
            if (await model.finish()) {
              finished();
            }
          }}
        >
          {model.busy ? trans.__('Switching…') : trans.__('Finish')}
        </Button>
      </div>
    </div>
  );
}

function RegionSelect(props: { value: string; onChange: (region: string) => void }): JSX.Element {
  return (
    <HTMLSelect name="region" value={props.value} onChange={e => props.onChange(e.currentTarget.value)}>
      {regionChoices(props.value).map(r => (
        <option key={r.id} value={r.id}>
          {r.place ? `${r.id} (${r.place})` : r.id}
        </option>
      ))}
    </HTMLSelect>
  );
}

function sourceText(source: string, hasKeys: boolean, trans: TranslationBundle): string {
  if (source === 'sso') {
    return trans.__('single sign-on');
  }
  return hasKeys ? trans.__('access key') : trans.__('no keys');
}
