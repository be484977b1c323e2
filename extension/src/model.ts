import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type {
  Connection,
  CostReport,
  Health,
  LaunchRequest,
  TemplateSummary,
  Workstation
} from '../../server/src/contract/api';
import type {
  IdleEvent,
  Problem,
  WorkstationEvent
} from '../../server/src/contract/events';
import type { NotebookPublishedEvent, NotebookUnpublishedEvent } from '../../server/src/contract/shared-notebooks';
import { IServiceOptions, PrismApi, problemOf } from './api';
import { LaunchView } from './launch-view';
import { openRealtime, PrismSocket } from './realtime';
import type {
  ILaunchView,
  IPrismModel,
  ITemplateScope,
  ITemplateValidation,
  Project,
  ServiceStatus
} from './tokens';

/** How long to gather events of unknown workstations before reloading. */
const UNKNOWN_WORKSTATION_DELAY_MS = 300;

/**
 * The Prism model: loads from the REST API, follows the socket, and
 * replays each live workstation's history so a reload looks the same.
 */
export class PrismModel implements IPrismModel, IDisposable {
  constructor(options: IServiceOptions) {
    this._options = options;
    this._api = new PrismApi(options);
    this._socket = this._follow(this._api);
    void this.refresh();
  }

  get changed(): ISignal<IPrismModel, void> {
    return this._changed;
  }
  get status(): ServiceStatus {
    return this._status;
  }
  get templates(): ReadonlyArray<TemplateSummary> {
    return this._templates;
  }
  get workstations(): ReadonlyArray<Workstation> {
    return this._workstations;
  }
  get problem(): Problem | null {
    return this._problem;
  }
  get cloud(): Health['cloud'] | null {
    return this._cloud;
  }
  get idleWarned(): ISignal<IPrismModel, IdleEvent> {
    return this._idleWarned;
  }
  get notebookShared(): ISignal<IPrismModel, NotebookPublishedEvent | NotebookUnpublishedEvent> {
    return this._notebookShared;
  }
  get api(): PrismApi {
    return this._api;
  }
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Point the model at another service (the settings changed). */
  configure(options: IServiceOptions): void {
    if (
      options.serviceUrl === this._options.serviceUrl &&
      options.serviceToken === this._options.serviceToken
    ) {
      return;
    }
    this._options = options;
    this._socket.close();
    this._api = new PrismApi(options);
    this._socket = this._follow(this._api);
    this._views.clear();
    void this.refresh();
  }

  launchViewOf(id: string): ILaunchView | null {
    return this._views.get(id) ?? null;
  }

  idleWarningOf(id: string): IdleEvent | null {
    return this._idleWarnings.get(id) ?? null;
  }

  /**
   * Refreshes never overlap: one asked for during another runs once after
   * it, so the last answer always reflects the latest request.
   */
  refresh(): Promise<void> {
    if (this._refreshing) {
      this._refreshAgain = true;
      return this._refreshing;
    }
    this._refreshing = this._load().finally(() => {
      this._refreshing = null;
      if (this._refreshAgain) {
        this._refreshAgain = false;
        void this.refresh();
      }
    });
    return this._refreshing;
  }

  async launchWorkstation(request: LaunchRequest): Promise<string> {
    const id = await this._api.launchWorkstation(request);
    if (!this._views.has(id)) {
      this._views.set(id, new LaunchView());
    }
    void this.refresh();
    return id;
  }

  async stopWorkstation(id: string): Promise<void> {
    await this._api.changeWorkstation(id, 'stop');
    await this._loadWorkstations();
  }

  async startWorkstation(id: string): Promise<void> {
    await this._api.changeWorkstation(id, 'start');
    await this._loadWorkstations();
  }

  async hibernateWorkstation(id: string): Promise<void> {
    await this._api.changeWorkstation(id, 'hibernate');
    await this._loadWorkstations();
  }

  async resizeWorkstation(id: string, size: string): Promise<void> {
    await this._api.resizeWorkstation(id, size);
    await this._loadWorkstations();
  }

  async keepRunning(id: string, hours: number): Promise<void> {
    await this._api.keepRunning(id, hours);
    this._idleWarnings.delete(id);
    this._changed.emit();
  }

  costs(): Promise<CostReport> {
    return this._api.costs();
  }

  async terminateWorkstation(id: string): Promise<void> {
    await this._api.terminateWorkstation(id);
    await this._loadWorkstations();
  }

  connectionOf(id: string): Promise<Connection> {
    return this._api.connectionOf(id);
  }

  listProjects(): Promise<Project[]> {
    return this._api.listProjects();
  }

  validateTemplate(yaml: string, fileName: string): Promise<ITemplateValidation> {
    return this._api.validateTemplate(yaml, fileName);
  }

  async saveTemplate(yaml: string, scope?: ITemplateScope): Promise<TemplateSummary> {
    const saved = await this._api.saveTemplate(yaml, scope);
    await this.refresh();
    return saved;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._socket.close();
    window.clearTimeout(this._unknownTimer);
    Signal.clearData(this);
  }

  private _follow(api: PrismApi): PrismSocket {
    const socket = openRealtime(api);
    this._setStatus('connecting');
    // Events may have been missed while disconnected: reload and replay.
    socket.on('connect', () => {
      this._setStatus('connected');
      void this.refresh();
    });
    socket.on('disconnect', () => this._setStatus('disconnected'));
    socket.on('connect_error', () => this._setStatus('disconnected'));
    socket.on('instance:progress', event => this._receive(event));
    socket.on('instance:log', event => this._receive(event));
    socket.on('instance:state', event => this._receive(event));
    socket.on('instance:idle-warning', event => {
      this._receive(event);
      this._idleWarned.emit(event);
    });
    socket.on('notebook:published', event => this._notebookShared.emit(event));
    socket.on('notebook:unpublished', event => this._notebookShared.emit(event));
    return socket;
  }

  private async _load(): Promise<void> {
    try {
      const [templates] = await Promise.all([
        this._api.listTemplates(),
        this._loadWorkstations(),
        this._loadCloud()
      ]);
      this._templates = templates;
      this._problem = null;
    } catch (reason) {
      this._problem = problemOf(reason);
      this._changed.emit();
      return;
    }
    this._changed.emit();
    const live = this._workstations.filter(w => w.state !== 'terminated');
    await Promise.all(live.map(w => this._replay(w)));
  }

  /** Never fails the refresh: a service that cannot be asked shows in `problem` already. */
  private async _loadCloud(): Promise<void> {
    try {
      this._cloud = (await this._api.request<Health>('health')).cloud;
    } catch {
      this._cloud = null;
    }
  }

  private async _loadWorkstations(): Promise<void> {
    const workstations = await this._api.listWorkstations();
    this._workstations = workstations
      .map(w => ({ ...w, percent: Math.max(w.percent, this._percentOf(w.id)) }))
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    this._changed.emit();
  }

  /**
   * Rebuild one launch view from its history. Live events that arrive
   * meanwhile are kept and folded in after it; the view skips repeats.
   */
  private async _replay(workstation: Workstation): Promise<void> {
    const { id } = workstation;
    const arrived: WorkstationEvent[] = [];
    this._arriving.set(id, arrived);
    try {
      const history = await this._api.eventsOf(id);
      const view = LaunchView.fromWorkstation(workstation);
      const events = [...history, ...arrived];
      for (const event of events) {
        view.apply(event);
      }
      this._views.set(id, view);
      this._foldIdle(id, events);
    } catch (reason) {
      if (!this._views.has(id)) {
        this._views.set(id, LaunchView.fromWorkstation(workstation));
      }
      console.warn(`Prism: could not replay the launch of ${id}`, reason);
    } finally {
      if (this._arriving.get(id) === arrived) {
        this._arriving.delete(id);
      }
    }
    this._changed.emit();
  }

  private _receive(event: WorkstationEvent): void {
    this._arriving.get(event.id)?.push(event);
    let view = this._views.get(event.id);
    if (!view) {
      view = new LaunchView();
      this._views.set(event.id, view);
    }
    view.apply(event);
    this._foldIdle(event.id, [event]);
    const known = this._updateWorkstation(event);
    // What the launch settled (hibernation, address) is in the record only.
    if (!known || (event.kind === 'progress' && event.phase === 'ready')) {
      this._reloadSoon();
    }
    this._changed.emit();
  }

  /** @returns false when the workstation is not in the list yet. */
  private _updateWorkstation(event: WorkstationEvent): boolean {
    const index = this._workstations.findIndex(w => w.id === event.id);
    if (index < 0) {
      return false;
    }
    const current = this._workstations[index];
    const next: Workstation =
      event.kind === 'state'
        ? { ...current, state: event.state }
        : event.kind === 'progress'
          ? {
              ...current,
              phase: event.phase,
              percent: Math.max(current.percent, event.percent)
            }
          : current;
    if (next !== current) {
      this._workstations = this._workstations.map((w, i) =>
        i === index ? next : w
      );
    }
    return true;
  }

  /**
   * Keep the pending idle action current: a warning sets it; keeping it
   * running, the action itself, or any state but running clears it.
   */
  private _foldIdle(id: string, events: ReadonlyArray<WorkstationEvent>): void {
    for (const event of events) {
      if (event.kind === 'idle' && event.status === 'warning') {
        this._idleWarnings.set(id, event);
      } else if (
        event.kind === 'idle' ||
        (event.kind === 'state' && event.state !== 'running')
      ) {
        this._idleWarnings.delete(id);
      }
    }
  }

  /** Events of a workstation launched elsewhere (another tab, the CLI). */
  private _reloadSoon(): void {
    window.clearTimeout(this._unknownTimer);
    this._unknownTimer = window.setTimeout(
      () => void this.refresh(),
      UNKNOWN_WORKSTATION_DELAY_MS
    );
  }

  private _percentOf(id: string): number {
    return this._views.get(id)?.percent ?? 0;
  }

  private _setStatus(status: ServiceStatus): void {
    if (this._status !== status) {
      this._status = status;
      this._changed.emit();
    }
  }

  private _options: IServiceOptions;
  private _api: PrismApi;
  private _socket: PrismSocket;
  private _status: ServiceStatus = 'connecting';
  private _templates: TemplateSummary[] = [];
  private _workstations: Workstation[] = [];
  private _problem: Problem | null = null;
  private _cloud: Health['cloud'] | null = null;
  private _views = new Map<string, LaunchView>();
  private _idleWarnings = new Map<string, IdleEvent>();
  private _arriving = new Map<string, WorkstationEvent[]>();
  private _refreshing: Promise<void> | null = null;
  private _refreshAgain = false;
  private _unknownTimer = 0;
  private _isDisposed = false;
  private _changed = new Signal<IPrismModel, void>(this);
  private _idleWarned = new Signal<IPrismModel, IdleEvent>(this);
  private _notebookShared = new Signal<IPrismModel, NotebookPublishedEvent | NotebookUnpublishedEvent>(this);
}
