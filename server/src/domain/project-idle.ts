/**
 * A project's override of its workstations' idle rule: project admins set it,
 * anyone in the project reads it, and IdleWatch applies it over the template's
 * rule (resolveIdleRule) for every workstation launched in the project.
 */
import type { ProjectIdle, ProjectIdleSetting } from '../contract/projects';
import type { IdleSetting } from './idle';
import type { Clock, DomainLogger } from './ports';
import type { Projects } from './projects';

export interface StoredProjectIdle {
  /** `false`: the project's workstations are never stopped for idleness. */
  setting: IdleSetting;
  setBy: string;
  setAt: string;
}

/** Kept with the project (store/project-store.ts). */
export interface ProjectIdleStore {
  projectIdle(id: string): StoredProjectIdle | undefined;
  setProjectIdle(id: string, stored: StoredProjectIdle): void;
}

export interface ProjectIdleRulesDeps {
  projects: Projects;
  store: ProjectIdleStore;
  clock: Clock;
  logger: DomainLogger;
}

export class ProjectIdleRules {
  constructor(private readonly deps: ProjectIdleRulesDeps) {}

  getIdle(user: string, id: string): ProjectIdle {
    this.deps.projects.require(user, id, 'viewer');
    return this.view(id);
  }

  setIdle(admin: string, id: string, setting: ProjectIdleSetting): ProjectIdle {
    this.deps.projects.require(admin, id, 'admin');
    const stored: IdleSetting = 'disabled' in setting ? false : setting;
    this.deps.store.setProjectIdle(id, { setting: stored, setBy: admin, setAt: this.deps.clock.now().toISOString() });
    this.deps.logger.info({ project: id, by: admin, idle: stored }, 'project idle rule set');
    return this.view(id);
  }

  /** IdleWatch's `overrideFor`: undefined outside a project or when the project set nothing. */
  overrideFor(project: string | null): IdleSetting | undefined {
    return project === null ? undefined : this.deps.store.projectIdle(project)?.setting;
  }

  private view(id: string): ProjectIdle {
    const stored = this.deps.store.projectIdle(id);
    if (!stored) return { project: id, override: null, setBy: null, setAt: null };
    return { project: id, override: stored.setting === false ? { disabled: true } : stored.setting, setBy: stored.setBy, setAt: stored.setAt };
  }
}
