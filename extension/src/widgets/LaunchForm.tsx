import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, HTMLSelect } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { LaunchParameterValue } from '../../../server/src/contract/api';
import type { Arch } from '../../../server/src/contract/events';
import { ArchPrices } from '../costs/ArchPrices';
import type { LaunchRequest, TemplateSummary } from '../tokens';
import { formatPrice } from './format';
import { ParameterFields } from './ParameterFields';
import { TemplateCard } from './TemplateCard';

/** Graviton first when a template offers it: it is usually cheaper. */
const PREFERRED_ARCHES: Arch[] = ['arm64', 'x86_64'];

/**
 * The templates as cards and the choices of a launch. `onLaunch` resolves
 * whether the launch was accepted; the panel shows why when it was not.
 */
export function LaunchForm(props: {
  templates: ReadonlyArray<TemplateSummary>;
  onLaunch: (request: LaunchRequest) => Promise<boolean>;
  trans: TranslationBundle;
}): JSX.Element {
  const { templates, onLaunch, trans } = props;
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

  const template =
    templates.find(t => t.name === templateName) ?? templates[0] ?? null;
  if (!template) {
    return (
      <div className="jp-Prism-empty">{trans.__('No templates yet.')}</div>
    );
  }
  const arch = template.arches.includes(archChoice)
    ? archChoice
    : (PREFERRED_ARCHES.find(a => template.arches.includes(a)) ?? 'arm64');
  const sizes = template.sizes[arch] ?? [];
  const size = sizes.some(s => s.name === sizeChoice)
    ? sizeChoice
    : sizes.some(s => s.name === template.defaultSize)
      ? template.defaultSize
      : (sizes[0]?.name ?? '');
  const name = typedName ?? `${template.name}-${suffix}`;
  const parameters = chosenParameters[template.name] ?? {};

  const launch = async (): Promise<void> => {
    setLaunching(true);
    try {
      const launched = await onLaunch({
        name: name.trim(),
        template: template.name,
        arch,
        size: size || undefined,
        parameters: Object.keys(parameters).length ? parameters : undefined,
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
      <div
        className="jp-Prism-templates"
        role="radiogroup"
        aria-label={trans.__('Template')}
      >
        {templates.map(t => (
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
      <Button
        type="submit"
        className="jp-Prism-launchButton jp-mod-accept"
        aria-label={trans.__('Launch')}
        disabled={launching || !name.trim()}
      >
        {launching ? trans.__('Launching…') : trans.__('Launch')}
      </Button>
    </form>
  );
}

/** Workstation names must differ; a short random suffix makes the default do. */
function newSuffix(): string {
  return Math.random().toString(36).slice(2, 6);
}
