/**
 * `prism templates test`: launches each template on each arch through the
 * service, follows the launch to ready, checks that Jupyter answers, and
 * terminates it. Against the emulator this is the whole boot path, quickly.
 */
import crypto from 'node:crypto';
import type { Connection, TemplateSummary, Workstation } from '../contract/api';
import type { Arch } from '../contract/events';
import { CliError } from './cli-error';
import { printJson, table, type Output } from './output';
import type { ServiceClient } from './service-client';

const POLL_MS = 1000;

export interface TemplateTestResult {
  template: string;
  arch: Arch;
  result: 'ready' | 'failed' | 'skipped';
  seconds: number;
  detail: string;
}

export async function testTemplates(
  client: ServiceClient,
  names: string[],
  arch: Arch | undefined,
  timeoutSeconds: number,
  out: Output
): Promise<boolean> {
  const all = await client.get<TemplateSummary[]>('/templates');
  const unknown = names.filter(name => !all.some(t => t.name === name));
  if (unknown.length > 0) {
    throw new CliError('No such template', `The service offers no template ${unknown.join(', ')}.`, `Choose from: ${all.map(t => t.name).join(', ')}.`, 'TEMPLATE_NOT_FOUND');
  }
  const chosen = names.length > 0 ? all.filter(t => names.includes(t.name)) : all;
  const results: TemplateTestResult[] = [];
  // One launch at a time: the emulator boots each on this machine.
  for (const template of chosen) {
    for (const a of arch ? [arch] : template.arches) {
      results.push(
        template.arches.includes(a)
          ? await testOne(client, template.name, a, timeoutSeconds, out)
          : { template: template.name, arch: a, result: 'skipped', seconds: 0, detail: `${template.name} does not offer ${a}` }
      );
    }
  }
  if (out.json) printJson(out, results);
  else out.print(table(['template', 'arch', 'result', 'seconds', 'detail'], results.map(r => [r.template, r.arch, r.result, String(r.seconds), r.detail])));
  return results.every(r => r.result !== 'failed');
}

async function testOne(client: ServiceClient, template: string, arch: Arch, timeoutSeconds: number, out: Output): Promise<TemplateTestResult> {
  const started = Date.now();
  const seconds = (): number => Math.round((Date.now() - started) / 1000);
  const name = `test-${template}-${arch.replace('_', '')}-${crypto.randomBytes(2).toString('hex')}`.slice(0, 63);
  const { id } = await client.request<{ id: string }>('POST', '/instances', { name, template, arch });
  out.note(`${template} on ${arch}: launching ${id}`);
  try {
    const outcome = await followToReady(client, id, started + timeoutSeconds * 1000, phase => out.note(`${template} on ${arch}: ${phase}`));
    if (outcome.phase !== 'ready') return { template, arch, result: 'failed', seconds: seconds(), detail: outcome.detail };
    const health = await jupyterAnswers(client, id);
    return { template, arch, result: health.ok ? 'ready' : 'failed', seconds: seconds(), detail: health.detail };
  } finally {
    // A failed launch terminated its instance already; terminating again changes nothing.
    await client.request('DELETE', `/instances/${id}`).catch(() => undefined);
  }
}

async function followToReady(
  client: ServiceClient,
  id: string,
  deadline: number,
  onPhase: (phase: string) => void
): Promise<{ phase: string; detail: string }> {
  let last = '';
  for (;;) {
    const ws = await client.get<Workstation>(`/instances/${id}`);
    if (ws.phase !== last) onPhase((last = ws.phase));
    if (ws.phase === 'ready') return { phase: 'ready', detail: '' };
    if (ws.phase === 'failed' || ws.state === 'failed' || ws.state === 'terminated') {
      return { phase: 'failed', detail: ws.error ? `${ws.error.title}: ${ws.error.detail} (${ws.error.hint})` : `ended ${ws.state}` };
    }
    if (Date.now() > deadline) return { phase: 'failed', detail: `not ready in time, still in ${ws.phase}` };
    await new Promise(resolve => setTimeout(resolve, POLL_MS));
  }
}

/** The service checked health from where it runs; check Jupyter from here too, as the researcher will use it. */
async function jupyterAnswers(client: ServiceClient, id: string): Promise<{ ok: boolean; detail: string }> {
  const { jupyterUrl } = await client.get<Connection>(`/instances/${id}/connection`);
  if (!jupyterUrl) return { ok: false, detail: 'ready, but the service gave no Jupyter URL' };
  const api = `${new URL(jupyterUrl).origin}/api`;
  try {
    const res = await fetch(api, { signal: AbortSignal.timeout(10_000) });
    return res.ok ? { ok: true, detail: `Jupyter answered at ${api}` } : { ok: false, detail: `Jupyter at ${api} answered ${res.status}` };
  } catch (error) {
    return { ok: false, detail: `Jupyter at ${api} did not answer: ${(error as Error).message}` };
  }
}
