/**
 * Templates as the launcher shows them: each arch's sizes with the price per hour.
 */
import type { SizeChoice, TemplateSummary } from '../contract/api';
import type { Arch } from '../contract/events';
import { instanceTypeFacts, pricePerHour } from './price-table';
import type { Template } from './template';

export function summarizeTemplate(template: Template, region: string): TemplateSummary {
  const sizesFor = (arch: Arch): SizeChoice[] =>
    template.arches.includes(arch)
      ? Object.entries(template.sizes).flatMap(([name, types]) => {
          const instanceType = types[arch];
          if (!instanceType) {
            return [];
          }
          const facts = instanceTypeFacts(instanceType);
          return [
            {
              name,
              instanceType,
              vcpus: facts?.vcpus ?? 0,
              memoryGiB: facts?.memoryGiB ?? 0,
              pricePerHour: pricePerHour(instanceType, region)
            }
          ];
        })
      : [];
  return {
    name: template.name,
    title: template.title,
    description: template.description,
    version: template.version,
    arches: template.arches,
    defaultSize: template.defaultSize,
    sizes: { arm64: sizesFor('arm64'), x86_64: sizesFor('x86_64') },
    services: template.services.map(s => s.name),
    parameters: (template.parameters ?? []).map(parameter => ({ ...parameter })),
    ...(template.project === undefined ? {} : { project: template.project })
  };
}
