import type { TranslationBundle } from '@jupyterlab/translation';
import * as React from 'react';

import type { Arch } from '../../../server/src/contract/events';
import type { TemplateSummary } from '../tokens';
import { formatPrice } from './format';

const ARCHES: Arch[] = ['arm64', 'x86_64'];

/**
 * One template: what it is, where it runs, and what `size` costs on each
 * arch, side by side, so the difference between arches is plain.
 */
export function TemplateCard(props: {
  template: TemplateSummary;
  size: string;
  selected: boolean;
  onSelect: () => void;
  trans: TranslationBundle;
}): JSX.Element {
  const { template, size, selected, onSelect, trans } = props;
  return (
    <div
      role="radio"
      tabIndex={0}
      className={`jp-Prism-templateCard${selected ? ' jp-mod-selected' : ''}`}
      data-template={template.name}
      aria-checked={selected}
      aria-label={template.title || template.name}
      onClick={onSelect}
      onKeyDown={event => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onSelect();
        }
      }}
    >
      <div className="jp-Prism-templateTitle">
        {template.title || template.name}
        <span className="jp-Prism-templateVersion">{template.version}</span>
        {template.project && (
          <span
            className="jp-Prism-templateProject"
            title={trans.__('Only project %1 sees this template', template.project)}
          >
            {trans.__('Project: %1', template.project)}
          </span>
        )}
      </div>
      <div className="jp-Prism-templateDescription">{template.description}</div>
      <div className="jp-Prism-templateArches">
        {template.arches.map(arch => (
          <span key={arch} className="jp-Prism-archBadge" data-arch={arch}>
            {arch}
          </span>
        ))}
      </div>
      <table className="jp-Prism-priceTable">
        <thead>
          <tr>
            {ARCHES.map(arch => (
              <th key={arch}>{arch}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {ARCHES.map(arch => {
              const choice = template.sizes[arch]?.find(s => s.name === size);
              return (
                <td key={arch} data-arch={arch} className="jp-Prism-price">
                  {template.arches.includes(arch) && choice
                    ? `${formatPrice(choice.pricePerHour, trans)} · ${choice.instanceType}`
                    : trans.__('not offered')}
                </td>
              );
            })}
          </tr>
        </tbody>
      </table>
    </div>
  );
}
