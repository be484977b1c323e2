/**
 * The catalog's state for its view: the listing for the current search,
 * whether the caller is an admin, and the last problem per template.
 * Requests go through the Prism model's request seam.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type {
  CatalogInstallResult,
  CatalogListing,
  Review
} from '../../../server/src/contract/catalog';
import type { Me } from '../../../server/src/contract/api';
import { problemOf } from '../api';
import type { IPrismModel, Problem } from '../tokens';

/** A problem, with the template diagnostics a refused install carries. */
export type CatalogProblem = Problem & {
  diagnostics?: { file: string; line: number; column: number; message: string; hint: string }[];
};

export class CatalogModel {
  constructor(private readonly _prism: IPrismModel) {}

  /** Emitted whenever anything below changes. */
  get changed(): ISignal<CatalogModel, void> {
    return this._changed;
  }
  get listing(): CatalogListing | null {
    return this._listing;
  }
  get query(): string {
    return this._query;
  }
  get isAdmin(): boolean {
    return this._isAdmin;
  }
  /** Why the catalog could not be listed; null when it could. */
  get problem(): CatalogProblem | null {
    return this._problem;
  }
  /** Templates with a request in flight. */
  isBusy(name: string): boolean {
    return this._busy.has(name);
  }
  /** The last refused action on one template. */
  problemOf(name: string): CatalogProblem | null {
    return this._problems.get(name) ?? null;
  }

  /** List for `query`; `refresh` reads the catalog's index again now. Never throws. */
  async load(query = this._query, refresh = false): Promise<void> {
    this._query = query;
    const ask = ++this._asked;
    try {
      const [listing, me] = await Promise.all([
        this._prism.api.request<CatalogListing>(
          `catalog/templates?${new URLSearchParams({ q: query, ...(refresh && { refresh: '1' }) })}`
        ),
        this._prism.api.request<Me>('me')
      ]);
      // An older search answering late must not overwrite a newer one.
      if (ask !== this._asked) return;
      this._listing = listing;
      this._isAdmin = me.roles.includes('admin');
      this._problem = null;
    } catch (reason) {
      if (ask !== this._asked) return;
      this._problem = problemOf(reason);
    }
    this._changed.emit();
  }

  /** Install (or update) a template and the parents it needs; the launcher then offers it. */
  async install(name: string): Promise<CatalogInstallResult | null> {
    return this._act(name, async () => {
      const result = await this._prism.api.request<CatalogInstallResult>(
        `catalog/templates/${encodeURIComponent(name)}/install`,
        { method: 'POST' }
      );
      await this._prism.refresh();
      return result;
    });
  }

  async setAllowed(name: string, allowed: boolean): Promise<void> {
    await this._act(name, () =>
      this._prism.api.request(`catalog/allowed/${encodeURIComponent(name)}`, {
        method: allowed ? 'PUT' : 'DELETE'
      })
    );
  }

  /** The caller's review; replaces their earlier one. */
  async review(name: string, rating: number, text: string): Promise<Review | null> {
    return this._act(name, () =>
      this._prism.api.request<Review>(
        `catalog/templates/${encodeURIComponent(name)}/reviews`,
        { method: 'POST', body: JSON.stringify({ rating, text }) }
      )
    );
  }

  /** @throws {PrismRequestError} */
  reviews(name: string): Promise<Review[]> {
    return this._prism.api.request(
      `catalog/templates/${encodeURIComponent(name)}/reviews`
    );
  }

  /** Runs one action on a template, keeps its problem, then reloads the list. */
  private async _act<T>(name: string, action: () => Promise<T>): Promise<T | null> {
    this._busy.add(name);
    this._problems.delete(name);
    this._changed.emit();
    try {
      return await action();
    } catch (reason) {
      // A refused install's problem carries the template's diagnostics.
      this._problems.set(name, problemOf(reason) as CatalogProblem);
      return null;
    } finally {
      this._busy.delete(name);
      await this.load();
    }
  }

  private _changed = new Signal<CatalogModel, void>(this);
  private _listing: CatalogListing | null = null;
  private _query = '';
  private _asked = 0;
  private _isAdmin = false;
  private _problem: CatalogProblem | null = null;
  private _problems = new Map<string, CatalogProblem>();
  private _busy = new Set<string>();
}
