/**
 * The community template catalog's REST resources (docs/catalog.md), shared
 * by the service and the extension.
 */
import type { Arch } from './events';

export interface Rating {
  /** Mean of the users' ratings, 1..5, one decimal; 0 when there are none. */
  average: number;
  count: number;
}

/** One template the catalog publishes, seen from this Prism. */
export interface CatalogTemplate {
  name: string;
  version: string;
  title: string;
  description: string;
  arches: Arch[];
  /** The parent it builds on, if any. */
  inherits: string | null;
  publishedAt: string;
  /** The newest version in the local library; null when not installed. */
  installed: string | null;
  /** The catalog publishes a newer version than the installed one. */
  updateAvailable: boolean;
  /** An admin allowed it to be installed here. */
  allowed: boolean;
  rating: Rating;
}

export interface CatalogListing {
  catalog: { name: string; updatedAt: string };
  templates: CatalogTemplate[];
}

export interface CatalogInstallResult {
  name: string;
  version: string;
  /** The files written, the template and the parents it needed, parents first. */
  installed: { name: string; version: string; file: string }[];
}

export interface Review {
  template: string;
  user: string;
  rating: number;
  text: string;
  /** When it was written or last replaced. */
  at: string;
}

export interface ReviewRequest {
  rating: number;
  text?: string;
}
