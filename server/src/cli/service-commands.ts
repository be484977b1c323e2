/**
 * The commands that ask a running service: list, show, and a diff between
 * two versions the service keeps.
 */
import type { TemplateDiff, TemplateSummary } from '../contract/api';
import type { Template } from '../domain/template';
import { resolvedTemplateYaml } from '../templates/template-yaml';
import { usageError } from './cli-error';
import { printJson, table, usdPerHour, type Output } from './output';
import type { ServiceClient } from './service-client';

export async function listTemplates(client: ServiceClient, out: Output): Promise<void> {
  const templates = await client.get<TemplateSummary[]>('/templates');
  if (out.json) return printJson(out, templates);
  const price = (t: TemplateSummary, arch: 'arm64' | 'x86_64'): string =>
    usdPerHour(t.sizes[arch].find(s => s.name === t.defaultSize)?.pricePerHour);
  out.print(
    table(
      ['name', 'version', 'arches', 'default size', 'arm64 $/h', 'x86_64 $/h'],
      templates.map(t => [t.name, t.version, t.arches.join(', '), t.defaultSize, price(t, 'arm64'), price(t, 'x86_64')])
    )
  );
}

type ResolvedTemplate = Omit<Template, 'source'> & { summary?: TemplateSummary };

export async function showTemplate(client: ServiceClient, name: string, version: string | undefined, out: Output): Promise<void> {
  const template = await fetchTemplate(client, name, version);
  if (out.json) return printJson(out, template);
  const { summary: _summary, ...resolved } = template;
  out.print(resolvedTemplateYaml(resolved));
}

/** `NAME@V1 NAME@V2`: the service's diff of two kept versions. */
export async function diffVersions(client: ServiceClient, a: string, b: string, out: Output): Promise<void> {
  const [from, to] = [splitVersionRef(a), splitVersionRef(b)];
  if (from.name !== to.name) {
    throw usageError(`${a} and ${b} are versions of two templates.`, 'Compare two versions of one template (NAME@1.0.0 NAME@1.1.0), or two files.');
  }
  const query = new URLSearchParams({ from: from.version, to: to.version });
  const diff = await client.get<TemplateDiff>(`/templates/${encodeURIComponent(from.name)}/diff?${query}`);
  if (out.json) return printJson(out, diff);
  out.print(diff.diff || `${a} and ${b} resolve to the same template.`);
}

function fetchTemplate(client: ServiceClient, name: string, version?: string): Promise<ResolvedTemplate> {
  const query = version ? `?${new URLSearchParams({ version })}` : '';
  return client.get<ResolvedTemplate>(`/templates/${encodeURIComponent(name)}${query}`);
}

function splitVersionRef(ref: string): { name: string; version: string } {
  const at = ref.lastIndexOf('@');
  if (at <= 0 || at === ref.length - 1) {
    throw usageError(`"${ref}" is neither a file nor NAME@VERSION.`, 'Give two template files, or two versions as NAME@1.0.0 NAME@1.1.0.');
  }
  return { name: ref.slice(0, at), version: ref.slice(at + 1) };
}
