/**
 * The storage view's state: the last `GET /storage` report, each
 * workstation's snapshot schedule, and the outcome of the last action
 * (snapshot, schedule, cleanup, restore). Every request goes through the
 * Prism model's `api`.
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type {
  CleanupOutcome,
  RestoredVolume,
  SnapshotSchedule,
  StorageKind,
  StorageReport
} from '../../../server/src/contract/storage';
import { problemOf } from '../api';
import type { IPrismModel, Problem, Workstation } from '../tokens';

/** What the person asked to delete: a row of the cleanup dialog. */
export interface ICleanupChoice {
  kind: StorageKind;
  id: string;
  name: string;
  monthlyCost: number;
}

export class StorageModel implements IDisposable {
  constructor(private readonly _prism: IPrismModel) {
    _prism.changed.connect(this._onPrismChanged, this);
  }

  /** Emitted whenever anything below changes. */
  get changed(): ISignal<StorageModel, void> {
    return this._changed;
  }
  /** The last report; null until one arrived. */
  get report(): StorageReport | null {
    return this._report;
  }
  /** Why the last request failed; null when it succeeded. */
  get problem(): Problem | null {
    return this._problem;
  }
  /** What the last cleanup did, item by item; empty before one. */
  get cleanupOutcomes(): CleanupOutcome[] {
    return this._outcomes;
  }
  /** The last volume restored from a snapshot; null before one. */
  get restored(): RestoredVolume | null {
    return this._restored;
  }
  /** Workstations that can be snapshotted (not terminated, not failed). */
  get workstations(): Workstation[] {
    return this._prism.workstations.filter(w => w.state !== 'terminated' && w.state !== 'failed');
  }
  /** A workstation's schedule: undefined until loaded, null when none is set. */
  scheduleOf(id: string): SnapshotSchedule | null | undefined {
    return this._schedules.get(id);
  }
  /** Whether a request is in flight (buttons wait). */
  get busy(): boolean {
    return this._busy > 0;
  }
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Ask the service again, with every workstation's schedule. Never throws. */
  async load(): Promise<void> {
    await this._run(async () => {
      this._report = await this._prism.api.storage();
      const schedules = await Promise.all(
        this.workstations.map(async w => [w.id, await this._prism.api.snapshotSchedule(w.id)] as const)
      );
      this._schedules = new Map(schedules);
    });
  }

  /** Snapshot the workstation's root volume now. Never throws. */
  async snapshotNow(id: string): Promise<void> {
    await this._run(async () => {
      await this._prism.api.takeSnapshot(id);
      this._report = await this._prism.api.storage();
    });
  }

  /** Snapshot every `everyHours`, keeping `keep`. Never throws. */
  async setSchedule(id: string, everyHours: number, keep: number): Promise<void> {
    await this._run(async () => {
      this._schedules.set(id, await this._prism.api.setSnapshotSchedule(id, { everyHours, keep }));
    });
  }

  /** Stop scheduled snapshots (the ones taken stay). Never throws. */
  async clearSchedule(id: string): Promise<void> {
    await this._run(async () => {
      await this._prism.api.deleteSnapshotSchedule(id);
      this._schedules.set(id, null);
    });
  }

  /** Make a new EBS volume from a snapshot. Never throws. */
  async restore(snapshotId: string): Promise<void> {
    await this._run(async () => {
      this._restored = await this._prism.api.restoreSnapshot(snapshotId);
      this._report = await this._prism.api.storage();
    });
  }

  /** Delete exactly the confirmed items, then reload. Never throws. */
  async cleanup(items: ICleanupChoice[]): Promise<void> {
    await this._run(async () => {
      this._outcomes = await this._prism.api.cleanupStorage(items.map(({ kind, id }) => ({ kind, id })));
      this._report = await this._prism.api.storage();
    });
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private async _run(work: () => Promise<void>): Promise<void> {
    this._busy++;
    this._emit();
    try {
      await work();
      this._problem = null;
    } catch (reason) {
      this._problem = problemOf(reason);
    } finally {
      this._busy--;
      this._emit();
    }
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _onPrismChanged(): void {
    // A workstation gone or terminated changes what is unused.
    const states = this._prism.workstations.map(w => `${w.id}:${w.state}`).join(',');
    if (states !== this._states) {
      this._states = states;
      void this.load();
    }
  }

  private _report: StorageReport | null = null;
  private _problem: Problem | null = null;
  private _outcomes: CleanupOutcome[] = [];
  private _restored: RestoredVolume | null = null;
  private _schedules = new Map<string, SnapshotSchedule | null>();
  private _states = '';
  private _busy = 0;
  private _isDisposed = false;
  private _changed = new Signal<StorageModel, void>(this);
}
