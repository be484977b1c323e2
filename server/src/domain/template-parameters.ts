/**
 * Launch parameters: the choices a template offers a researcher (e.g. the
 * Python version), checked at launch and written into the template's package
 * specs and setup commands as `${name}` before the bootstrap is generated.
 *
 * Values end up inside shell words, so text values are held to a small safe
 * alphabet; enum values are the author's own, checked with the template.
 */
import type { Arch } from '../contract/events';
import { PrismError } from './errors';
import type { ParameterValue, Template, TemplatePackages, TemplateParameter } from './template';

export type ParameterValues = Record<string, ParameterValue>;

const SAFE_TEXT = /^[A-Za-z0-9._+:/@=-]{0,100}$/;
const REFERENCE = /\$\{([a-zA-Z][a-zA-Z0-9_]*)\}/g;

/** Why `value` does not fit `parameter`, or null when it does. */
export function parameterProblem(parameter: TemplateParameter, value: unknown): string | null {
  switch (parameter.type) {
    case 'integer':
      return Number.isInteger(value) ? null : `takes a whole number, not ${JSON.stringify(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `takes true or false, not ${JSON.stringify(value)}`;
    case 'enum': {
      const options = parameter.enum ?? [];
      return options.some(option => String(option) === String(value))
        ? null
        : `takes one of ${options.map(String).join(', ')}, not ${JSON.stringify(value)}`;
    }
    case 'string':
      return typeof value === 'string' && SAFE_TEXT.test(value)
        ? null
        : `takes up to 100 letters, digits and . _ + : / @ = -, not ${JSON.stringify(value)}`;
  }
}

/** Every declared parameter's value for this launch: the given one, else the default. */
export function resolveParameterValues(template: Template, given: ParameterValues = {}): ParameterValues {
  const declared = template.parameters ?? [];
  for (const name of Object.keys(given)) {
    if (!declared.some(parameter => parameter.name === name)) {
      throw parameterInvalid(
        `Template '${template.name}' has no parameter '${name}'.`,
        declared.length
          ? `Its parameters are: ${declared.map(parameter => parameter.name).join(', ')}.`
          : 'This template takes no parameters; leave them out.'
      );
    }
  }
  const values: ParameterValues = {};
  for (const parameter of declared) {
    const value = parameter.name in given ? given[parameter.name] : parameter.default;
    const problem = parameterProblem(parameter, value);
    if (problem) {
      throw parameterInvalid(`Parameter '${parameter.name}' of '${template.name}' ${problem}.`, hintFor(parameter));
    }
    // An enum keeps the author's spelling of the value (3.12 given as a number is "3.12").
    values[parameter.name] = parameter.type === 'enum' ? (parameter.enum ?? []).find(o => String(o) === String(value)) ?? value : value;
  }
  return values;
}

/** The template with `${name}` replaced in its packages and setup commands. */
export function applyParameters(template: Template, values: ParameterValues): Template {
  const fill = (text: string): string =>
    text.replace(REFERENCE, (whole, name: string) => (name in values ? String(values[name]) : whole));
  const fillPackages = (packages: Partial<TemplatePackages>): Partial<TemplatePackages> =>
    Object.fromEntries(Object.entries(packages).map(([manager, specs]) => [manager, (specs ?? []).map(fill)]));
  const perArch = <T>(record: Partial<Record<Arch, T>> | undefined, map: (value: T) => T): Partial<Record<Arch, T>> =>
    Object.fromEntries(Object.entries(record ?? {}).map(([arch, value]) => [arch, map(value as T)]));
  return {
    ...template,
    packages: fillPackages(template.packages) as TemplatePackages,
    archPackages: perArch(template.archPackages, fillPackages),
    setup: (template.setup ?? []).map(fill),
    archSetup: perArch(template.archSetup, (commands: string[]) => commands.map(fill))
  };
}

/** The `${name}` references in a text, for checking them against the declared parameters. */
export function parameterReferences(text: string): string[] {
  return [...text.matchAll(REFERENCE)].map(match => match[1]);
}

function hintFor(parameter: TemplateParameter): string {
  switch (parameter.type) {
    case 'enum':
      return `Choose one of: ${(parameter.enum ?? []).map(String).join(', ')} (default ${String(parameter.default)}).`;
    case 'integer':
      return `Give a whole number, e.g. ${String(parameter.default)}.`;
    case 'boolean':
      return 'Give true or false (JSON booleans, not text).';
    case 'string':
      return `Give plain text without spaces, e.g. ${JSON.stringify(parameter.default)}.`;
  }
}

function parameterInvalid(detail: string, hint: string): PrismError {
  return new PrismError('PARAMETER_INVALID', 400, 'Invalid launch parameter', detail, hint);
}
