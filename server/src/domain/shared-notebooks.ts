/**
 * Shared notebooks: a project's members and admins publish versions of a
 * notebook; everyone in the project lists them and opens copies; the author,
 * the project's admins and Prism admins in the project unpublish. The bytes
 * are kept exactly as published (checked against their SHA-256 on the way
 * out); the record is the store's, the bytes the NotebookObjects port's.
 */
import crypto from 'node:crypto';
import type { NotebookPublishedEvent, NotebookUnpublishedEvent, SharedNotebook, SharedNotebookVersion } from '../contract/shared-notebooks';
import { invalidRequest, PrismError } from './errors';
import type { Caller, Clock, DomainLogger } from './ports';
import { forbidden, type Projects } from './projects';
import { checkNotebookName, checkNotebookBytes, NOTEBOOK_MAX_BYTES } from './shared-notebooks-checks';

/** Where a version's bytes are. */
export interface StoredNotebookVersion extends SharedNotebookVersion {
  bucket: string;
  key: string;
}

export interface PublishedRow extends StoredNotebookVersion {
  versions: number;
}

/** Shared notebooks' records (store/sqlite-shared-notebook-store.ts); promises, so a networked database fits too. */
export interface SharedNotebookStore {
  /** The notebook's author, undefined when `name` is not shared in `project`. */
  authorOf(project: string, name: string): Promise<string | undefined>;
  /**
   * Records the next version of the notebook (making it when new) in one
   * transaction, and returns its number; `takenBy` when another author shares
   * a notebook of that name in the project.
   */
  addVersion(entry: Omit<StoredNotebookVersion, 'version'>): Promise<{ version: number } | { takenBy: string }>;
  /** Each notebook of the project with its latest version, newest first. */
  notebooks(project: string): Promise<PublishedRow[]>;
  /** Newest first; empty when the notebook is not shared. */
  versions(project: string, name: string): Promise<StoredNotebookVersion[]>;
  version(project: string, name: string, version: number): Promise<StoredNotebookVersion | undefined>;
  /** Removes the version (and the notebook with its last one); what it removed. */
  removeVersion(project: string, name: string, version: number): Promise<StoredNotebookVersion | undefined>;
  /** Removes the notebook and all its versions; what it removed. */
  removeNotebook(project: string, name: string): Promise<StoredNotebookVersion[]>;
}

/** Notebook bytes in Prism's own S3 bucket (aws/notebook-objects.ts). */
export interface NotebookObjects {
  /** Stores the bytes at `key`; the bucket they went to. */
  put(key: string, bytes: Buffer): Promise<{ bucket: string }>;
  get(bucket: string, key: string): Promise<Buffer>;
  remove(bucket: string, key: string): Promise<void>;
}

/** Who hears of a publication: the project's people (their socket room). */
export interface NotebookEventSink {
  published(event: NotebookPublishedEvent): void;
  unpublished(event: NotebookUnpublishedEvent): void;
}

export interface SharedNotebooksDeps {
  store: SharedNotebookStore;
  objects: NotebookObjects;
  projects: Pick<Projects, 'require' | 'admins'>;
  events: NotebookEventSink;
  clock: Clock;
  logger: DomainLogger;
}

export const NOTEBOOK_PREFIX = 'prism-shared-notebooks';

export class SharedNotebooks {
  constructor(private readonly deps: SharedNotebooksDeps) {}

  /** Refuses a caller who may not publish in the project before their notebook is read. */
  requirePublisher(user: string, project: string): void {
    this.deps.projects.require(user, project, 'member');
  }

  async publishNotebook(user: string, project: string, name: string, bytes: Buffer, note = ''): Promise<SharedNotebookVersion> {
    this.requirePublisher(user, project);
    checkNotebookName(name);
    if (bytes.length > NOTEBOOK_MAX_BYTES) throw notebookTooLarge();
    checkNotebookBytes(bytes);
    const author = await this.deps.store.authorOf(project, name);
    if (author !== undefined && author !== user) throw nameTaken(project, name, author);

    const key = `${NOTEBOOK_PREFIX}/${project}/${crypto.randomUUID()}.ipynb`;
    const { bucket } = await this.deps.objects.put(key, bytes);
    const entry = {
      project,
      name,
      author: user,
      note,
      size: bytes.length,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      publishedAt: this.deps.clock.now().toISOString(),
      bucket,
      key
    };
    const added = await this.deps.store.addVersion(entry);
    if ('takenBy' in added) {
      await this.removeObjects([{ ...entry, version: 0 }]);
      throw nameTaken(project, name, added.takenBy);
    }
    const version = publicPart({ ...entry, version: added.version });
    this.deps.logger.info({ project, notebook: name, version: added.version, user, size: bytes.length }, 'notebook published');
    this.deps.events.published({ kind: 'published', ...version });
    return version;
  }

  async listNotebooks(caller: Caller, project: string): Promise<SharedNotebook[]> {
    const role = this.deps.projects.require(caller.user, project, 'viewer');
    const rows = await this.deps.store.notebooks(project);
    return rows.map(row => ({
      ...publicPart(row),
      versions: row.versions,
      canUnpublish: row.author === caller.user || role === 'admin' || caller.roles.includes('admin')
    }));
  }

  async listVersions(user: string, project: string, name: string): Promise<SharedNotebookVersion[]> {
    this.deps.projects.require(user, project, 'viewer');
    const versions = await this.deps.store.versions(project, name);
    if (versions.length === 0) throw notebookNotFound(project, name);
    return versions.map(publicPart);
  }

  /** The version's bytes, exactly as published. */
  async openVersion(user: string, project: string, name: string, version: number): Promise<{ version: SharedNotebookVersion; bytes: Buffer }> {
    this.deps.projects.require(user, project, 'viewer');
    const stored = await this.deps.store.version(project, name, version);
    if (!stored) throw versionNotFound(project, name, version);
    const bytes = await this.deps.objects.get(stored.bucket, stored.key);
    if (crypto.createHash('sha256').update(bytes).digest('hex') !== stored.sha256) {
      this.deps.logger.error({ project, notebook: name, version, bucket: stored.bucket, key: stored.key }, 'a shared notebook\'s bytes differ from those published');
      throw new PrismError(
        'NOTEBOOK_CHANGED_IN_STORAGE',
        502,
        'The notebook changed in storage',
        `Version ${version} of '${name}' in S3 is not the one that was published.`,
        `Ask ${stored.author} to publish it again; a Prism admin can look at s3://${stored.bucket}/${stored.key}.`
      );
    }
    return { version: publicPart(stored), bytes };
  }

  async unpublishNotebook(caller: Caller, project: string, name: string): Promise<void> {
    const author = await this.requireUnpublisher(caller, project, name);
    const removed = await this.deps.store.removeNotebook(project, name);
    if (removed.length === 0) throw notebookNotFound(project, name);
    await this.removeObjects(removed);
    this.deps.logger.info({ project, notebook: name, author, by: caller.user, versions: removed.length }, 'notebook unpublished');
    this.deps.events.unpublished({ kind: 'unpublished', project, name, version: null, by: caller.user, at: this.deps.clock.now().toISOString() });
  }

  async unpublishVersion(caller: Caller, project: string, name: string, version: number): Promise<void> {
    await this.requireUnpublisher(caller, project, name);
    const removed = await this.deps.store.removeVersion(project, name, version);
    if (!removed) throw versionNotFound(project, name, version);
    await this.removeObjects([removed]);
    this.deps.logger.info({ project, notebook: name, version, by: caller.user }, 'notebook version unpublished');
    this.deps.events.unpublished({ kind: 'unpublished', project, name, version, by: caller.user, at: this.deps.clock.now().toISOString() });
  }

  private async requireUnpublisher(caller: Caller, project: string, name: string): Promise<string> {
    const role = this.deps.projects.require(caller.user, project, 'viewer');
    const author = await this.deps.store.authorOf(project, name);
    if (author === undefined) throw notebookNotFound(project, name);
    if (author !== caller.user && role !== 'admin' && !caller.roles.includes('admin')) {
      throw forbidden(
        `'${name}' was shared by ${author}; only they, the project's admins and Prism admins unpublish it.`,
        `Ask ${author} or a project admin (${this.deps.projects.admins(project).join(', ')}) to unpublish it.`
      );
    }
    return author;
  }

  /** The records are gone first, so nobody opens a half-removed version; an object left behind is only storage. */
  private async removeObjects(versions: StoredNotebookVersion[]): Promise<void> {
    for (const version of versions) {
      await this.deps.objects.remove(version.bucket, version.key).catch(error => {
        this.deps.logger.warn({ err: error, project: version.project, notebook: version.name, bucket: version.bucket, key: version.key }, 'could not delete an unpublished notebook\'s object');
      });
    }
  }
}

function publicPart(v: Omit<StoredNotebookVersion, 'version'> & { version: number }): SharedNotebookVersion {
  return { project: v.project, name: v.name, version: v.version, author: v.author, note: v.note, size: v.size, sha256: v.sha256, publishedAt: v.publishedAt };
}

export function notebookTooLarge(): PrismError {
  return new PrismError(
    'NOTEBOOK_TOO_LARGE',
    413,
    'Notebook too large to share',
    `A shared notebook may have at most ${NOTEBOOK_MAX_BYTES / 1024 / 1024} MiB.`,
    'Clear large outputs (Edit > Clear Outputs of All Cells), save and share again; put data files in a dataset instead.'
  );
}

function nameTaken(project: string, name: string, author: string): PrismError {
  return new PrismError(
    'NOTEBOOK_NAME_TAKEN',
    409,
    'Another author shares a notebook of that name',
    `${author} already shares '${name}' in project '${project}'.`,
    'Rename your notebook and share it again, or ask its author to publish your changes.'
  );
}

function notebookNotFound(project: string, name: string): PrismError {
  return new PrismError('NOTEBOOK_NOT_FOUND', 404, 'No such shared notebook', `No notebook '${name}' is shared in project '${project}'.`, `List the project's shared notebooks with GET /projects/${project}/notebooks.`);
}

function versionNotFound(project: string, name: string, version: number): PrismError {
  return new PrismError(
    'NOTEBOOK_VERSION_NOT_FOUND',
    404,
    'No such version',
    `Version ${version} of '${name}' is not published in project '${project}'.`,
    `List its versions with GET /projects/${project}/notebooks/${encodeURIComponent(name)}/versions.`
  );
}

/** `12` → 12; anything else is a 400 with a hint. */
export function versionNumber(text: string): number {
  if (!/^[1-9]\d{0,8}$/.test(text)) throw invalidRequest(`'${text}' is not a version number.`, 'Versions are whole numbers from 1, as GET .../versions lists them.');
  return Number(text);
}
