/**
 * The costs view's state: the last `GET /costs` report, loaded again
 * whenever a workstation's state changes (a stop or start changes the
 * projection at once).
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { problemOf } from '../api';
import type { CostReport, IPrismModel, Problem } from '../tokens';

export class CostsModel implements IDisposable {
  constructor(private readonly _prism: IPrismModel) {
    this._states = statesOf(_prism);
    _prism.changed.connect(this._onPrismChanged, this);
  }

  /** Emitted whenever anything below changes. */
  get changed(): ISignal<CostsModel, void> {
    return this._changed;
  }
  /** The last report; null until one arrived. */
  get report(): CostReport | null {
    return this._report;
  }
  /** Why the last load failed; null when it succeeded. */
  get problem(): Problem | null {
    return this._problem;
  }
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Ask the service again; an older answer never overwrites a newer one. Never throws. */
  async load(): Promise<void> {
    const ask = ++this._asked;
    try {
      const report = await this._prism.costs();
      if (ask === this._asked) {
        this._report = report;
        this._problem = null;
      }
    } catch (reason) {
      if (ask === this._asked) {
        this._problem = problemOf(reason);
      }
    }
    if (ask === this._asked && !this._isDisposed) {
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private _onPrismChanged(): void {
    const states = statesOf(this._prism);
    if (states !== this._states) {
      this._states = states;
      void this.load();
    }
  }

  private _report: CostReport | null = null;
  private _problem: Problem | null = null;
  private _states = '';
  private _asked = 0;
  private _isDisposed = false;
  private _changed = new Signal<CostsModel, void>(this);
}

/** Which workstations there are and in what state, as one comparable string. */
function statesOf(prism: IPrismModel): string {
  return prism.workstations.map(w => `${w.id}:${w.state}`).join(',');
}
