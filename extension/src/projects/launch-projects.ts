/**
 * The launch form's project picker: "Personal" or one of the projects the
 * researcher may launch in (member or admin), the picked project's policy,
 * and what that policy leaves them. The pick is kept for as long as the
 * Prism panel is open, so the next launch starts from it.
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { problemOf } from '../api';
import type { IPrismModel, Problem, Project, TemplateSummary } from '../tokens';
import type { SizeChoice } from '../../../server/src/contract/api';
import type { ProjectPolicy } from '../../../server/src/contract/projects';

/** How many more workstations the policy lets the caller have, and which limit says so. */
export interface IAllocationLeft {
  left: number;
  of: number;
  /** `member`: the per-member share binds; `project`: the project's total does. */
  limit: 'member' | 'project';
}

export class LaunchProjects implements IDisposable {
  constructor(private readonly _prism: IPrismModel) {
    _prism.changed.connect(this._onPrismChanged, this);
  }

  get changed(): ISignal<LaunchProjects, void> {
    return this._changed;
  }
  /** The projects the researcher may launch in. */
  get choices(): ReadonlyArray<Project> {
    return this._choices;
  }
  /** The picked project's id; null for Personal. */
  get picked(): Project | null {
    return this._choices.find(p => p.id === this._pickedId) ?? null;
  }
  /** The picked project's policy; null for Personal and while it loads. */
  get policy(): ProjectPolicy | null {
    return this._policy?.project === this._pickedId ? this._policy : null;
  }
  /** Why the projects or the policy could not be read; null when they were. */
  get problem(): Problem | null {
    return this._problem;
  }
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Read the projects again (and the picked one's policy). Never throws. */
  async load(): Promise<void> {
    try {
      const projects = await this._prism.api.listProjects();
      this._choices = projects.filter(p => p.role !== 'viewer');
      this._problem = null;
    } catch (reason) {
      this._problem = problemOf(reason);
    }
    if (!this.picked) this._pickedId = null;
    this._emit();
    await this._loadPolicy();
  }

  /** Pick a project by id, or Personal with null. Never throws. */
  async pick(id: string | null): Promise<void> {
    this._pickedId = this._choices.some(p => p.id === id) ? id : null;
    this._emit();
    await this._loadPolicy();
  }

  /** Read the picked project's policy again (after a launch, the count changed). Never throws. */
  async reloadPolicy(): Promise<void> {
    await this._loadPolicy();
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    this._prism.changed.disconnect(this._onPrismChanged, this);
    Signal.clearData(this);
  }

  private async _loadPolicy(): Promise<void> {
    const id = this._pickedId;
    if (id === null) return;
    try {
      const policy = await this._prism.api.projectPolicy(id);
      if (id !== this._pickedId) return;
      this._policy = policy;
      this._problem = null;
    } catch (reason) {
      this._problem = problemOf(reason);
    }
    this._emit();
  }

  /** A workstation came or went (launched, terminated, failed): what is left may have changed. */
  private _onPrismChanged(): void {
    const key = this._prism.workstations.map(w => `${w.id}:${w.state === 'terminated' || w.state === 'failed'}`).join(',');
    if (key === this._workstationsKey) return;
    this._workstationsKey = key;
    void this._loadPolicy();
  }

  private _emit(): void {
    if (!this._isDisposed) this._changed.emit();
  }

  private _choices: Project[] = [];
  private _pickedId: string | null = null;
  private _policy: ProjectPolicy | null = null;
  private _problem: Problem | null = null;
  private _workstationsKey = '';
  private _isDisposed = false;
  private _changed = new Signal<LaunchProjects, void>(this);
}

/** The templates the policy allows; every one for Personal or no template limit. */
export function allowedTemplates(
  templates: ReadonlyArray<TemplateSummary>,
  policy: ProjectPolicy | null
): TemplateSummary[] {
  return policy?.templates ? templates.filter(t => policy.templates!.includes(t.name)) : [...templates];
}

/** A size fits when the policy names it, or names its instance type (the service's rule). */
export function allowedSizes(sizes: ReadonlyArray<SizeChoice>, policy: ProjectPolicy | null): SizeChoice[] {
  if (!policy || (policy.sizes === null && policy.instanceTypes === null)) return [...sizes];
  return sizes.filter(s => (policy.sizes ?? []).includes(s.name) || (policy.instanceTypes ?? []).includes(s.instanceType));
}

/** The tighter of the project's and the caller's share; null when neither is limited. */
export function allocationLeft(policy: ProjectPolicy | null): IAllocationLeft | null {
  if (!policy) return null;
  const member =
    policy.maxWorkstationsPerMember === null
      ? null
      : { left: Math.max(0, policy.maxWorkstationsPerMember - policy.yourWorkstations), of: policy.maxWorkstationsPerMember, limit: 'member' as const };
  const project =
    policy.maxWorkstations === null
      ? null
      : { left: Math.max(0, policy.maxWorkstations - policy.workstations), of: policy.maxWorkstations, limit: 'project' as const };
  if (!member) return project;
  if (!project) return member;
  return project.left < member.left ? project : member;
}
