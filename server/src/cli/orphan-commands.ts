/**
 * `prism orphans list|adopt|terminate` (Prism admins): instances Prism
 * launched but has no record of, through GET /orphans and its two actions.
 */
import type { Orphan, Workstation } from '../contract/api';
import { CliError } from './cli-error';
import { printJson, table, usdPerHour, type Output } from './output';
import type { ServiceClient } from './service-client';
import { confirm } from './workstation-commands';

export async function listOrphans(client: ServiceClient, out: Output): Promise<void> {
  const orphans = await client.get<Orphan[]>('/orphans');
  if (out.json) return printJson(out, orphans);
  if (!orphans.length) return out.print('No orphans: every instance Prism launched has its record.');
  out.print(
    table(
      ['instance', 'launch id', 'name', 'owner', 'project', 'template', 'state', 'type', 'launched'],
      orphans.map(o => [
        o.instanceId,
        o.launchId,
        o.name ?? '—',
        o.owner ?? '—',
        o.project ?? '—',
        o.template ? `${o.template}@${o.templateVersion ?? '?'}` : '—',
        o.state,
        o.instanceType,
        o.launchTime ?? '—'
      ])
    )
  );
}

export async function adoptOrphan(client: ServiceClient, instanceId: string, out: Output): Promise<void> {
  const ws = await client.request<Workstation>('POST', `/orphans/${encodeURIComponent(instanceId)}/adopt`);
  if (out.json) return printJson(out, ws);
  out.print(`${instanceId} adopted as ${ws.name} (${ws.id}), ${ws.owner}'s: ${ws.state}, ${ws.instanceType}, ${usdPerHour(ws.pricePerHour)}/h`);
}

export async function terminateOrphan(client: ServiceClient, instanceId: string, confirmed: boolean, out: Output): Promise<void> {
  // Asked by its instance id, which the admin just read in `prism orphans list`: no second request to describe it.
  if (!confirmed && !(await confirm(`Terminate orphan ${instanceId}? Its disk is deleted. [y/N] `))) {
    throw new CliError('Not terminated', `${instanceId} was left as it is.`, 'Answer y to terminate, or pass --yes.', 'CANCELLED');
  }
  const result = await client.request<{ instanceId: string; launchId: string; state: 'terminated' }>('DELETE', `/orphans/${encodeURIComponent(instanceId)}`);
  if (out.json) return printJson(out, result);
  out.print(`${result.instanceId} (${result.launchId}): terminated`);
}
