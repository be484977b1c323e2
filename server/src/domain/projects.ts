/**
 * Projects: team spaces whose members see, launch and stop the project's
 * workstations by role (viewer < member < admin). A project someone is not
 * in does not exist for them (404), as another owner's workstation does not.
 */
import type { BudgetEvent, Project, ProjectDetail, ProjectMember, ProjectRole } from '../contract/projects';
import { invalidRequest, PrismError } from './errors';
import type { Clock, DomainLogger } from './ports';

export interface ProjectRecord {
  id: string;
  name: string;
  description: string;
  createdBy: string;
  createdAt: string;
}

export interface StoredBudget {
  monthlyUsd: number;
  hardStop: boolean;
  graceMinutes: number;
  setBy: string;
  setAt: string;
}

/** Projects, their members, budgets and history, kept durably (store/project-store.ts). */
export interface ProjectStore {
  /** Inserts the project with `admin` as its first admin; false when the id is taken. */
  createProject(project: ProjectRecord, admin: string): boolean;
  project(id: string): ProjectRecord | undefined;
  members(id: string): ProjectMember[];
  roleOf(id: string, user: string): ProjectRole | undefined;
  setRole(id: string, user: string, role: ProjectRole): void;
  removeMember(id: string, user: string): void;
  projectsOf(user: string): (ProjectRecord & { role: ProjectRole })[];
  /** Every project, by id: for the Prism admins' overview. */
  allProjects(): ProjectRecord[];
  budget(id: string): StoredBudget | undefined;
  setBudget(id: string, budget: StoredBudget): void;
  /** Projects with a budget, for the scheduler. */
  budgetedProjects(): string[];
  appendEvent(id: string, event: BudgetEvent): void;
  events(id: string): BudgetEvent[];
}

/** Someone joined, changed role or left: live connections follow (socket rooms). */
export type MembershipListener = (project: string, user: string, role: ProjectRole | null) => void;

const RANK: Record<ProjectRole, number> = { viewer: 0, member: 1, admin: 2 };

export interface ProjectsDeps {
  store: ProjectStore;
  clock: Clock;
  logger: DomainLogger;
  onMembershipChange?: MembershipListener;
}

export class Projects {
  constructor(private readonly deps: ProjectsDeps) {}

  /** Any user may create a project; they become its admin. */
  createProject(user: string, name: string, description = ''): ProjectDetail {
    const id = projectId(name);
    const record: ProjectRecord = { id, name: name.trim(), description, createdBy: user, createdAt: this.deps.clock.now().toISOString() };
    if (!this.deps.store.createProject(record, user)) {
      throw new PrismError('PROJECT_EXISTS', 409, 'Project name taken', `A project '${id}' already exists.`, 'Pick another name, or ask its admins to add you.');
    }
    this.deps.logger.info({ project: id, user }, 'project created');
    this.deps.onMembershipChange?.(id, user, 'admin');
    return this.getProject(user, id);
  }

  listProjects(user: string): Project[] {
    return this.deps.store.projectsOf(user);
  }

  getProject(user: string, id: string): ProjectDetail {
    const role = this.require(user, id, 'viewer');
    return { ...(this.deps.store.project(id) as ProjectRecord), role, members: this.deps.store.members(id) };
  }

  setMember(admin: string, id: string, user: string, role: ProjectRole): ProjectDetail {
    this.require(admin, id, 'admin');
    if (role !== 'admin') this.keepAnAdmin(id, user);
    this.deps.store.setRole(id, user, role);
    this.deps.logger.info({ project: id, by: admin, user, role }, 'project member set');
    this.deps.onMembershipChange?.(id, user, role);
    return this.getProject(admin, id);
  }

  /** Access goes at once (REST and socket); their workstations stay theirs. */
  removeMember(admin: string, id: string, user: string): void {
    this.require(admin, id, 'admin');
    this.keepAnAdmin(id, user);
    this.deps.store.removeMember(id, user);
    this.deps.logger.info({ project: id, by: admin, user }, 'project member removed');
    this.deps.onMembershipChange?.(id, user, null);
  }

  roleOf(user: string, id: string): ProjectRole | null {
    return this.deps.store.roleOf(id, user) ?? null;
  }

  /** The caller's role when it is at least `needed`; else 404 for strangers, 403 with a hint for lower roles. */
  require(user: string, id: string, needed: ProjectRole): ProjectRole {
    const role = this.deps.store.roleOf(id, user);
    if (!role) {
      throw new PrismError('PROJECT_NOT_FOUND', 404, 'No such project', `There is no project '${id}'.`, 'List your projects with GET /projects (prism projects list); a project admin can add you.');
    }
    if (RANK[role] < RANK[needed]) {
      throw forbidden(`You are a ${role} of project '${id}'; this needs ${needed}.`, `Ask a project admin (${this.admins(id).join(', ')}) to make you ${needed === 'admin' ? 'an admin' : 'a member'}.`);
    }
    return role;
  }

  admins(id: string): string[] {
    return this.deps.store.members(id).filter(m => m.role === 'admin').map(m => m.user);
  }

  /** Every project must keep an admin, or nobody could manage its members or budget. */
  private keepAnAdmin(id: string, leaving: string): void {
    const admins = this.admins(id);
    if (admins.length === 1 && admins[0] === leaving) {
      throw new PrismError('LAST_ADMIN', 409, 'A project needs an admin', `${leaving} is the last admin of project '${id}'.`, 'Make another member an admin first.');
    }
  }
}

export function atLeast(role: ProjectRole | null, needed: ProjectRole): boolean {
  return role !== null && RANK[role] >= RANK[needed];
}

export const forbidden = (detail: string, hint: string): PrismError => new PrismError('FORBIDDEN', 403, 'Not allowed', detail, hint);

/** "Genomics Lab 2" → "genomics-lab-2": the id in URLs, the CLI and the `prism:project` tag. */
export function projectId(name: string): string {
  const id = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  if (!id) {
    throw invalidRequest(`'${name}' has no letter or digit to make a project id from.`, 'Name the project with letters or digits, for example "Genomics lab".');
  }
  return id;
}
