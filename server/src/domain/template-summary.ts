/**
 * Templates as the launcher shows them: each arch's sizes with the price per hour.
 */
import type { SizeChoice, TemplateSummary } from '../contract/api';
import type { Arch } from '../contract/events';
import { shippedPriceBook, type PriceBook } from './price-book';
import { instanceTypeFacts } from './price-table';
import type { Template } from './template';

/** `prices` defaults to the shipped table for `region`. */
export function summarizeTemplate(template: Template, region: string, prices: PriceBook = shippedPriceBook(region)): TemplateSummary {
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
              pricePerHour: prices.pricePerHour(instanceType)
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
