/**
 * A template's `parameters:` beyond what the schema checks: an enum lists its
 * values, a default is one a researcher could have chosen, and every
 * `${name}` in a package names a declared parameter.
 */
import type { TemplateParameter } from '../domain/template';
import { parameterProblem, parameterReferences } from '../domain/template-parameters';
import type { TemplateDiagnostic } from './diagnostic';
import type { KeyPath } from './template-file';

type Data = Record<string, unknown>;
type At = (path: KeyPath, message: string, hint: string) => TemplateDiagnostic;

export function templateParameters(data: Data): TemplateParameter[] {
  return Object.entries((data.parameters ?? {}) as Record<string, Omit<TemplateParameter, 'name'>>).map(([name, parameter]) => ({
    name,
    type: parameter.type,
    default: parameter.default,
    description: parameter.description ?? '',
    ...(parameter.enum ? { enum: parameter.enum } : {})
  }));
}

export function checkParameters(data: Data, at: At): TemplateDiagnostic[] {
  const diagnostics: TemplateDiagnostic[] = [];
  for (const parameter of templateParameters(data)) {
    const path = ['parameters', parameter.name];
    if (parameter.type === 'enum' && !parameter.enum) {
      diagnostics.push(at(path, `Parameter "${parameter.name}" is an enum without values.`, 'Add `enum: [...]` with the values a researcher may choose.'));
      continue;
    }
    if (parameter.type !== 'enum' && parameter.enum) {
      diagnostics.push(at([...path, 'enum'], `Parameter "${parameter.name}" lists values but is of type ${parameter.type}.`, 'Make it `type: enum`, or remove `enum:`.'));
      continue;
    }
    (parameter.enum ?? []).forEach((value, index) => {
      if (typeof value === 'string' && parameterProblem({ ...parameter, type: 'string' }, value)) {
        diagnostics.push(at([...path, 'enum', index], `The value ${JSON.stringify(value)} of "${parameter.name}" cannot go into a package name or a command safely.`, 'Use letters, digits and . _ + : / @ = - only.'));
      }
    });
    const problem = parameterProblem(parameter, parameter.default);
    if (problem) {
      diagnostics.push(at([...path, 'default'], `The default of "${parameter.name}" ${problem}.`, 'Give a default a researcher could have chosen.'));
    }
  }
  return diagnostics;
}

/** A `${name}` in a package spec that no parameter declares, or null. */
export function undeclaredReference(spec: string, declared: ReadonlySet<string>): string | null {
  return parameterReferences(spec).find(name => !declared.has(name)) ?? null;
}
