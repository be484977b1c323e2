/** `prism projects list|create|add-member|idle` and `prism budget PROJECT`, over the REST API. */
import type { BudgetStatus, Project, ProjectDetail, ProjectIdle, ProjectIdleSetting, ProjectRole } from '../contract/projects';
import { CliError, usageError } from './cli-error';
import { printJson, table, type Output } from './output';
import type { ServiceClient } from './service-client';

export async function listProjects(client: ServiceClient, out: Output): Promise<void> {
  const projects = await client.get<Project[]>('/projects');
  if (out.json) return printJson(out, projects);
  if (!projects.length) return out.print('You are in no project yet; make one with `prism projects create NAME`.');
  out.print(table(['id', 'name', 'your role', 'description'], projects.map(p => [p.id, p.name, p.role, p.description])));
}

export async function createProject(client: ServiceClient, name: string, description: string | undefined, out: Output): Promise<void> {
  const project = await client.request<ProjectDetail>('POST', '/projects', { name, ...(description === undefined ? {} : { description }) });
  if (out.json) return printJson(out, project);
  out.print(`Project ${project.id} created; you are its admin. Add people with \`prism projects add-member ${project.id} USER\`.`);
}

export async function addMember(client: ServiceClient, project: string, user: string, role: string, out: Output): Promise<void> {
  if (role !== 'viewer' && role !== 'member' && role !== 'admin') {
    throw usageError(`--role ${role} is not a project role.`, 'Use --role viewer, member or admin.');
  }
  const detail = await client.request<ProjectDetail>('PUT', `/projects/${encodeURIComponent(project)}/members/${encodeURIComponent(user)}`, { role: role as ProjectRole });
  if (out.json) return printJson(out, detail);
  out.print(table(['user', 'role'], detail.members.map(m => [m.user, m.role])));
}

/** Shows the budget; `set` and `hardStop` change it (a hard stop alone keeps the amount). */
export async function budget(client: ServiceClient, project: string, change: { set?: string; hardStop?: boolean }, out: Output): Promise<void> {
  const route = `/projects/${encodeURIComponent(project)}/budget`;
  let status: BudgetStatus;
  if (change.set === undefined && change.hardStop === undefined) {
    status = await client.get<BudgetStatus>(route);
  } else {
    const current = change.set === undefined || change.hardStop === undefined ? await currentBudget(client, route) : undefined;
    const monthlyUsd = change.set === undefined ? current?.monthlyUsd : dollars(change.set);
    if (monthlyUsd === undefined) {
      throw usageError(`Project '${project}' has no budget yet.`, `Give the amount the first time: prism budget ${project} --set 500 --hard-stop`);
    }
    status = await client.request<BudgetStatus>('PUT', route, {
      monthlyUsd,
      hardStop: change.hardStop ?? current?.hardStop ?? false,
      ...(current ? { graceMinutes: current.graceMinutes } : {})
    });
  }
  if (out.json) return printJson(out, status);
  const usd = (n: number): string => `$${n.toFixed(2)}`;
  out.print(`${status.project}: ${usd(status.spend)} of ${usd(status.monthlyUsd)} this month (${status.percent} %), projected ${usd(status.projectedMonthEnd)} by ${status.period.end.slice(0, 10)}`);
  out.print(
    status.hardStop
      ? `hard stop: on — at 100 % new launches are refused and running workstations hibernate ${status.graceMinutes} min after the warning`
      : 'hard stop: off — thresholds notify only'
  );
  out.print(`thresholds reached: ${status.thresholdsReached.length ? status.thresholdsReached.map(t => `${t} %`).join(', ') : 'none'}`);
  if (status.hibernateAt) out.print(`hibernating running workstations at ${status.hibernateAt}`);
}

/** Shows the project's idle override; `after` and `action` change it (keeping the rest), `off` turns idle stops off. */
export async function projectIdle(client: ServiceClient, project: string, change: { after?: string; action?: string; off: boolean }, out: Output): Promise<void> {
  const route = `/projects/${encodeURIComponent(project)}/idle`;
  let idle: ProjectIdle;
  if (change.off) {
    if (change.after !== undefined || change.action !== undefined) {
      throw usageError('--off was given with --after or --action.', `Give --off alone, or the rule: prism projects idle ${project} --after 30 --action hibernate`);
    }
    idle = await client.request<ProjectIdle>('PUT', route, { disabled: true });
  } else if (change.after === undefined && change.action === undefined) {
    idle = await client.get<ProjectIdle>(route);
  } else {
    const current = (await client.get<ProjectIdle>(route)).override;
    // Turned off before: the new rule starts from the templates' rules, not from "never".
    const kept = current === null || 'disabled' in current ? {} : current;
    idle = await client.request<ProjectIdle>('PUT', route, {
      ...kept,
      ...(change.after === undefined ? {} : { afterMinutes: minutes(change.after) }),
      ...(change.action === undefined ? {} : { action: idleAction(change.action) })
    });
  }
  if (out.json) return printJson(out, idle);
  out.print(`${idle.project}: ${describeIdle(idle.override)}${idle.setBy ? ` (set by ${idle.setBy} at ${idle.setAt})` : ''}`);
}

function describeIdle(override: ProjectIdleSetting | null): string {
  if (override === null) return "no override: each template's idle rule applies";
  if ('disabled' in override) return 'idle stops are off for the project';
  const parts = [
    override.afterMinutes === undefined ? undefined : `after ${override.afterMinutes} min`,
    override.warnMinutes === undefined ? undefined : `warn ${override.warnMinutes} min before`,
    override.action,
    override.cpuPercentBelow === undefined ? undefined : `CPU below ${override.cpuPercentBelow} %`
  ].filter(p => p !== undefined);
  return parts.length ? `${parts.join(', ')}; the rest from each template` : "no override: each template's idle rule applies";
}

function minutes(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw usageError(`--after ${text} is not a number of minutes.`, 'For example: --after 30');
  return value;
}

function idleAction(action: string): 'stop' | 'hibernate' {
  if (action === 'stop' || action === 'hibernate') return action;
  throw usageError(`--action ${action} is not an idle action.`, 'Use --action stop or --action hibernate.');
}

async function currentBudget(client: ServiceClient, route: string): Promise<BudgetStatus | undefined> {
  try {
    return await client.get<BudgetStatus>(route);
  } catch (error) {
    if (error instanceof CliError && error.code === 'BUDGET_NOT_FOUND') return undefined;
    throw error;
  }
}

function dollars(text: string): number {
  const amount = Number(text.replace(/^\$/, ''));
  if (!Number.isFinite(amount) || amount < 0.01) throw usageError(`--set ${text} is not an amount of dollars.`, 'For example: --set 500');
  return amount;
}
