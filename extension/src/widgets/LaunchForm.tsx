import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, HTMLSelect } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { LaunchParameterValue } from '../../../server/src/contract/api';
import type { Arch } from '../../../server/src/contract/events';
import { ArchPrices } from '../costs/ArchPrices';
import { allocationLeft, allowedSizes, allowedTemplates, type LaunchProjects } from '../projects/launch-projects';
import { allocationText, ProjectPicker, whyLaunchBlocked } from '../projects/ProjectPicker';
import type { LaunchRequest, TemplateSummary } from '../tokens';
import { formatPrice } from './format';
import { ParameterFields } from './ParameterFields';
import { TemplateCard } from './TemplateCard';

/** Graviton first when a template offers it: it is usually cheaper. */
const PREFERRED_ARCHES: Arch[] = ['arm64', 'x86_64'];

/**
 * The templates as cards and the choices of a launch. `onLaunch` resolves
 * whether the launch was accepted; the panel shows why when it was not.
 * In a project, only what its policy allows is offered.
 */
export function LaunchForm(props: {
  templates: ReadonlyArray<TemplateSummary>;
  projects: LaunchProjects;
  onLaunch: (request: LaunchRequest) => Promise<boolean>;
  trans: TranslationBundle;
}): JSX.Element {
  const { templates, projects, onLaunch, trans } = props;
  const [templateName, setTemplateName] = React.useState('');
  const [archChoice, setArch] = React.useState<Arch>('arm64');
  const [sizeChoice, setSize] = React.useState('');
  const [typedName, setTypedName] = React.useState<string | null>(null);
  const [bucket, setBucket] = React.useState('');
  const [prefix, setPrefix] = React.useState('');
  const [launching, setLaunching] = React.useState(false);
  const [chosenParameters, setParameters] = React.useState<
    Record<string, Record<string, LaunchParameterValue>>
  >({});
  const [suffix, setSuffix] = React.useState(newSuffix);

  const project = projects.picked;
  const policy = project ? projects.policy : null;
  const offered = allowedTemplates(templates, policy);
  const picker = (
    <ProjectPicker
      choices={projects.choices}
      picked={project}
      onPick={id => void projects.pick(id)}
      trans={trans}
    />
  );
  const template =
    offered.find(t => t.name === templateName) ?? offered[0] ?? null;
  if (!template) {
    return project ? (
      <div className="jp-Prism-launchForm">
        {picker}
        <div className="jp-Prism-empty">
          {trans.__('%1 allows none of the templates offered; ask a project admin.', project.name)}
        </div>
      </div>
    ) : (
      <div className="jp-Prism-empty">{trans.__('No templates yet.')}</div>
    );
  }
  const arch = template.arches.includes(archChoice)
    ? archChoice
    : (PREFERRED_ARCHES.find(a => template.arches.includes(a)) ?? 'arm64');
  const sizes = allowedSizes(template.sizes[arch] ?? [], policy);
  const size = sizes.some(s => s.name === sizeChoice)
    ? sizeChoice
    : sizes.some(s => s.name === template.defaultSize)
      ? template.defaultSize
      : (sizes[0]?.name ?? '');
  const name = typedName ?? `${template.name}-${suffix}`;
  const parameters = chosenParameters[template.name] ?? {};
  const allocation = allocationLeft(policy);
  const blocked = whyLaunchBlocked(
    { project, policy, allocation, sizesLeft: sizes.length, arch, templateTitle: template.title },
    trans
  );

  const launch = async (): Promise<void> => {
    setLaunching(true);
    try {
      const launched = await onLaunch({
        name: name.trim(),
        template: template.name,
        arch,
        size: size || undefined,
        parameters: Object.keys(parameters).length ? parameters : undefined,
        project: project?.id,
        datasets: bucket.trim()
          ? [{ s3: { bucket: bucket.trim(), prefix: prefix.trim() || undefined } }]
          : undefined
      });
      if (launched) {
        setTypedName(null);
        setSuffix(newSuffix());
      }
    } finally {
      setLaunching(false);
    }
  };

  return (
    <form
      className="jp-Prism-launchForm"
      onSubmit={event => {
        event.preventDefault();
        void launch();
      }}
    >
      {picker}
      {project && allocation && (
        <div className="jp-Prism-allocation" data-left={allocation.left}>
          {allocationText(allocation, project, trans)}
        </div>
      )}
      {projects.problem && (
        <div className="jp-Prism-launchBlocked" role="alert">
          {projects.problem.detail || projects.problem.title} {projects.problem.hint}
        </div>
      )}
      <div
        className="jp-Prism-templates"
        role="radiogroup"
        aria-label={trans.__('Template')}
      >
        {offered.map(t => (
          <TemplateCard
            key={t.name}
            template={t}
            size={t === template ? size : t.defaultSize}
            selected={t === template}
            onSelect={() => setTemplateName(t.name)}
            trans={trans}
          />
        ))}
      </div>
      <fieldset className="jp-Prism-fields">
        <div className="jp-Prism-field" role="radiogroup" aria-label={trans.__('Architecture')}>
          <span className="jp-Prism-label">{trans.__('Architecture')}</span>
          {template.arches.map(a => (
            <label key={a} className="jp-Prism-archChoice">
              <input
                type="radio"
                name="jp-Prism-arch"
                value={a}
                checked={a === arch}
                onChange={() => setArch(a)}
              />
              {a}
            </label>
          ))}
        </div>
        <label className="jp-Prism-field">
          <span className="jp-Prism-label">{trans.__('Size')}</span>
          <HTMLSelect
            className="jp-Prism-sizeSelect"
            aria-label={trans.__('Size')}
            value={size}
            onChange={event => setSize(event.currentTarget.value)}
            options={sizes.map(s => ({
              value: s.name,
              label: trans.__(
                '%1 — %2, %3 vCPU, %4 GiB, %5',
                s.name,
                s.instanceType,
                s.vcpus,
                s.memoryGiB,
                formatPrice(s.pricePerHour, trans)
              )
            }))}
          />
        </label>
        <ArchPrices template={template} size={size} trans={trans} />
        <ParameterFields
          parameters={template.parameters ?? []}
          values={parameters}
          onChange={(parameter, value) =>
            setParameters({
              ...chosenParameters,
              [template.name]: { ...parameters, [parameter]: value }
            })
          }
          trans={trans}
        />
        <label className="jp-Prism-field">
          <span className="jp-Prism-label">{trans.__('Name')}</span>
          <input
            className="jp-mod-styled jp-Prism-nameInput"
            aria-label={trans.__('Workstation name')}
            value={name}
            required
            onChange={event => setTypedName(event.currentTarget.value)}
          />
        </label>
        <div className="jp-Prism-field">
          <span className="jp-Prism-label">{trans.__('S3 dataset (optional)')}</span>
          <input
            className="jp-mod-styled jp-Prism-bucketInput"
            aria-label={trans.__('S3 bucket')}
            placeholder={trans.__('bucket')}
            value={bucket}
            onChange={event => setBucket(event.currentTarget.value)}
          />
          <input
            className="jp-mod-styled jp-Prism-prefixInput"
            aria-label={trans.__('S3 prefix')}
            placeholder={trans.__('prefix/')}
            value={prefix}
            disabled={!bucket.trim()}
            onChange={event => setPrefix(event.currentTarget.value)}
          />
        </div>
      </fieldset>
      {blocked && (
        <div className="jp-Prism-launchBlocked" id="jp-Prism-launchBlocked">
          {blocked.reason}
        </div>
      )}
      <Button
        type="submit"
        className="jp-Prism-launchButton jp-mod-accept"
        aria-label={blocked?.label ?? trans.__('Launch')}
        aria-describedby={blocked ? 'jp-Prism-launchBlocked' : undefined}
        title={blocked?.reason}
        disabled={launching || !name.trim() || blocked !== null}
      >
        {launching ? trans.__('Launching…') : (blocked?.label ?? trans.__('Launch'))}
      </Button>
    </form>
  );
}

/** Workstation names must differ; a short random suffix makes the default do. */
function newSuffix(): string {
  return Math.random().toString(36).slice(2, 6);
}
