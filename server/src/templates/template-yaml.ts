/**
 * A resolved template written back as YAML: what `prism templates show`
 * prints and what a diff between two versions compares.
 */
import { stringify } from 'yaml';
import type { Template } from '../domain/template';

export function resolvedTemplateYaml(template: Omit<Template, 'source'> & { source?: unknown }): string {
  // Where the file lay is not part of the template: two versions from different files must compare equal.
  const { source: _source, ...resolved } = template;
  return stringify(resolved, { lineWidth: 0 });
}
