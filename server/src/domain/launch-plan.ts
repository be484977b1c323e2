/**
 * Turning a researcher's launch request into a plan, or a refusal with a hint,
 * before anything is recorded or any cloud call is made.
 */
import type { LaunchRequest } from '../contract/api';
import type { Arch } from '../contract/events';
import { PrismError } from './errors';
import type { TemplateCatalog, WorkstationRecord } from './ports';
import type { Template } from './template';
import { resolveParameterValues, type ParameterValues } from './template-parameters';

export interface LaunchPlan {
  template: Template;
  arch: Arch;
  size: string;
  instanceType: string;
  /** Every template parameter's value, defaults filled in. */
  parameters: ParameterValues;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function planLaunch(catalog: TemplateCatalog, request: LaunchRequest, owned: WorkstationRecord[]): LaunchPlan {
  if (!NAME.test(request.name)) {
    throw new PrismError(
      'NAME_INVALID',
      400,
      'Invalid workstation name',
      `'${request.name}' is not a valid workstation name.`,
      'Use 1 to 63 lower-case letters, digits and dashes, starting with a letter or digit (for example "thesis-analysis").'
    );
  }
  if (owned.some(w => w.name === request.name && w.state !== 'terminated' && w.state !== 'failed')) {
    throw new PrismError(
      'NAME_TAKEN',
      409,
      'Name already in use',
      `You already have a workstation named '${request.name}'.`,
      'Pick another name, or terminate the existing workstation first.'
    );
  }
  const template = catalog.get(request.template, request.version);
  if (!template) {
    const known = catalog.list().map(t => t.name);
    throw new PrismError(
      'TEMPLATE_NOT_FOUND',
      404,
      'No such template',
      request.version
        ? `There is no template '${request.template}' at version ${request.version}.`
        : `There is no template '${request.template}'.`,
      known.length ? `Choose one of: ${known.join(', ')}.` : 'No templates are loaded; check PRISM_TEMPLATES_DIR.'
    );
  }
  if (!template.arches.includes(request.arch)) {
    throw new PrismError(
      'ARCH_NOT_SUPPORTED',
      400,
      'Architecture not offered by this template',
      `Template '${template.name}' does not offer ${request.arch}.`,
      `Choose ${template.arches.join(' or ')}.`
    );
  }
  const size = request.size ?? template.defaultSize;
  const sized = template.sizes[size];
  if (!sized) {
    throw new PrismError(
      'SIZE_UNKNOWN',
      400,
      'No such size',
      `Template '${template.name}' has no size '${size}'.`,
      `Choose one of: ${Object.keys(template.sizes).join(', ')}.`
    );
  }
  const instanceType = request.instanceType ?? sized[request.arch];
  if (!instanceType) {
    throw new PrismError(
      'SIZE_NOT_FOR_ARCH',
      400,
      'Size not offered on this architecture',
      `Size '${size}' of '${template.name}' has no ${request.arch} instance type.`,
      `Choose a size offered on ${request.arch}: ${Object.entries(template.sizes)
        .filter(([, types]) => types[request.arch])
        .map(([name]) => name)
        .join(', ')}.`
    );
  }
  const parameters = resolveParameterValues(template, request.parameters);
  return { template, arch: request.arch, size, instanceType, parameters };
}
