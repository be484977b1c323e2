/**
 * The projects view's state: the caller's projects with their role, the one
 * opened: its members, policy, budget and workstations, and for a Prism admin
 * every project's overview counts. Changes go to the service and the project
 * is read back, so the view shows what the service kept. A refused change
 * answers its problem for the view to show beside the form that made it.
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { problemOf } from '../api';
import type { IPrismModel, Problem, Project, Workstation } from '../tokens';
import type {
  BudgetStatus,
  ProjectDetail,
  ProjectOverview,
  ProjectPolicy,
  ProjectPolicySetting,
  ProjectRole
} from '../../../server/src/contract/projects';
import type { ProjectSpace } from '../../../server/src/contract/team';

/** One project as its view shows it. */
export interface IProjectView {
  readonly project: ProjectDetail;
  readonly policy: ProjectPolicy;
  /** null when no budget is set. */
  readonly budget: BudgetStatus | null;
  /** Newest first. */
  readonly workstations: ReadonlyArray<Workstation>;
  /** The shared EFS space; null before a project admin makes it. */
  readonly space: ProjectSpace | null;
}

export class ProjectsModel implements IDisposable {
  constructor(private readonly _prism: IPrismModel) {}

  /** Emitted whenever anything below changes. */
  get changed(): ISignal<ProjectsModel, void> {
    return this._changed;
  }
  get projects(): ReadonlyArray<Project> {
    return this._projects;
  }
  get selectedId(): string | null {
    return this._selectedId;
  }
  /** The project opened, once loaded; null while none is. */
  get opened(): IProjectView | null {
    return this._opened;
  }
  get loading(): boolean {
    return this._loading;
  }
  /** Why the last load failed; null when it succeeded. */
  get problem(): Problem | null {
    return this._problem;
  }
  /** Every project's counts, for a Prism admin; null for everyone else (and before the first load). */
  get allProjects(): ReadonlyArray<ProjectOverview> | null {
    return this._allProjects;
  }
  /** Project admins manage members and the policy; viewers and members only read. */
  get canManage(): boolean {
    return this._opened?.project.role === 'admin';
  }
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Load the projects and the one opened (the first, when none is). Never throws. */
  async load(): Promise<void> {
    this._loading = true;
    this._emit();
    try {
      [this._projects, this._allProjects] = await Promise.all([
        this._prism.api.listProjects(),
        this._loadAllProjects()
      ]);
      this._problem = null;
      if (!this._projects.some(p => p.id === this._selectedId)) {
        this._selectedId = this._projects[0]?.id ?? null;
      }
      await this._loadOpened();
    } catch (reason) {
      this._problem = problemOf(reason);
    }
    this._loading = false;
    this._emit();
  }

  /** Open another project. Never throws. */
  async select(id: string): Promise<void> {
    if (id === this._selectedId) return;
    this._selectedId = id;
    this._opened = null;
    this._emit();
    try {
      await this._loadOpened();
      this._problem = null;
    } catch (reason) {
      this._problem = problemOf(reason);
    }
    this._emit();
  }

  /** Make a project (the caller becomes its admin) and open it. @returns the refusal, or null. */
  async createProject(name: string, description: string): Promise<Problem | null> {
    return this._change(async api => {
      const made = await api.createProject({ name: name.trim(), ...(description.trim() && { description: description.trim() }) });
      this._selectedId = made.id;
    });
  }

  /** Add a member or change their role. @returns the refusal, or null. */
  setMember(user: string, role: ProjectRole): Promise<Problem | null> {
    const id = this._selectedId;
    return this._change(api => (id ? api.setProjectMember(id, user.trim(), role) : Promise.resolve()));
  }

  /** @returns the refusal (LAST_ADMIN for the last admin), or null. */
  removeMember(user: string): Promise<Problem | null> {
    const id = this._selectedId;
    return this._change(api => (id ? api.removeProjectMember(id, user) : Promise.resolve()));
  }

  /** Replace the opened project's policy. @returns the refusal, or null. */
  setPolicy(setting: ProjectPolicySetting): Promise<Problem | null> {
    const id = this._selectedId;
    return this._change(api => (id ? api.setProjectPolicy(id, setting) : Promise.resolve()));
  }

  /** Make the opened project's shared space (project admins). @returns the refusal, or null. */
  makeSpace(): Promise<Problem | null> {
    const id = this._selectedId;
    return this._change(api => (id ? api.makeProjectSpace(id) : Promise.resolve()));
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    Signal.clearData(this);
  }

  /** Run a change, then read the projects back (a role change may have changed the caller's own). */
  private async _change(change: (api: IPrismModel['api']) => Promise<unknown>): Promise<Problem | null> {
    try {
      await change(this._prism.api);
    } catch (reason) {
      return problemOf(reason);
    }
    await this.load();
    return null;
  }

  /** Only a Prism admin gets the overview; asking for it as anyone else would only be refused. */
  private async _loadAllProjects(): Promise<ProjectOverview[] | null> {
    const me = await this._prism.api.me();
    return me.roles.includes('admin') ? this._prism.api.adminProjects() : null;
  }

  private async _loadOpened(): Promise<void> {
    const id = this._selectedId;
    if (id === null) {
      this._opened = null;
      return;
    }
    const api = this._prism.api;
    const [project, policy, budget, workstations, space] = await Promise.all([
      api.project(id),
      api.projectPolicy(id),
      api.projectBudget(id),
      api.projectWorkstations(id),
      api.projectSpace(id)
    ]);
    // The researcher may have opened another project meanwhile.
    if (id !== this._selectedId) return;
    this._opened = {
      project,
      policy,
      budget,
      workstations: [...workstations].sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
      space
    };
  }

  private _emit(): void {
    if (!this._isDisposed) this._changed.emit();
  }

  private _projects: Project[] = [];
  private _selectedId: string | null = null;
  private _opened: IProjectView | null = null;
  private _allProjects: ProjectOverview[] | null = null;
  private _loading = false;
  private _problem: Problem | null = null;
  private _isDisposed = false;
  private _changed = new Signal<ProjectsModel, void>(this);
}
