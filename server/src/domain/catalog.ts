/**
 * The community template catalog (docs/catalog.md): its templates beside the
 * local library, installing one with the parents it needs, the admins'
 * allow-list, and users' ratings and reviews.
 */
import type { CatalogInstallResult, CatalogListing, CatalogTemplate, Rating, Review } from '../contract/catalog';
import { compareVersions } from '../templates/semver';
import { parseCatalogIndex, type CatalogEntry, type CatalogIndex } from './catalog-index';
import { PrismError } from './errors';
import type { Caller, Clock, TemplateCatalog } from './ports';
import type { TemplateDiagnostic } from './template';

/** Where the catalog is published (S3 in aws/catalog-source.ts). */
export interface CatalogSource {
  /** Where the index is, for messages. */
  readonly location: string;
  readIndex(): Promise<string>;
  /** A template file, by its path relative to the index. */
  readFile(path: string): Promise<string>;
}

export interface CatalogStore {
  allowedTemplates(): Set<string>;
  allowTemplate(name: string, by: string, at: Date): void;
  disallowTemplate(name: string): void;
  saveReview(review: Review): 'created' | 'replaced';
  /** Newest first. */
  reviews(template: string): Review[];
  ratings(): Map<string, Rating>;
}

export interface CatalogFile {
  name: string;
  version: string;
  /** Its path in the catalog, where diagnostics point. */
  path: string;
  text: string;
}

/** Writes catalog files into the local library (server/src/catalog/template-installer.ts). */
export interface TemplateInstaller {
  /**
   * Checks the files together with the local library and, only when none
   * has a problem, writes them all and reloads the library.
   */
  install(files: CatalogFile[]): Promise<{ diagnostics: TemplateDiagnostic[]; written: CatalogInstallResult['installed'] }>;
}

/** A catalog template with problems: the problem carries the diagnostics. */
export class TemplateInvalidError extends PrismError {
  constructor(
    name: string,
    readonly diagnostics: TemplateDiagnostic[]
  ) {
    super(
      'TEMPLATE_INVALID',
      422,
      'The catalog template is not valid',
      `'${name}' cannot be installed: ${diagnostics
        .slice(0, 3)
        .map(d => `${d.file} line ${d.line}, column ${d.column}: ${d.message}`)
        .join('; ')}`,
      "Nothing was installed. The diagnostics say where each problem is; ask the catalog's publisher to fix the template."
    );
  }
}

/** How long the index is trusted before it is read again. */
export const CATALOG_TTL_MS = 5 * 60_000;
export const REVIEW_MAX_CHARS = 500;

export class CommunityCatalog {
  private cached: { index: Promise<CatalogIndex>; at: number } | undefined;

  constructor(
    private readonly deps: {
      source: CatalogSource;
      store: CatalogStore;
      library: TemplateCatalog;
      installer: TemplateInstaller;
      clock: Clock;
    }
  ) {}

  /** The catalog's templates matching every word of `query`, each as it stands here. */
  async list(options: { query?: string; refresh?: boolean } = {}): Promise<CatalogListing> {
    const index = await this.index(options.refresh);
    const words = (options.query ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const allowed = this.deps.store.allowedTemplates();
    const ratings = this.deps.store.ratings();
    const templates = index.templates
      .filter(entry => {
        const text = `${entry.name} ${entry.title} ${entry.description}`.toLowerCase();
        return words.every(word => text.includes(word));
      })
      .map(entry => this.describe(entry, allowed, ratings))
      .sort((a, b) => a.name.localeCompare(b.name));
    return { catalog: index.catalog, templates };
  }

  /**
   * Installs the catalog's version of `name` and each parent it inherits
   * that is not local, all or nothing.
   */
  async install(name: string, caller: Caller): Promise<CatalogInstallResult> {
    requireAdmin(caller, `install '${name}'`);
    const index = await this.index();
    const entry = entryOf(index, name);
    if (!this.deps.store.allowedTemplates().has(name)) {
      throw new PrismError(
        'TEMPLATE_NOT_ALLOWED',
        403,
        'Not allowed here',
        `The catalog template '${name}' is not on this Prism's allow-list.`,
        `An admin must allow it first (the Allow switch in the catalog, or PUT /api/v1/catalog/allowed/${name}).`
      );
    }
    const needed = this.chainToInstall(index, entry);
    if (needed.length === 0) return { name, version: entry.version, installed: [] };
    const files = await Promise.all(
      needed.map(async e => ({ name: e.name, version: e.version, path: e.path, text: await this.deps.source.readFile(e.path) }))
    );
    const { diagnostics, written } = await this.deps.installer.install(files);
    if (diagnostics.length > 0) throw new TemplateInvalidError(name, diagnostics);
    return { name, version: entry.version, installed: written };
  }

  async allow(name: string, caller: Caller): Promise<void> {
    requireAdmin(caller, `allow '${name}'`);
    entryOf(await this.index(), name);
    this.deps.store.allowTemplate(name, caller.user, this.deps.clock.now());
  }

  async disallow(name: string, caller: Caller): Promise<void> {
    requireAdmin(caller, `disallow '${name}'`);
    this.deps.store.disallowTemplate(name);
  }

  /** The caller's review of `name`; a second one replaces the first. */
  async review(name: string, caller: Caller, input: { rating: number; text?: string }): Promise<{ review: Review; replaced: boolean }> {
    entryOf(await this.index(), name);
    const review: Review = {
      template: name,
      user: caller.user,
      rating: input.rating,
      text: (input.text ?? '').trim(),
      at: this.deps.clock.now().toISOString()
    };
    const outcome = this.deps.store.saveReview(review);
    return { review, replaced: outcome === 'replaced' };
  }

  async reviews(name: string): Promise<Review[]> {
    entryOf(await this.index(), name);
    return this.deps.store.reviews(name);
  }

  /** Parents first; stops at a parent the library has, or one the catalog lacks (validation then names it). */
  private chainToInstall(index: CatalogIndex, entry: CatalogEntry): CatalogEntry[] {
    const chain: CatalogEntry[] = [];
    const seen = new Set<string>();
    let current: CatalogEntry | undefined = entry;
    if (this.deps.library.get(entry.name, entry.version)) return [];
    while (current && !seen.has(current.name)) {
      seen.add(current.name);
      chain.unshift(current);
      const parent: string | undefined = current.inherits;
      current = parent && !this.deps.library.get(parent) ? index.templates.find(e => e.name === parent) : undefined;
    }
    return chain;
  }

  private describe(entry: CatalogEntry, allowed: Set<string>, ratings: Map<string, Rating>): CatalogTemplate {
    const installed = this.deps.library.get(entry.name)?.version ?? null;
    return {
      name: entry.name,
      version: entry.version,
      title: entry.title,
      description: entry.description,
      arches: entry.arches,
      inherits: entry.inherits ?? null,
      publishedAt: entry.publishedAt,
      installed,
      updateAvailable: installed !== null && compareVersions(entry.version, installed) > 0,
      allowed: allowed.has(entry.name),
      rating: ratings.get(entry.name) ?? { average: 0, count: 0 }
    };
  }

  /** The index, read again after the TTL or on demand; a failed read is not kept. */
  private index(refresh = false): Promise<CatalogIndex> {
    const now = this.deps.clock.now().getTime();
    if (!refresh && this.cached && now - this.cached.at < CATALOG_TTL_MS) return this.cached.index;
    const { source } = this.deps;
    const index = source.readIndex().then(text => parseCatalogIndex(text, source.location));
    const entry = { index, at: now };
    this.cached = entry;
    index.catch(() => {
      if (this.cached === entry) this.cached = undefined;
    });
    return index;
  }
}

function entryOf(index: CatalogIndex, name: string): CatalogEntry {
  const entry = index.templates.find(e => e.name === name);
  if (!entry) {
    throw new PrismError(
      'CATALOG_TEMPLATE_NOT_FOUND',
      404,
      'Not in the catalog',
      `The catalog '${index.catalog.name}' publishes no template '${name}'.`,
      'List the catalog (GET /api/v1/catalog/templates) for the names it publishes.'
    );
  }
  return entry;
}

function requireAdmin(caller: Caller, action: string): void {
  if (!caller.roles.includes('admin')) {
    throw new PrismError(
      'FORBIDDEN',
      403,
      'Admins only',
      `Only a Prism admin may ${action}.`,
      'Ask a Prism admin (behind JupyterHub, a member of the admin group) to do it for you.'
    );
  }
}
