/**
 * The audit log view's state: the filters, the page shown and how to reach
 * the pages before it (the service pages newest first with a cursor, so
 * going back to newer entries replays the cursors that led here).
 */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { problemOf } from '../api';
import type { IPrismModel, Problem } from '../tokens';
import type { AuditEntry, AuditQuery } from '../../../server/src/contract/audit';

/** What the researcher typed in the filter fields; empty means "any". */
export interface IAuditFilters {
  user: string;
  action: string;
  object: string;
  /** A status (403), a class (4xx) or a problem code (FORBIDDEN). */
  result: string;
  /** A day, `YYYY-MM-DD`, from its start in the browser's time zone. */
  from: string;
  /** A day, `YYYY-MM-DD`, to its end in the browser's time zone. */
  to: string;
}

export const NO_FILTERS: IAuditFilters = { user: '', action: '', object: '', result: '', from: '', to: '' };

const PAGE_SIZE = 50;

export class AuditModel implements IDisposable {
  constructor(private readonly _prism: IPrismModel) {}

  /** Emitted whenever anything below changes. */
  get changed(): ISignal<AuditModel, void> {
    return this._changed;
  }
  get filters(): IAuditFilters {
    return this._filters;
  }
  /** The entries of the page shown, newest first. */
  get entries(): ReadonlyArray<AuditEntry> {
    return this._entries;
  }
  /** 1 for the newest page. */
  get pageNumber(): number {
    return this._cursors.length;
  }
  get hasOlder(): boolean {
    return this._nextCursor !== null;
  }
  get hasNewer(): boolean {
    return this._cursors.length > 1;
  }
  get loading(): boolean {
    return this._loading;
  }
  /** Why the last request failed (FORBIDDEN for anyone but an admin); null when it succeeded. */
  get problem(): Problem | null {
    return this._problem;
  }
  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /** Show the newest page that matches `filters`. Never throws. */
  async filter(filters: IAuditFilters): Promise<void> {
    this._filters = { ...filters };
    this._cursors = [null];
    await this._load();
  }

  /** Load the page shown again (the newest, when on the first). Never throws. */
  async reload(): Promise<void> {
    await this._load();
  }

  async older(): Promise<void> {
    if (this._nextCursor === null) return;
    this._cursors.push(this._nextCursor);
    await this._load();
  }

  async newer(): Promise<void> {
    if (this._cursors.length <= 1) return;
    this._cursors.pop();
    await this._load();
  }

  /** Every entry the filters match, as CSV. @throws {PrismRequestError} */
  exportCsv(): Promise<Blob> {
    return this._prism.api.auditCsv(auditQuery(this._filters));
  }

  dispose(): void {
    if (this._isDisposed) return;
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private async _load(): Promise<void> {
    const ask = ++this._asked;
    this._loading = true;
    this._emit();
    const cursor = this._cursors[this._cursors.length - 1];
    try {
      const page = await this._prism.api.auditLog({
        ...auditQuery(this._filters),
        limit: PAGE_SIZE,
        ...(cursor !== null && { cursor })
      });
      // An older answer (the filters changed meanwhile) never overwrites a newer one.
      if (ask !== this._asked) return;
      this._entries = page.entries;
      this._nextCursor = page.nextCursor;
      this._problem = null;
    } catch (reason) {
      if (ask !== this._asked) return;
      this._problem = problemOf(reason);
    }
    this._loading = false;
    this._emit();
  }

  private _emit(): void {
    if (!this._isDisposed) this._changed.emit();
  }

  private _filters: IAuditFilters = { ...NO_FILTERS };
  private _entries: AuditEntry[] = [];
  /** The cursor each page up to the one shown was loaded with; null for the newest. */
  private _cursors: (string | null)[] = [null];
  private _nextCursor: string | null = null;
  private _loading = false;
  private _problem: Problem | null = null;
  private _asked = 0;
  private _isDisposed = false;
  private _changed = new Signal<AuditModel, void>(this);
}

/** The filters as the service takes them: days become instants in the browser's time zone. */
export function auditQuery(filters: IAuditFilters): AuditQuery {
  const day = (value: string, time: string): string | undefined =>
    value ? new Date(`${value}T${time}`).toISOString() : undefined;
  const text = (value: string): string | undefined => value.trim() || undefined;
  return {
    user: text(filters.user),
    action: text(filters.action),
    object: text(filters.object),
    result: text(filters.result),
    from: day(filters.from, '00:00:00.000'),
    to: day(filters.to, '23:59:59.999')
  };
}
