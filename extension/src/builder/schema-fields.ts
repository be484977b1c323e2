/**
 * The builder's fields as `templates/schema.json` describes them: labels,
 * descriptions, hints and the allowed arches and package kinds all come from
 * the one schema the service validates with.
 */
import schema from '../../../templates/schema.json';
import type { Arch } from '../../../server/src/contract/events';

/** What the builder shows beside one field. */
export interface IFieldText {
  /** The schema's `title`. */
  readonly label: string;
  /** The schema's `description`, if any. */
  readonly description: string;
  /** The schema's `x-hint`, if any: how a good value looks. */
  readonly hint: string;
}

interface ISchemaNode {
  title?: string;
  description?: string;
  'x-hint'?: string;
}

function textOf(node: ISchemaNode, fallback: string): IFieldText {
  return {
    label: node.title ?? fallback,
    description: node.description ?? '',
    hint: node['x-hint'] ?? ''
  };
}

const top = schema.properties;
const defs = schema.definitions;

/** The template's own fields, in the order the builder shows them. */
export const FIELDS = {
  inherits: textOf(top.inherits, 'inherits'),
  name: textOf(top.name, 'name'),
  title: textOf(top.title, 'title'),
  description: textOf(top.description, 'description'),
  version: textOf(top.version, 'version'),
  packages: textOf(defs.packages, 'packages'),
  archPackages: textOf(top.archPackages, 'archPackages'),
  services: textOf(top.services, 'services'),
  sizes: textOf(top.sizes, 'sizes'),
  defaultSize: textOf(top.defaultSize, 'defaultSize'),
  instanceType: textOf(defs.instanceType, 'instanceType')
} as const;

/** The arches a template may offer (`definitions.arch.enum`). */
export const ARCHES = defs.arch.enum as Arch[];

/** The package managers, keyed as in `definitions.packages`. */
export type PackageKind = keyof typeof defs.packages.properties;

/** Each package manager with its label and description. */
export const PACKAGE_KINDS = Object.entries(defs.packages.properties).map(
  ([kind, node]) => ({ kind: kind as PackageKind, ...textOf(node, kind) })
);

/** A service's fields (`definitions.service`). */
export type ServiceField = keyof typeof defs.service.properties;

/** Each service field with its label, description and hint. */
export const SERVICE_FIELDS = Object.entries(defs.service.properties).map(
  ([field, node]) => ({ field: field as ServiceField, ...textOf(node, field) })
);
