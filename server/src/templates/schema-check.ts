/**
 * Checks a template file against templates/schema.json and turns each schema
 * error into a diagnostic at the offending key, with a hint that says the fix.
 */
import fs from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { closestWord } from './did-you-mean';
import type { TemplateDiagnostic } from './diagnostic';
import { diagnosticAt, type KeyPath, type TemplateFile } from './template-file';

/** The same depth under the package root from src/ and from dist/. */
export const SCHEMA_PATH = path.resolve(__dirname, '..', '..', '..', 'templates', 'schema.json');

type SchemaNode = { properties?: Record<string, unknown>; enum?: unknown[]; 'x-hint'?: string; type?: string };

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, allowUnionTypes: true });
    ajv.addVocabulary(['x-hint']);
    validator = ajv.compile(JSON.parse(fs.readFileSync(SCHEMA_PATH, 'utf8')));
  }
  return validator;
}

export function checkSchema(file: TemplateFile): TemplateDiagnostic[] {
  const validate = schemaValidator();
  if (file.data === undefined || validate(file.data)) return [];
  return (validate.errors ?? [])
    .filter(error => error.keyword !== 'propertyNames')
    .map(error => toDiagnostic(file, error));
}

function toDiagnostic(file: TemplateFile, error: ErrorObject): TemplateDiagnostic {
  const at = pathOf(error);
  const key = String(at[at.length - 1] ?? 'template');
  const schema = (error.parentSchema ?? {}) as SchemaNode;
  const schemaHint = schema['x-hint'];
  switch (error.keyword) {
    case 'additionalProperties': {
      const unknown = String(error.params.additionalProperty);
      const allowed = Object.keys(schema.properties ?? {});
      const guess = closestWord(unknown, allowed);
      return diagnosticAt(
        file,
        [...at, unknown],
        `Unknown key "${unknown}"${at.length ? ` under "${at.join('.')}"` : ''}.`,
        guess ? `Did you mean "${guess}"?` : `Remove it; the keys allowed here are: ${allowed.join(', ')}.`
      );
    }
    case 'required': {
      const missing = String(error.params.missingProperty);
      return diagnosticAt(
        file,
        at,
        `"${missing}" is missing${at.length ? ` under "${at.join('.')}"` : ''}.`,
        `Add \`${missing}:\` here.`
      );
    }
    case 'type':
      return diagnosticAt(
        file,
        at,
        `"${key}" should be ${article(String(error.params.type))}, not ${describeValue(error.data)}.`,
        schemaHint ?? `Write "${key}" as ${article(String(error.params.type))}.`
      );
    case 'enum': {
      const allowed = (error.params.allowedValues as unknown[]).map(String);
      const guess = closestWord(String(error.data), allowed);
      return diagnosticAt(
        file,
        at,
        `"${String(error.data)}" is not one of ${allowed.join(', ')}.`,
        guess ? `Did you mean "${guess}"?` : schemaHint ?? `Use one of ${allowed.join(', ')}.`
      );
    }
    default:
      return diagnosticAt(
        file,
        at,
        `"${key}" ${error.message ?? 'is not valid'}${error.keyword === 'pattern' ? `: ${JSON.stringify(error.data)}` : ''}.`,
        schemaHint ?? 'See templates/schema.json for what this key takes.'
      );
  }
}

function pathOf(error: ErrorObject): KeyPath {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map(part => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map(part => (/^\d+$/.test(part) ? Number(part) : part));
  // A bad size name is reported from inside propertyNames: point at that key.
  const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
  return propertyName === undefined ? segments : [...segments, propertyName];
}

function article(type: string): string {
  return `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type === 'array' ? 'list' : type === 'object' ? 'mapping' : type}`;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'empty';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value === 'string' ? 'the text' : `the ${typeof value}`} ${JSON.stringify(value)}`;
}
