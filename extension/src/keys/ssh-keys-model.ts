/**
 * The SSH keys view's state: the caller's public keys as the service keeps
 * them, and the last problem (a private key pasted, a duplicate) with its hint.
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { problemOf } from '../api';
import type { IPrismModel, Problem } from '../tokens';
import type { SshKey } from '../../../server/src/contract/team';

export class SshKeysModel implements IDisposable {
  constructor(private readonly _prism: IPrismModel) {}

  /** Emitted whenever anything below changes. */
  get changed(): ISignal<SshKeysModel, void> {
    return this._changed;
  }
  /** Oldest first, as the service lists them. */
  get keys(): ReadonlyArray<SshKey> {
    return this._keys;
  }
  get loading(): boolean {
    return this._loading;
  }
  /** Why the last request failed; null when it succeeded. */
  get problem(): Problem | null {
    return this._problem;
  }
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Never throws: a failure is in `problem`. */
  async reload(): Promise<void> {
    await this._run(async () => {
      this._keys = await this._prism.api.sshKeys();
    });
  }

  /** True when the key was added (the list then shows it). Never throws. */
  async add(publicKey: string): Promise<boolean> {
    return this._run(async () => {
      await this._prism.api.addSshKey(publicKey);
      this._keys = await this._prism.api.sshKeys();
    });
  }

  /** Never throws. */
  async remove(fingerprint: string): Promise<boolean> {
    return this._run(async () => {
      await this._prism.api.deleteSshKey(fingerprint);
      this._keys = await this._prism.api.sshKeys();
    });
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private async _run(work: () => Promise<void>): Promise<boolean> {
    this._loading = true;
    this._changed.emit();
    try {
      await work();
      this._problem = null;
      return true;
    } catch (reason) {
      this._problem = problemOf(reason);
      return false;
    } finally {
      this._loading = false;
      if (!this._isDisposed) this._changed.emit();
    }
  }

  private _keys: SshKey[] = [];
  private _loading = false;
  private _problem: Problem | null = null;
  private _isDisposed = false;
  private readonly _changed = new Signal<SshKeysModel, void>(this);
}
