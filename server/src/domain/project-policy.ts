/**
 * A project's policy: the templates its workstations may be launched from, the
 * sizes (or instance types) they may run, and its allocation of workstations,
 * in all and per member. Project admins set it, anyone in the project reads
 * it, and launches and resizes in the project are held to it before any cloud
 * call.
 */
import type { ProjectPolicy, ProjectPolicySetting } from '../contract/projects';
import { closestWord } from '../templates/did-you-mean';
import { invalidRequest, PrismError } from './errors';
import type { Clock, DomainLogger, TemplateCatalog, WorkstationRecord } from './ports';
import type { Projects } from './projects';
import type { Template } from './template';
import { catalogFor } from './template-visibility';

/** Every limit; null: none. */
export type PolicyLimits = Required<{ [K in keyof ProjectPolicySetting]: NonNullable<ProjectPolicySetting[K]> | null }>;

export interface StoredProjectPolicy {
  limits: PolicyLimits;
  setBy: string;
  setAt: string;
}

/** Kept with the project (store/project-store.ts). */
export interface ProjectPolicyStore {
  projectPolicy(id: string): StoredProjectPolicy | undefined;
  setProjectPolicy(id: string, stored: StoredProjectPolicy): void;
}

export interface ProjectPoliciesDeps {
  projects: Pick<Projects, 'require' | 'roleOf' | 'admins'>;
  store: ProjectPolicyStore;
  catalog: TemplateCatalog;
  /** Every workstation record (the allocation counts the project's). */
  workstations: () => WorkstationRecord[];
  clock: Clock;
  logger: DomainLogger;
}

/** What a launch settled on (domain/launch-plan.ts), as the policy looks at it. */
export interface PlannedLaunch {
  template: Template;
  arch: WorkstationRecord['arch'];
  size: string;
  instanceType: string;
}

const NO_LIMITS: PolicyLimits = { templates: null, maxWorkstations: null, maxWorkstationsPerMember: null, sizes: null, instanceTypes: null };

/**
 * A failed workstation holds no instance and a terminated one is gone; every
 * other (launching, running, stopping, stopped, hibernated) holds a machine or
 * its disk, so it counts against the allocation.
 */
export const countsAgainstAllocation = (record: WorkstationRecord): boolean => record.state !== 'terminated' && record.state !== 'failed';

export class ProjectPolicies {
  constructor(private readonly deps: ProjectPoliciesDeps) {}

  getPolicy(user: string, id: string): ProjectPolicy {
    this.deps.projects.require(user, id, 'viewer');
    return this.view(id, user);
  }

  /** Replaces the whole policy: what the setting leaves out is no longer limited. */
  setPolicy(admin: string, id: string, setting: ProjectPolicySetting): ProjectPolicy {
    this.deps.projects.require(admin, id, 'admin');
    const limits: PolicyLimits = { ...NO_LIMITS };
    for (const key of Object.keys(NO_LIMITS) as (keyof PolicyLimits)[]) {
      const value = setting[key];
      (limits as Record<string, unknown>)[key] = value === undefined ? null : Array.isArray(value) ? [...new Set(value)] : value;
    }
    this.requireKnown(admin, id, limits);
    this.deps.store.setProjectPolicy(id, { limits, setBy: admin, setAt: this.deps.clock.now().toISOString() });
    this.deps.logger.info({ project: id, by: admin, policy: limits }, 'project policy set');
    return this.view(id, admin);
  }

  /**
   * Before a launch in `project` is recorded. The caller checks and records in
   * one `WorkstationStore.exclusive` turn, so two launches (in one process or in
   * two replicas) cannot both fit the last place.
   * @throws {PrismError} TEMPLATE_NOT_ALLOWED, SIZE_NOT_ALLOWED (403), ALLOCATION_EXCEEDED (409).
   */
  admitLaunch(owner: string, project: string, launch: PlannedLaunch): void {
    const limits = this.limitsOf(project);
    if (limits.templates !== null && !limits.templates.includes(launch.template.name)) {
      throw new PrismError(
        'TEMPLATE_NOT_ALLOWED',
        403,
        'Template not allowed in this project',
        `Project '${project}' does not allow template '${launch.template.name}'.`,
        limits.templates.length
          ? `Launch one of the templates the project allows: ${limits.templates.join(', ')}; or ask a project admin (${this.admins(project)}) to allow it.`
          : `The project allows no template now; ask a project admin (${this.admins(project)}).`
      );
    }
    this.requireSize(project, limits, launch.template, launch.arch, launch.size, launch.instanceType);
    if (limits.maxWorkstations === null && limits.maxWorkstationsPerMember === null) return;
    const held = this.deps.workstations().filter(r => r.project === project && countsAgainstAllocation(r));
    const theirs = held.filter(r => r.owner === owner).length;
    const hint = `Terminate one of the project's workstations you no longer need, or ask a project admin (${this.admins(project)}) to raise the allocation.`;
    if (limits.maxWorkstations !== null && held.length >= limits.maxWorkstations) {
      throw allocationExceeded(`Project '${project}' has ${held.length} of its ${limits.maxWorkstations} workstations (stopped and hibernated ones count).`, hint);
    }
    if (limits.maxWorkstationsPerMember !== null && theirs >= limits.maxWorkstationsPerMember) {
      throw allocationExceeded(
        `You have ${theirs} of the ${limits.maxWorkstationsPerMember} workstations each member may have in project '${project}' (stopped and hibernated ones count).`,
        hint
      );
    }
  }

  /** @throws {PrismError} SIZE_NOT_ALLOWED when the project does not allow the new size. */
  admitResize(record: WorkstationRecord, size: string, instanceType: string): void {
    if (record.project === null) return;
    const template = this.deps.catalog.get(record.template, record.templateVersion);
    this.requireSize(record.project, this.limitsOf(record.project), template, record.arch, size, instanceType);
  }

  private limitsOf(project: string): PolicyLimits {
    return this.deps.store.projectPolicy(project)?.limits ?? NO_LIMITS;
  }

  /**
   * `sizes` and `instanceTypes` together list what may run: a size counts only
   * for its own instance type (a launch naming another type is that type).
   */
  private requireSize(project: string, limits: PolicyLimits, template: Template | undefined, arch: WorkstationRecord['arch'], size: string, instanceType: string): void {
    if (limits.sizes === null && limits.instanceTypes === null) return;
    const sizeFits = limits.sizes !== null && limits.sizes.includes(size) && template?.sizes[size]?.[arch] === instanceType;
    if (sizeFits || (limits.instanceTypes ?? []).includes(instanceType)) return;
    const allowed = [...(limits.sizes ?? []), ...(limits.instanceTypes ?? [])];
    throw new PrismError(
      'SIZE_NOT_ALLOWED',
      403,
      'Size not allowed in this project',
      `Project '${project}' does not allow ${template?.sizes[size]?.[arch] === instanceType ? `size '${size}' (${instanceType})` : instanceType}.`,
      allowed.length
        ? `Choose a size the project allows: ${allowed.join(', ')}; or ask a project admin (${this.admins(project)}).`
        : `The project allows no size now; ask a project admin (${this.admins(project)}).`
    );
  }

  private requireKnown(admin: string, id: string, limits: PolicyLimits): void {
    const visible = catalogFor(this.deps.catalog, project => this.deps.projects.roleOf(admin, project) !== null).list();
    const names = visible.map(t => t.name);
    for (const name of limits.templates ?? []) {
      if (!names.includes(name)) throw unknownName('template', name, names, id);
    }
    const sizes = [...new Set(visible.flatMap(t => Object.keys(t.sizes)))];
    for (const size of limits.sizes ?? []) {
      if (!sizes.includes(size)) throw unknownName('size', size, sizes, id);
    }
  }

  private admins(project: string): string {
    return this.deps.projects.admins(project).join(', ');
  }

  /** `caller`: whose own workstations `yourWorkstations` counts (the launch form shows what is left for them). */
  private view(id: string, caller: string): ProjectPolicy {
    const stored = this.deps.store.projectPolicy(id);
    const held = this.deps.workstations().filter(r => r.project === id && countsAgainstAllocation(r));
    const yourWorkstations = held.filter(r => r.owner === caller).length;
    return { project: id, ...(stored?.limits ?? NO_LIMITS), workstations: held.length, yourWorkstations, setBy: stored?.setBy ?? null, setAt: stored?.setAt ?? null };
  }
}

function unknownName(what: 'template' | 'size', name: string, choices: string[], project: string): PrismError {
  const guess = closestWord(name, choices);
  return invalidRequest(
    `There is no ${what} '${name}' for project '${project}' to allow.`,
    guess ? `Did you mean "${guess}"?` : `Use ${what === 'template' ? 'template names from GET /templates' : `sizes the templates offer: ${choices.join(', ')}`}.`
  );
}

function allocationExceeded(detail: string, hint: string): PrismError {
  return new PrismError('ALLOCATION_EXCEEDED', 409, "The project's allocation is used up", detail, hint);
}
