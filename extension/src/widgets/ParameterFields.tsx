import type { TranslationBundle } from '@jupyterlab/translation';
import { HTMLSelect } from '@jupyterlab/ui-components';
import * as React from 'react';

import type {
  LaunchParameterValue,
  TemplateParameterSummary
} from '../../../server/src/contract/api';

/**
 * The template's launch parameters as form fields, typed as the template
 * declares them (a choice, a number, a switch or text), with its defaults.
 */
export function ParameterFields(props: {
  parameters: ReadonlyArray<TemplateParameterSummary>;
  values: Record<string, LaunchParameterValue>;
  onChange: (name: string, value: LaunchParameterValue) => void;
  trans: TranslationBundle;
}): JSX.Element | null {
  const { parameters, values, onChange, trans } = props;
  if (parameters.length === 0) {
    return null;
  }
  return (
    <div className="jp-Prism-parameters" aria-label={trans.__('Template parameters')}>
      {parameters.map(p => {
        const value = values[p.name] ?? p.default;
        return (
          <label key={p.name} className="jp-Prism-field" title={p.description}>
            <span className="jp-Prism-label">{p.name}</span>
            {p.type === 'enum' ? (
              <HTMLSelect
                aria-label={p.name}
                value={String(value)}
                onChange={event => {
                  const chosen = (p.enum ?? []).find(v => String(v) === event.currentTarget.value);
                  onChange(p.name, chosen ?? event.currentTarget.value);
                }}
                options={(p.enum ?? []).map(v => ({ value: String(v), label: String(v) }))}
              />
            ) : p.type === 'boolean' ? (
              <input
                type="checkbox"
                aria-label={p.name}
                checked={value === true}
                onChange={event => onChange(p.name, event.currentTarget.checked)}
              />
            ) : (
              <input
                className="jp-mod-styled"
                aria-label={p.name}
                type={p.type === 'integer' ? 'number' : 'text'}
                step={p.type === 'integer' ? 1 : undefined}
                value={String(value)}
                onChange={event =>
                  onChange(
                    p.name,
                    p.type === 'integer' ? Number.parseInt(event.currentTarget.value, 10) : event.currentTarget.value
                  )
                }
              />
            )}
            <span className="jp-Prism-hint">{p.description}</span>
          </label>
        );
      })}
    </div>
  );
}
