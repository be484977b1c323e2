import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { IPlacedDiagnostic } from './builder-model';

/**
 * The YAML the form stands for, line by line, with each diagnostic marked
 * in the gutter of its line (message and hint on hover and below the line).
 */
export function YamlPreview(props: {
  yaml: string;
  diagnostics: ReadonlyArray<IPlacedDiagnostic>;
  trans: TranslationBundle;
}): JSX.Element {
  const { yaml, diagnostics, trans } = props;
  const lines = yaml.replace(/\n$/, '').split('\n');
  return (
    <div
      className="jp-Prism-yamlPreview"
      role="region"
      aria-label={trans.__('YAML preview')}
    >
      {lines.map((text, index) => {
        const line = index + 1;
        const here = diagnostics.filter(d => d.line === line);
        const explained = here.map(d => `${d.message} — ${d.hint}`).join('\n');
        return (
          <div
            key={index}
            className={`jp-Prism-yamlLine${here.length ? ' jp-mod-invalid' : ''}`}
            data-line={line}
          >
            <span className="jp-Prism-yamlGutter" title={explained || undefined}>
              <span className="jp-Prism-yamlLineNumber">{line}</span>
              {here.length > 0 && (
                <span
                  className="jp-Prism-yamlMarker"
                  role="img"
                  aria-label={trans.__('Problem: %1', explained)}
                >
                  ●
                </span>
              )}
            </span>
            <code className="jp-Prism-yamlText">{text}</code>
            {here.map((d, i) => (
              <div key={i} className="jp-Prism-yamlProblem">
                {d.message} <em>{d.hint}</em>
              </div>
            ))}
          </div>
        );
      })}
    </div>
  );
}
