import type { TranslationBundle } from '@jupyterlab/translation';
import { addIcon, Button, closeIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { IPlacedDiagnostic } from './builder-model';
import type { IServiceDraft, ISizeDraft } from './draft';
import { FieldProblems } from './FormParts';
import { ARCHES, FIELDS, SERVICE_FIELDS } from './schema-fields';

/** The services the template adds to its parent's: name, port, health path. */
export function ServicesEditor(props: {
  services: ReadonlyArray<IServiceDraft>;
  diagnosticsOf: (field: string) => IPlacedDiagnostic[];
  onChange: (services: IServiceDraft[]) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { services, diagnosticsOf, onChange, trans } = props;
  const change = (index: number, patch: Partial<IServiceDraft>): void =>
    onChange(services.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  return (
    <fieldset className="jp-Prism-builderSection" data-field="services">
      <legend>{trans.__(FIELDS.services.label)}</legend>
      <div className="jp-Prism-builderDescription">
        {trans.__(FIELDS.services.description)}
      </div>
      {services.map((service, index) => (
        <div key={index} className="jp-Prism-builderRow" data-field={`services.${index}`}>
          {SERVICE_FIELDS.map(({ field, label, hint }) => (
            <input
              key={field}
              className="jp-mod-styled"
              aria-label={trans.__('%1 of service %2', trans.__(label), index + 1)}
              placeholder={trans.__(label)}
              title={hint && trans.__(hint)}
              value={service[field]}
              onChange={event => change(index, { [field]: event.currentTarget.value })}
            />
          ))}
          <Button
            minimal
            small
            aria-label={trans.__('Remove service %1', index + 1)}
            onClick={() => onChange(services.filter((_, i) => i !== index))}
          >
            <closeIcon.react tag="span" />
          </Button>
          <FieldProblems diagnostics={diagnosticsOf(`services.${index}`)} />
        </div>
      ))}
      <Button
        small
        className="jp-Prism-builderAdd"
        onClick={() => onChange([...services, { name: '', port: '', healthPath: '/' }])}
      >
        <addIcon.react tag="span" /> {trans.__('Add service')}
      </Button>
    </fieldset>
  );
}

/**
 * Sizes per arch. Instance types come from a list of the types the
 * service's templates use; any other type can be typed in.
 */
export function SizesEditor(props: {
  sizes: ReadonlyArray<ISizeDraft>;
  instanceTypes: Record<string, string[]>;
  diagnosticsOf: (field: string) => IPlacedDiagnostic[];
  onChange: (sizes: ISizeDraft[]) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { sizes, instanceTypes, diagnosticsOf, onChange, trans } = props;
  const listId = React.useId();
  const change = (index: number, patch: Partial<ISizeDraft>): void =>
    onChange(sizes.map((s, i) => (i === index ? { ...s, ...patch } : s)));
  const emptyTypes = Object.fromEntries(ARCHES.map(a => [a, ''])) as ISizeDraft['types'];
  return (
    <fieldset className="jp-Prism-builderSection" data-field="sizes">
      <legend>{trans.__(FIELDS.sizes.label)}</legend>
      <div className="jp-Prism-builderDescription">
        {trans.__(FIELDS.sizes.description)}
      </div>
      {ARCHES.map(arch => (
        <datalist key={arch} id={`${listId}-${arch}`}>
          {(instanceTypes[arch] ?? []).map(type => (
            <option key={type} value={type} />
          ))}
        </datalist>
      ))}
      {sizes.map((size, index) => (
        <div key={index} className="jp-Prism-builderRow" data-field={`sizes.${size.name}`}>
          <input
            className="jp-mod-styled"
            aria-label={trans.__('Name of size %1', index + 1)}
            placeholder={trans.__('size name')}
            value={size.name}
            onChange={event => change(index, { name: event.currentTarget.value })}
          />
          {ARCHES.map(arch => (
            <input
              key={arch}
              className="jp-mod-styled"
              list={`${listId}-${arch}`}
              aria-label={trans.__('%1 of size %2 on %3', trans.__(FIELDS.instanceType.label), index + 1, arch)}
              placeholder={arch}
              title={trans.__(FIELDS.instanceType.hint)}
              value={size.types[arch]}
              onChange={event =>
                change(index, { types: { ...size.types, [arch]: event.currentTarget.value } })
              }
            />
          ))}
          <Button
            minimal
            small
            aria-label={trans.__('Remove size %1', index + 1)}
            onClick={() => onChange(sizes.filter((_, i) => i !== index))}
          >
            <closeIcon.react tag="span" />
          </Button>
          <FieldProblems diagnostics={size.name.trim() ? diagnosticsOf(`sizes.${size.name.trim()}`) : []} />
        </div>
      ))}
      <Button
        small
        className="jp-Prism-builderAdd"
        onClick={() => onChange([...sizes, { name: '', types: emptyTypes }])}
      >
        <addIcon.react tag="span" /> {trans.__('Add size')}
      </Button>
    </fieldset>
  );
}
