import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { problemOf } from '../api';
import type {
  IPrismModel,
  ITemplateDiagnostic,
  Problem,
  Project,
  TemplateSummary
} from '../tokens';
import {
  draftToYaml,
  emptyDraft,
  fieldsByPosition,
  type ITemplateDraft
} from './draft';
import { ARCHES } from './schema-fields';

/** How long typing must pause before the draft is sent for validation. */
const VALIDATE_DELAY_MS = 400;

/** The parent a new template starts from when the library has it. */
const DEFAULT_PARENT = 'amazon-linux';

/** A diagnostic with the form field it is about ('' when none matches). */
export interface IPlacedDiagnostic extends ITemplateDiagnostic {
  /** The field's path in the YAML, e.g. `name` or `packages.pip.0`. */
  readonly field: string;
}

/** Where the draft's validation stands. */
export type ValidationState = 'pending' | 'valid' | 'invalid' | 'unavailable';

/**
 * One template being built: the form's draft, its YAML, the service's
 * diagnostics on it (checked as the author types) and saving it.
 */
export class TemplateBuilderModel implements IDisposable {
  constructor(private readonly _prism: IPrismModel) {
    this._draft = emptyDraft(this._defaultParent());
    this._yaml = draftToYaml(this._draft);
    this._prism.changed.connect(this._onPrismChanged, this);
    this._scheduleValidation();
    void this._loadProjects();
  }

  /** Emitted whenever anything below changes. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }
  get draft(): Readonly<ITemplateDraft> {
    return this._draft;
  }
  /** The YAML the draft stands for, as it would be saved. */
  get yaml(): string {
    return this._yaml;
  }
  /** The file name the YAML is checked and saved as. */
  get fileName(): string {
    return `${this._draft.name.trim() || 'template'}-${this._draft.version.trim() || '0.0.0'}.yaml`;
  }
  /** The project Save stores the template in; '' for the library (everyone, admins only). */
  get scope(): string {
    return this._scope;
  }
  /** The user's projects they may save into (member or admin). */
  get projects(): ReadonlyArray<Project> {
    return this._projects;
  }
  get validation(): ValidationState {
    return this._validation;
  }
  /** The service's diagnostics on the current YAML. */
  get diagnostics(): ReadonlyArray<IPlacedDiagnostic> {
    return this._diagnostics;
  }
  /** Why validation or saving could not be done; null when it could. */
  get problem(): Problem | null {
    return this._problem;
  }
  /** The template last saved from this builder. */
  get saved(): TemplateSummary | null {
    return this._saved;
  }
  get saving(): boolean {
    return this._saving;
  }
  /** The templates that can be a parent. */
  get parents(): ReadonlyArray<TemplateSummary> {
    return this._prism.templates;
  }
  /** Instance types the service's templates use, per arch, for the size picker. */
  get knownInstanceTypes(): Record<string, string[]> {
    return Object.fromEntries(
      ARCHES.map(arch => [
        arch,
        [
          ...new Set(
            this._prism.templates.flatMap(t =>
              (t.sizes[arch] ?? []).map(s => s.instanceType)
            )
          )
        ].sort()
      ])
    );
  }
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** The diagnostics about `field` or anything under it. */
  diagnosticsOf(field: string): IPlacedDiagnostic[] {
    return this._diagnostics.filter(
      d => d.field === field || d.field.startsWith(`${field}.`)
    );
  }

  /** Change the draft; the YAML follows at once, validation after a pause. */
  update(change: Partial<ITemplateDraft>): void {
    this._draft = { ...this._draft, ...change };
    this._yaml = draftToYaml(this._draft);
    this._saved = null;
    this._scheduleValidation();
    this._changed.emit();
  }

  /** Choose where Save stores the template; checked again, as a project's templates may be its parents. */
  setScope(project: string): void {
    this._scope = project;
    this._saved = null;
    this._scheduleValidation();
    this._changed.emit();
  }

  /**
   * Save the YAML as a new version in the service's library, or the chosen project's.
   *
   * @returns whether it was saved; when not, `problem` says why.
   */
  async save(): Promise<boolean> {
    this._saving = true;
    this._problem = null;
    this._changed.emit();
    try {
      this._saved = await this._prism.saveTemplate(
        this._yaml,
        this._scope ? { project: this._scope } : undefined
      );
      return true;
    } catch (reason) {
      this._problem = problemOf(reason);
      return false;
    } finally {
      this._saving = false;
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    window.clearTimeout(this._timer);
    this._prism.changed.disconnect(this._onPrismChanged, this);
    Signal.clearData(this);
  }

  private _defaultParent(): string {
    const names = this._prism.templates.map(t => t.name);
    return names.includes(DEFAULT_PARENT) ? DEFAULT_PARENT : (names[0] ?? '');
  }

  /** Without projects (none, or the service unreachable) Save offers the library only. */
  private async _loadProjects(): Promise<void> {
    try {
      const projects = await this._prism.listProjects();
      this._projects = projects.filter(p => p.role !== 'viewer');
    } catch {
      this._projects = [];
    }
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  /** The library may load after the builder opened: give it a parent then. */
  private _onPrismChanged(): void {
    if (!this._draft.inherits && this._prism.templates.length) {
      this.update({ inherits: this._defaultParent() });
    } else {
      this._changed.emit();
    }
  }

  private _scheduleValidation(): void {
    window.clearTimeout(this._timer);
    this._validation = 'pending';
    this._timer = window.setTimeout(
      () => void this._validate(),
      VALIDATE_DELAY_MS
    );
  }

  private async _validate(): Promise<void> {
    const yaml = this._yaml;
    // Where the service would save it, so a project's own templates count as parents.
    const fileName = this._scope
      ? `projects/${this._scope}/${this.fileName}`
      : this.fileName;
    try {
      const result = await this._prism.validateTemplate(yaml, fileName);
      if (yaml !== this._yaml || this._isDisposed) {
        return; // The author typed on; a newer check is on its way.
      }
      const fields = fieldsByPosition(yaml);
      this._diagnostics = result.diagnostics.map(d => ({
        ...d,
        field: fields.get(`${d.line}:${d.column}`) ?? ''
      }));
      this._validation = result.valid ? 'valid' : 'invalid';
      this._problem = null;
    } catch (reason) {
      if (yaml !== this._yaml || this._isDisposed) {
        return;
      }
      this._diagnostics = [];
      this._validation = 'unavailable';
      this._problem = problemOf(reason);
    }
    this._changed.emit();
  }

  private _draft: ITemplateDraft;
  private _yaml: string;
  private _validation: ValidationState = 'pending';
  private _diagnostics: IPlacedDiagnostic[] = [];
  private _problem: Problem | null = null;
  private _saved: TemplateSummary | null = null;
  private _saving = false;
  private _scope = '';
  private _projects: Project[] = [];
  private _timer = 0;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}
