/**
 * A project's policy: the templates and sizes it allows and its workstations,
 * used of allowed, in all and for the researcher. Project admins edit it; the
 * service replaces the whole policy with what the form says.
 */
import type { TranslationBundle } from '@jupyterlab/translation';
import { Button } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { Problem, TemplateSummary } from '../tokens';
import { ProblemNotice } from '../widgets/ProblemNotice';
import type { ProjectPolicy, ProjectPolicySetting } from '../../../server/src/contract/projects';
import type { ProjectsModel } from './projects-model';

export function PolicySection(props: {
  model: ProjectsModel;
  policy: ProjectPolicy;
  templates: ReadonlyArray<TemplateSummary>;
  trans: TranslationBundle;
}): JSX.Element {
  const { model, policy, templates, trans } = props;
  const [editing, setEditing] = React.useState(false);
  const sizeLimits = [...(policy.sizes ?? []), ...(policy.instanceTypes ?? [])];
  return (
    <div className="jp-Prism-projectPolicy">
      <h4>{trans.__('Policy')}</h4>
      <dl>
        <dt>{trans.__('Templates')}</dt>
        <dd className="jp-Prism-policyTemplates">
          {policy.templates === null ? trans.__('any') : policy.templates.join(', ') || trans.__('none')}
        </dd>
        <dt>{trans.__('Sizes')}</dt>
        <dd className="jp-Prism-policySizes">
          {policy.sizes === null && policy.instanceTypes === null
            ? trans.__('any')
            : sizeLimits.join(', ') || trans.__('none')}
        </dd>
        <dt>{trans.__('Workstations in the project')}</dt>
        <dd className="jp-Prism-policyWorkstations">{usedOf(policy.workstations, policy.maxWorkstations, trans)}</dd>
        <dt>{trans.__('Yours')}</dt>
        <dd className="jp-Prism-policyYours">{usedOf(policy.yourWorkstations, policy.maxWorkstationsPerMember, trans)}</dd>
      </dl>
      {model.canManage &&
        (editing ? (
          <PolicyEditor
            policy={policy}
            templates={templates}
            onSave={async setting => {
              const refused = await model.setPolicy(setting);
              if (!refused) setEditing(false);
              return refused;
            }}
            onCancel={() => setEditing(false)}
            trans={trans}
          />
        ) : (
          <Button className="jp-Prism-editPolicy" onClick={() => setEditing(true)}>
            {trans.__('Edit policy')}
          </Button>
        ))}
    </div>
  );
}

function usedOf(used: number, allowed: number | null, trans: TranslationBundle): string {
  return allowed === null ? trans.__('%1 (no limit)', used) : trans.__('%1 of %2', used, allowed);
}

function PolicyEditor(props: {
  policy: ProjectPolicy;
  templates: ReadonlyArray<TemplateSummary>;
  onSave: (setting: ProjectPolicySetting) => Promise<Problem | null>;
  onCancel: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { policy, templates, onSave, onCancel, trans } = props;
  const sizeNames = [...new Set(templates.flatMap(t => Object.values(t.sizes).flatMap(sizes => sizes.map(s => s.name))))];
  const [allowTemplates, setAllowTemplates] = React.useState<string[] | null>(policy.templates);
  const [allowSizes, setAllowSizes] = React.useState<string[] | null>(
    policy.sizes === null && policy.instanceTypes === null ? null : (policy.sizes ?? [])
  );
  const [instanceTypes, setInstanceTypes] = React.useState((policy.instanceTypes ?? []).join(', '));
  const [max, setMax] = React.useState(countText(policy.maxWorkstations));
  const [perMember, setPerMember] = React.useState(countText(policy.maxWorkstationsPerMember));
  const [busy, setBusy] = React.useState(false);
  const [problem, setProblem] = React.useState<Problem | null>(null);

  const save = async (): Promise<void> => {
    const types = instanceTypes.split(',').map(t => t.trim()).filter(Boolean);
    setBusy(true);
    const refused = await onSave({
      templates: allowTemplates,
      sizes: allowSizes,
      instanceTypes: allowSizes === null ? null : types,
      maxWorkstations: countOf(max),
      maxWorkstationsPerMember: countOf(perMember)
    });
    setBusy(false);
    setProblem(refused);
  };

  return (
    <form
      className="jp-Prism-policyEditor"
      onSubmit={event => {
        event.preventDefault();
        void save();
      }}
    >
      <ChoiceList
        legend={trans.__('Templates allowed')}
        anyLabel={trans.__('Any template')}
        choices={templates.map(t => ({ value: t.name, label: t.title }))}
        chosen={allowTemplates}
        onChange={setAllowTemplates}
      />
      <ChoiceList
        legend={trans.__('Sizes allowed')}
        anyLabel={trans.__('Any size')}
        choices={sizeNames.map(name => ({ value: name, label: name }))}
        chosen={allowSizes}
        onChange={setAllowSizes}
      >
        <label className="jp-Prism-field">
          <span className="jp-Prism-label">{trans.__('Instance types')}</span>
          <input
            className="jp-mod-styled"
            aria-label={trans.__('Instance types allowed')}
            placeholder={trans.__('g5.xlarge, m7g.large')}
            value={instanceTypes}
            onChange={event => setInstanceTypes(event.currentTarget.value)}
          />
        </label>
      </ChoiceList>
      <label className="jp-Prism-field">
        <span className="jp-Prism-label">{trans.__('Workstations in the project')}</span>
        <input
          className="jp-mod-styled"
          type="number"
          min={0}
          aria-label={trans.__('Workstations in the project at most')}
          placeholder={trans.__('no limit')}
          value={max}
          onChange={event => setMax(event.currentTarget.value)}
        />
      </label>
      <label className="jp-Prism-field">
        <span className="jp-Prism-label">{trans.__('Per member')}</span>
        <input
          className="jp-mod-styled"
          type="number"
          min={0}
          aria-label={trans.__('Workstations per member at most')}
          placeholder={trans.__('no limit')}
          value={perMember}
          onChange={event => setPerMember(event.currentTarget.value)}
        />
      </label>
      <div className="jp-Prism-policyActions">
        <Button type="submit" className="jp-mod-accept" disabled={busy}>
          {trans.__('Save policy')}
        </Button>
        <Button className="jp-mod-reject" disabled={busy} onClick={onCancel}>
          {trans.__('Cancel')}
        </Button>
      </div>
      {problem && <ProblemNotice problem={problem} trans={trans} />}
    </form>
  );
}

/** "Any" or a list of checked choices; `chosen` null means any. */
function ChoiceList(props: {
  legend: string;
  anyLabel: string;
  choices: { value: string; label: string }[];
  chosen: string[] | null;
  onChange: (chosen: string[] | null) => void;
  children?: React.ReactNode;
}): JSX.Element {
  const { legend, anyLabel, choices, chosen, onChange } = props;
  return (
    <fieldset className="jp-Prism-choiceList">
      <legend>{legend}</legend>
      <label>
        <input type="checkbox" checked={chosen === null} onChange={event => onChange(event.currentTarget.checked ? null : [])} />
        {anyLabel}
      </label>
      {chosen !== null && (
        <>
          {choices.map(c => (
            <label key={c.value}>
              <input
                type="checkbox"
                value={c.value}
                checked={chosen.includes(c.value)}
                onChange={event =>
                  onChange(event.currentTarget.checked ? [...chosen, c.value] : chosen.filter(v => v !== c.value))
                }
              />
              {c.label}
            </label>
          ))}
          {props.children}
        </>
      )}
    </fieldset>
  );
}

function countText(count: number | null): string {
  return count === null ? '' : String(count);
}

/** Empty is no limit; anything else goes as typed, so the service says what is wrong with it. */
function countOf(text: string): number | null {
  return text.trim() === '' ? null : Number(text);
}
