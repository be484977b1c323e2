/**
 * The Shared notebooks model: the researcher's projects with the notebooks
 * shared in them, kept current from `notebook:*` socket events; sharing a
 * file's exact bytes, opening a copy that never overwrites a file, and
 * unpublishing. Views render it and call commands.
 */
import type { Contents } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import type { Project } from '../../../server/src/contract/projects';
import type {
  NotebookPublishedEvent,
  NotebookUnpublishedEvent,
  SharedNotebook,
  SharedNotebookVersion
} from '../../../server/src/contract/shared-notebooks';
import { problemOf, type PrismApi } from '../api';
import type { IPrismModel, Problem } from '../tokens';
import { base64ToBytes, baseName, bytesToBase64, copyNames } from './notebook-bytes';

/** One project as the panel lists it. */
export interface IProjectNotebooks {
  readonly project: Project;
  readonly notebooks: ReadonlyArray<SharedNotebook>;
}

export class SharedNotebooksModel {
  /**
   * @param prism the Prism model: its request seam and its socket's notebook events.
   * @param contents the Jupyter server's files, where copies are written and shared files read.
   */
  constructor(
    private readonly _prism: IPrismModel,
    private readonly _contents: Contents.IManager
  ) {
    _prism.notebookShared.connect((_, event) => void this._hear(event));
  }

  /** Emitted whenever anything below changes. */
  get changed(): ISignal<SharedNotebooksModel, void> {
    return this._changed;
  }

  /** Someone else published a version in one of the researcher's projects. */
  get othersPublished(): ISignal<SharedNotebooksModel, NotebookPublishedEvent> {
    return this._othersPublished;
  }

  get projects(): ReadonlyArray<IProjectNotebooks> {
    return this._projects;
  }

  /** Why the last load failed; null when it did not. */
  get problem(): Problem | null {
    return this._problem;
  }

  get loading(): boolean {
    return this._loading;
  }

  /** The versions listed for an expanded notebook; undefined when it is folded. */
  versionsOf(project: string, name: string): ReadonlyArray<SharedNotebookVersion> | undefined {
    return this._versions.get(key(project, name));
  }

  /** Reload the projects and their notebooks; failures are kept in `problem`. */
  async refresh(): Promise<void> {
    this._loading = true;
    this._changed.emit();
    try {
      const api = this._prism.api;
      const projects = await api.listProjects();
      this._projects = await Promise.all(
        projects.map(async project => ({ project, notebooks: await api.listSharedNotebooks(project.id) }))
      );
      for (const expanded of [...this._versions.keys()]) {
        const [project, name] = JSON.parse(expanded) as [string, string];
        await this._loadVersions(project, name);
      }
      this._problem = null;
    } catch (reason) {
      this._problem = problemOf(reason);
    } finally {
      this._loading = false;
      this._changed.emit();
    }
  }

  /** Show or fold a notebook's older versions. @throws {PrismRequestError} */
  async toggleVersions(project: string, name: string): Promise<void> {
    if (this._versions.delete(key(project, name))) {
      this._changed.emit();
      return;
    }
    await this._loadVersions(project, name);
    this._changed.emit();
  }

  /** The projects where the researcher may publish (member or admin). @throws {PrismRequestError} */
  async publishableProjects(): Promise<Project[]> {
    return (await this._prism.api.listProjects()).filter(p => p.role !== 'viewer');
  }

  /**
   * Publish the file at `path` (its bytes as saved) to `project`.
   *
   * @throws {PrismRequestError} the service's refusal (`NOTEBOOK_NAME_TAKEN`, ...).
   */
  async share(path: string, project: string, note: string): Promise<SharedNotebookVersion> {
    const file = await this._contents.get(path, { type: 'file', format: 'base64', content: true });
    const bytes = base64ToBytes(file.content as string);
    const version = await this._prism.api.publishNotebook(project, baseName(path), new Blob([bytes]), note);
    await this.refresh();
    return version;
  }

  /**
   * Write version `version` of the notebook into `folder` under a name no
   * file has, and answer its path. The bytes go into a fresh untitled file
   * first, which is then renamed: the server refuses a rename onto an
   * existing file, so nothing is ever overwritten.
   *
   * @throws {PrismRequestError} when the service refuses.
   */
  async openCopy(project: string, name: string, version: number, folder: string): Promise<string> {
    const bytes = new Uint8Array(await this._prism.api.sharedNotebookBytes(project, name, version));
    const untitled = await this._contents.newUntitled({ path: folder, type: 'file', ext: '.ipynb' });
    await this._contents.save(untitled.path, { type: 'file', format: 'base64', content: bytesToBase64(bytes) });
    for (const candidate of copyNames(name, version)) {
      const target = folder ? `${folder}/${candidate}` : candidate;
      try {
        return (await this._contents.rename(untitled.path, target)).path;
      } catch (reason) {
        if ((reason as { response?: Response }).response?.status !== 409) {
          throw reason;
        }
      }
    }
    return untitled.path;
  }

  /** Unpublish the notebook, or one version of it. @throws {PrismRequestError} `FORBIDDEN` */
  async unpublish(project: string, name: string, version?: number): Promise<void> {
    await this._prism.api.unpublishNotebook(project, name, version);
    await this.refresh();
  }

  private async _loadVersions(project: string, name: string): Promise<void> {
    try {
      this._versions.set(key(project, name), await this._prism.api.sharedNotebookVersions(project, name));
    } catch (reason) {
      this._versions.delete(key(project, name));
      if (problemOf(reason).code !== 'NOTEBOOK_NOT_FOUND') {
        throw reason;
      }
    }
  }

  private async _hear(event: NotebookPublishedEvent | NotebookUnpublishedEvent): Promise<void> {
    if (event.kind === 'published' && event.author !== (await this._me())) {
      this._othersPublished.emit(event);
    }
    await this.refresh();
  }

  /** Who the service says the researcher is, asked once per request seam (it changes with the settings). */
  private async _me(): Promise<string | null> {
    const api = this._prism.api;
    if (this._meOf?.api !== api) {
      this._meOf = { api, user: api.me().then(me => me.user, () => null) };
    }
    return this._meOf.user;
  }

  private _projects: IProjectNotebooks[] = [];
  private _versions = new Map<string, SharedNotebookVersion[]>();
  private _problem: Problem | null = null;
  private _loading = false;
  private _meOf: { api: PrismApi; user: Promise<string | null> } | undefined;
  private _changed = new Signal<SharedNotebooksModel, void>(this);
  private _othersPublished = new Signal<SharedNotebooksModel, NotebookPublishedEvent>(this);
}

function key(project: string, name: string): string {
  return JSON.stringify([project, name]);
}
