import type { TranslationBundle } from '@jupyterlab/translation';
import { Button, closeIcon } from '@jupyterlab/ui-components';
import * as React from 'react';

import type { IPlacedDiagnostic } from './builder-model';
import { searchPackages } from './package-catalog';
import type { IFieldText, PackageKind } from './schema-fields';

/** The service's diagnostics on one field, each with what to do. */
export function FieldProblems(props: {
  diagnostics: ReadonlyArray<IPlacedDiagnostic>;
}): JSX.Element | null {
  if (!props.diagnostics.length) {
    return null;
  }
  return (
    <ul className="jp-Prism-fieldProblems" role="alert">
      {props.diagnostics.map((d, index) => (
        <li key={index} className="jp-Prism-fieldProblem" data-line={d.line}>
          <span className="jp-Prism-fieldProblemMessage">{d.message}</span>
          {d.hint && <span className="jp-Prism-fieldProblemHint">{d.hint}</span>}
        </li>
      ))}
    </ul>
  );
}

/** A labelled field with the schema's description and its problems below. */
export function Field(props: {
  text: IFieldText;
  field: string;
  diagnostics: ReadonlyArray<IPlacedDiagnostic>;
  trans: TranslationBundle;
  children: React.ReactNode;
}): JSX.Element {
  const { text, field, diagnostics, trans, children } = props;
  return (
    <div
      className={`jp-Prism-builderField${diagnostics.length ? ' jp-mod-invalid' : ''}`}
      data-field={field}
    >
      <label className="jp-Prism-builderLabel">
        <span>{trans.__(text.label)}</span>
        {children}
      </label>
      {text.description && (
        <div className="jp-Prism-builderDescription">
          {trans.__(text.description)}
        </div>
      )}
      <FieldProblems diagnostics={diagnostics} />
    </div>
  );
}

/**
 * The packages of one package manager: chosen ones as chips, and a search
 * box over the curated list that also takes any name typed (Enter).
 */
export function PackagePicker(props: {
  kind: PackageKind;
  text: IFieldText;
  field: string;
  chosen: ReadonlyArray<string>;
  diagnosticsOf: (field: string) => IPlacedDiagnostic[];
  onChange: (packages: string[]) => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { kind, text, field, chosen, diagnosticsOf, onChange, trans } = props;
  const [query, setQuery] = React.useState('');
  const matches = searchPackages(kind, query, chosen);
  const add = (name: string): void => {
    const clean = name.trim();
    if (clean && !chosen.includes(clean)) {
      onChange([...chosen, clean]);
    }
    setQuery('');
  };
  const label = trans.__(text.label);
  return (
    <div className="jp-Prism-packagePicker" data-field={field}>
      <div className="jp-Prism-builderLabel" title={trans.__(text.description)}>
        {label}
      </div>
      <ul className="jp-Prism-packageChips" aria-label={trans.__('%1 packages', label)}>
        {chosen.map((name, index) => {
          const problems = diagnosticsOf(`${field}.${index}`);
          return (
            <li
              key={name}
              className={`jp-Prism-packageChip${problems.length ? ' jp-mod-invalid' : ''}`}
              data-package={name}
            >
              <span>{name}</span>
              <Button
                minimal
                small
                aria-label={trans.__('Remove %1', name)}
                onClick={() => onChange(chosen.filter(p => p !== name))}
              >
                <closeIcon.react tag="span" />
              </Button>
              <FieldProblems diagnostics={problems} />
            </li>
          );
        })}
      </ul>
      <input
        className="jp-mod-styled jp-Prism-packageSearch"
        aria-label={trans.__('Search %1 packages', label)}
        placeholder={trans.__('Search or type a package, Enter to add')}
        value={query}
        onChange={event => setQuery(event.currentTarget.value)}
        onKeyDown={event => {
          if (event.key === 'Enter') {
            event.preventDefault();
            add(query);
          }
        }}
      />
      <FieldProblems
        diagnostics={diagnosticsOf(field).filter(d => d.field === field)}
      />
      {matches.length > 0 && (
        <ul className="jp-Prism-packageMatches" aria-label={trans.__('Matching packages')}>
          {matches.map(name => (
            <li key={name}>
              <button
                type="button"
                className="jp-Prism-packageMatch"
                onClick={() => add(name)}
              >
                {name}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
