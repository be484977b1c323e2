/**
 * What a researcher can do with their workstations: launch, list, look at,
 * connect to, stop, start, terminate. Every call is on behalf of a user;
 * another owner's workstation does not exist for them unless it is in a
 * project they are in: viewers see it, members also stop, start and terminate it.
 */
import crypto from 'node:crypto';
import type { Connection, CostReport, LaunchRequest, Workstation } from '../contract/api';
import type { WorkstationEvent } from '../contract/events';
import type { ProjectRole } from '../contract/projects';
import { notFound, PrismError } from './errors';
import { costReport } from './costs';
import { cannotHibernate } from './hibernation';
import { planLaunch } from './launch-plan';
import { catalogFor } from './template-visibility';
import type { LaunchRunner } from './launch';
import { namedDatasets, type DatasetLookup } from './launch-storage';
import type { ProjectPolicies } from './project-policy';
import type {
  Clock,
  Cloud,
  DomainLogger,
  TemplateCatalog,
  WorkstationNetwork,
  WorkstationRecord,
  WorkstationStore
} from './ports';
import { shippedPriceBook, type PriceBook } from './price-book';
import { sshConfigBlock } from './ssh-config';
import type { Timeline } from './timeline';

/** What a workstation's disk is when its template version is no longer loaded. */
const DEFAULT_ROOT_VOLUME_GIB = 30;

export interface WorkstationsDeps {
  store: WorkstationStore;
  cloud: Cloud;
  catalog: TemplateCatalog;
  timeline: Timeline;
  runner: LaunchRunner;
  network: WorkstationNetwork;
  clock: Clock;
  logger: DomainLogger;
  region: string;
  /** Prices for `region`; the shipped table when absent. */
  prices?: PriceBook;
  /** Project roles and budgets; without it (domain unit tests), a project is only a label and workstations are their owner's only. */
  projects?: ProjectAccess;
  /** Registered datasets (domain/datasets.ts); absent: a launch cannot name one. */
  dataset?: DatasetLookup;
  /** Projects' allowed templates, sizes and allocations (domain/project-policy.ts); absent: none. */
  policy?: Pick<ProjectPolicies, 'admitLaunch'>;
}

/** What Workstations asks of projects (projects.ts, budgets.ts). */
export interface ProjectAccess {
  roleOf(user: string, project: string): ProjectRole | null;
  /** @throws {PrismError} PROJECT_NOT_FOUND (not in it), FORBIDDEN (a viewer), BUDGET_EXCEEDED (hard stop). */
  admitLaunch(user: string, project: string): void;
  /** @throws {PrismError} BUDGET_EXCEEDED when the project's hard stop holds. */
  checkBudget(project: string): void;
}

export class Workstations {
  constructor(private readonly deps: WorkstationsDeps) {}

  /** Records the launch (durable) and returns at once; progress follows as events. */
  launchWorkstation(owner: string, request: LaunchRequest): Workstation {
    const { store, catalog, clock, timeline, runner, region } = this.deps;
    if (request.project !== undefined) this.deps.projects?.admitLaunch(owner, request.project);
    const access = this.deps.projects;
    // A project's templates launch only for those in it; to anyone else they do not exist.
    const visible = access ? catalogFor(catalog, project => access.roleOf(owner, project) !== null) : catalog;
    const plan = planLaunch(visible, request, store.listByOwner(owner));
    // An unknown dataset, or one the owner may not see, stops the launch before anything is recorded.
    namedDatasets(owner, request.datasets ?? [], this.deps.dataset);
    const now = clock.now().toISOString();
    const record: WorkstationRecord = {
      id: `ws-${crypto.randomUUID()}`,
      name: request.name,
      owner,
      project: request.project ?? null,
      template: plan.template.name,
      templateVersion: plan.template.version,
      arch: plan.arch,
      size: plan.size,
      instanceType: plan.instanceType,
      state: 'pending',
      phase: 'validate',
      percent: 0,
      instanceId: null,
      imageId: null,
      pricePerHour: (this.deps.prices ?? shippedPriceBook(region)).pricePerHour(plan.instanceType),
      datasets: request.datasets ?? [],
      parameters: plan.parameters,
      createdAt: now,
      updatedAt: now,
      error: null,
      bootToken: secret(),
      jupyterToken: secret(),
      lastReportSeq: 0,
      servicePorts: {},
      keyPath: null,
      address: null
    };
    const { project } = request;
    if (project === undefined) {
      store.insert(record);
    } else {
      // The allocation's check and the record in one exclusive turn: launches at once, through this
      // process or another replica on the same database, cannot both take the project's last place.
      store.exclusive(`project:${project}`, () => {
        this.deps.policy?.admitLaunch(owner, project, plan);
        store.insert(record);
      });
    }
    timeline.progress(record.id, 'validate', `Launching ${plan.template.title} on ${plan.arch} (${plan.instanceType})…`);
    this.deps.logger.info({ workstation: record.id, owner, template: record.template, arch: record.arch }, 'launch recorded');
    runner.start(record.id);
    return toWorkstation(this.deps.store.get(record.id) as WorkstationRecord);
  }

  /** The user's own workstations; with `project`, every workstation of that project (any role may look). */
  listWorkstations(user: string, project?: string): Workstation[] {
    if (project === undefined) {
      return this.deps.store.listByOwner(user).map(toWorkstation);
    }
    if (!this.roleIn(user, project)) {
      throw notFound('project', project, 'List your projects with GET /projects (prism projects list); a project admin can add you.');
    }
    return this.deps.store.listAll().filter(r => r.project === project).map(toWorkstation);
  }

  getWorkstation(user: string, id: string): Workstation {
    return toWorkstation(this.visible(user, id));
  }

  eventsOf(user: string, id: string): WorkstationEvent[] {
    this.visible(user, id);
    return this.deps.store.events(id);
  }

  /**
   * For actions outside this class (keep running): the owner, or a project
   * member, may; a viewer may not; anyone else gets not-found.
   * @throws {PrismError} WORKSTATION_NOT_FOUND, FORBIDDEN.
   */
  requireControl(user: string, id: string, action: string): Workstation {
    return toWorkstation(this.controlled(user, id, action));
  }

  /** May `user` watch this workstation's live events? */
  canWatch(user: string, id: string): boolean {
    const record = this.deps.store.get(id);
    return record !== undefined && (record.owner === user || this.roleIn(user, record.project) !== null);
  }

  connectionOf(owner: string, id: string): Connection {
    const record = this.owned(owner, id);
    if (record.phase !== 'ready' || record.state !== 'running') {
      throw new PrismError(
        'NOT_READY',
        409,
        'Workstation not ready',
        `Workstation '${record.name}' is ${record.state} (${record.phase}).`,
        record.state === 'stopped' ? 'Start it first.' : 'Wait for the launch to reach ready.'
      );
    }
    const template = this.deps.catalog.get(record.template, record.templateVersion);
    const user = template?.user ?? 'ec2-user';
    const host = record.address;
    const jupyterPort = record.servicePorts.jupyter ?? template?.services.find(s => s.name === 'jupyter')?.port;
    const identityFile = record.keyPath ?? `~/.ssh/${record.keyName ?? `prism-${record.owner}`}.pem`;
    const ssh = host ? sshConfigBlock(record.name, host, user, identityFile) : null;
    return {
      id,
      jupyterUrl: host && jupyterPort ? `http://${host}:${jupyterPort}/lab?token=${record.jupyterToken}` : null,
      sshCommand: host ? `ssh -i ${identityFile} ${user}@${host}` : null,
      vscodeUri: host ? `vscode://vscode-remote/ssh-remote+${user}@${host}/home/${user}` : null,
      sshHost: ssh?.host ?? null,
      sshConfig: ssh?.block ?? null,
      vscodeHostUri: ssh ? `vscode://vscode-remote/ssh-remote+${ssh.host}/home/${user}` : null
    };
  }

  /** Spend this month, projection and savings for the owner's workstations. */
  costsOf(owner: string): CostReport {
    const { store, clock } = this.deps;
    return costReport(store, store.listByOwner(owner), record => this.billedRootVolumeGiB(record), clock, this.deps.prices);
  }

  /** The root volume costs are reckoned on (GET /costs, the monitoring cost graph). */
  billedRootVolumeGiB(record: WorkstationRecord): number {
    return this.deps.catalog.get(record.template, record.templateVersion)?.rootVolumeGiB ?? DEFAULT_ROOT_VOLUME_GIB;
  }

  async stopWorkstation(user: string, id: string, hibernate = false): Promise<Workstation> {
    const record = this.controlled(user, id, hibernate ? 'hibernate' : 'stop');
    this.requireState(record, ['running'], hibernate ? 'hibernate' : 'stop');
    if (hibernate && !record.hibernation) {
      throw cannotHibernate(record);
    }
    this.deps.timeline.state(id, 'stopping');
    await this.deps.cloud.stopInstance(record.instanceId as string, hibernate);
    return toWorkstation(this.deps.timeline.state(id, hibernate ? 'hibernated' : 'stopped'));
  }

  async startWorkstation(user: string, id: string): Promise<Workstation> {
    const record = this.controlled(user, id, 'start');
    this.requireState(record, ['stopped', 'hibernated'], 'start');
    if (record.project) this.deps.projects?.checkBudget(record.project);
    this.deps.store.update(id, { lastReportSeq: 0 });
    this.deps.timeline.state(id, 'pending');
    await this.deps.cloud.startInstance(record.instanceId as string);
    const instance = await this.deps.cloud.waitUntilRunning(record.instanceId as string);
    return toWorkstation(this.deps.timeline.state(id, 'running', { address: this.deps.network.addressOf(instance) }));
  }

  async terminateWorkstation(user: string, id: string): Promise<Workstation> {
    const record = this.controlled(user, id, 'terminate');
    if (record.state === 'terminated') {
      return toWorkstation(record);
    }
    this.deps.runner.cancel(id);
    const instanceId = record.instanceId ?? (await this.deps.cloud.findInstances({ launchId: id }))[0]?.instanceId;
    if (instanceId) {
      await this.deps.cloud.terminateInstance(instanceId);
    }
    await this.deps.runner.removeRole(id);
    this.deps.logger.info({ workstation: id, owner: record.owner, by: user }, 'workstation terminated');
    return toWorkstation(this.deps.timeline.state(id, 'terminated', { instanceId: instanceId ?? null }));
  }

  private requireState(record: WorkstationRecord, allowed: string[], action: string): void {
    if (!allowed.includes(record.state) || !record.instanceId || this.deps.runner.isLaunching(record.id)) {
      throw new PrismError(
        'INVALID_STATE',
        409,
        `Cannot ${action} now`,
        `Workstation '${record.name}' is ${record.state}; ${action} needs it ${allowed.join(' or ')}.`,
        this.deps.runner.isLaunching(record.id)
          ? 'Wait for the launch to finish, or terminate it.'
          : `Refresh the list; ${action} applies to ${allowed.join(' or ')} workstations.`
      );
    }
  }

  private roleIn(user: string, project: string | null): ProjectRole | null {
    return project ? (this.deps.projects?.roleOf(user, project) ?? null) : null;
  }

  /** Its owner's, or seen through a project role. */
  private visible(user: string, id: string): WorkstationRecord {
    const record = this.deps.store.get(id);
    if (record && record.owner !== user && this.roleIn(user, record.project)) {
      return record;
    }
    return this.owned(user, id);
  }

  /**
   * Its owner's, or a project member's (not a viewer's) to stop, start and
   * terminate; someone else acting is written in its history.
   */
  private controlled(user: string, id: string, action: string): WorkstationRecord {
    const record = this.visible(user, id);
    if (record.owner === user) return record;
    const role = this.roleIn(user, record.project);
    if (role === 'viewer') {
      throw new PrismError(
        'FORBIDDEN',
        403,
        'Not allowed',
        `You are a viewer of project '${record.project}'; to ${action} '${record.name}' needs member.`,
        `Ask its owner (${record.owner}) or a project admin to ${action} it, or to make you a member.`
      );
    }
    this.deps.timeline.log(id, `${action} asked by ${user} (project ${role} of ${record.project})`);
    this.deps.logger.info({ workstation: id, owner: record.owner, by: user, project: record.project, action }, 'project member acted');
    return record;
  }

  private owned(owner: string, id: string): WorkstationRecord {
    const record = this.deps.store.get(id);
    if (!record || record.owner !== owner) {
      throw notFound('workstation', id, 'List your workstations with GET /instances; ids start with "ws-".');
    }
    return record;
  }
}

/** The record as the API shows it: no tokens, no key paths. */
export function toWorkstation(record: WorkstationRecord): Workstation {
  return {
    id: record.id,
    name: record.name,
    owner: record.owner,
    project: record.project,
    template: record.template,
    templateVersion: record.templateVersion,
    arch: record.arch,
    size: record.size,
    instanceType: record.instanceType,
    state: record.state,
    phase: record.phase,
    percent: record.percent,
    instanceId: record.instanceId,
    imageId: record.imageId,
    pricePerHour: record.pricePerHour,
    datasets: record.datasets,
    parameters: record.parameters ?? {},
    hibernation: record.hibernation ?? false,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    error: record.error ?? null,
    ...(record.mounts ? { mounts: record.mounts } : {})
  };
}

function secret(): string {
  return crypto.randomBytes(24).toString('base64url');
}
