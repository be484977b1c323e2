/**
 * The dataset browser's state: the datasets and volumes the researcher may
 * see, the folder being browsed (loaded page by page), the selected item and
 * its preview, and the uploads in progress. Requests go through the Prism
 * model's request seam; views render this and call commands.
 */
import { ISignal, Signal } from '@lumino/signaling';

import type {
  Dataset,
  DatasetFolder,
  DatasetObject,
  DatasetPreview,
  Volume
} from '../../../server/src/contract/datasets';
import { problemOf } from '../api';
import type { IPrismModel, Problem, Workstation } from '../tokens';
import { uploadFile } from './upload';

/** One row of a folder's listing. */
export type DatasetEntry =
  | (DatasetFolder & { kind: 'folder' })
  | (DatasetObject & { kind: 'object' });

/** Where the browser is: a folder of a dataset (`path` `""` or ending in `/`). */
export interface IDatasetLocation {
  readonly dataset: Dataset;
  readonly path: string;
}

/** What the researcher picked: a dataset or volume at the top, or a row inside a dataset. */
export type DatasetSelection =
  | { readonly kind: 'dataset'; readonly dataset: Dataset }
  | { readonly kind: 'volume'; readonly volume: Volume }
  | { readonly kind: 'entry'; readonly dataset: Dataset; readonly entry: DatasetEntry };

export interface IPreviewState {
  readonly path: string;
  /** Null while it loads, and when it failed. */
  readonly preview: DatasetPreview | null;
  readonly problem: Problem | null;
}

export interface IUploadState {
  /** Local id, unique within the page. */
  readonly id: number;
  readonly dataset: string;
  readonly path: string;
  readonly size: number;
  readonly sent: number;
  readonly status: 'uploading' | 'done' | 'failed';
  readonly problem: Problem | null;
}

/** Where EFS volumes are mounted on a workstation (docs/api.md, "Volumes"). */
const VOLUME_MOUNT_ROOT = '/mnt/efs';

export class DatasetsModel {
  constructor(
    private readonly _prism: IPrismModel,
    pageSize: number
  ) {
    this._pageSize = pageSize;
  }

  /** Emitted whenever anything below changes. */
  get changed(): ISignal<DatasetsModel, void> {
    return this._changed;
  }
  get datasets(): ReadonlyArray<Dataset> {
    return this._datasets;
  }
  get volumes(): ReadonlyArray<Volume> {
    return this._volumes;
  }
  /** Null at the top level (the datasets and volumes). */
  get location(): IDatasetLocation | null {
    return this._location;
  }
  /** The folder's rows loaded so far, in key order. */
  get entries(): ReadonlyArray<DatasetEntry> {
    return this._entries;
  }
  /** Whether the folder has rows past `entries`. */
  get hasMore(): boolean {
    return this._cursor !== null;
  }
  /** Whether the level shown (the top, or the folder) is being loaded. */
  get isLoading(): boolean {
    return this._location ? this._loadingPage : this._loadingTop;
  }
  get canGoBack(): boolean {
    return this._history.length > 0;
  }
  get selection(): DatasetSelection | null {
    return this._selection;
  }
  get preview(): IPreviewState | null {
    return this._preview;
  }
  get uploads(): ReadonlyArray<IUploadState> {
    return this._uploads;
  }
  /** Why the last load or action failed; null when it worked. */
  get problem(): Problem | null {
    return this._problem;
  }
  /** Workstations a dataset or volume can be attached to now. */
  get readyWorkstations(): ReadonlyArray<Workstation> {
    return this._prism.workstations.filter(w => w.state === 'running' && w.phase === 'ready');
  }

  /** Rows per page; takes effect at the next folder opened. */
  set pageSize(value: number) {
    this._pageSize = value;
  }

  /** Load the datasets and volumes again. Never throws. */
  async loadTop(): Promise<void> {
    this._loadingTop = true;
    this._changed.emit();
    try {
      const api = this._prism.api;
      [this._datasets, this._volumes] = await Promise.all([api.listDatasets(), api.listVolumes()]);
      this._problem = null;
    } catch (reason) {
      this._problem = problemOf(reason);
    }
    this._loadingTop = false;
    this._changed.emit();
  }

  /** Show the datasets and volumes. */
  goTop(): void {
    this._moveTo(null);
  }

  /** Browse `dataset` at `path` (`""` or ending in `/`). */
  open(dataset: Dataset, path = ''): void {
    this._moveTo({ dataset, path });
  }

  /** The folder above, or the top level from a dataset's root. */
  up(): void {
    const at = this._location;
    if (!at) {
      return;
    }
    if (!at.path) {
      this._moveTo(null);
      return;
    }
    const parent = at.path.slice(0, at.path.slice(0, -1).lastIndexOf('/') + 1);
    this._moveTo({ dataset: at.dataset, path: parent });
  }

  /** Where the browser was before the last move. */
  back(): void {
    const previous = this._history.pop();
    if (previous !== undefined) {
      this._show(previous);
    }
  }

  /** Reload the current level from its first page. Never throws. */
  async refresh(): Promise<void> {
    if (this._location) {
      await this._loadFirstPage();
    } else {
      await this.loadTop();
    }
  }

  /** Fetch the folder's next page, unless one is on its way or there is none. Never throws. */
  async loadMore(): Promise<void> {
    const at = this._location;
    if (!at || this._loadingPage || this._cursor === null) {
      return;
    }
    const generation = this._generation;
    this._loadingPage = true;
    this._changed.emit();
    try {
      const page = await this._prism.api.listDatasetObjects(
        at.dataset.name,
        at.path,
        this._cursor || null,
        this._pageSize
      );
      if (generation !== this._generation) {
        return;
      }
      const rows: DatasetEntry[] = [
        ...page.folders.map(f => ({ ...f, kind: 'folder' as const })),
        ...page.objects.map(o => ({ ...o, kind: 'object' as const }))
      ];
      // Each page is in key order and follows the last; keep the rows so.
      rows.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      for (const row of rows) {
        this._entries.push(row);
      }
      this._cursor = page.nextCursor;
      this._problem = null;
    } catch (reason) {
      if (generation !== this._generation) {
        return;
      }
      this._problem = problemOf(reason);
    } finally {
      if (generation === this._generation) {
        this._loadingPage = false;
        this._changed.emit();
      }
    }
  }

  /** Pick a row; an object's preview loads. */
  select(selection: DatasetSelection | null): void {
    if (sameSelection(selection, this._selection)) {
      return;
    }
    this._selection = selection;
    this._preview = null;
    if (selection?.kind === 'entry' && selection.entry.kind === 'object') {
      void this._loadPreview(selection.dataset, selection.entry.path);
    }
    this._changed.emit();
  }

  /** The `s3://` URI of a selection; null for a volume. */
  s3UriOf(selection: DatasetSelection): string | null {
    switch (selection.kind) {
      case 'dataset':
        return selection.dataset.s3Uri;
      case 'volume':
        return null;
      case 'entry':
        return joinUri(selection.dataset.s3Uri, selection.entry.path);
    }
  }

  /** Where a selection is found on a workstation it is attached to. */
  mountPathOf(selection: DatasetSelection): string {
    switch (selection.kind) {
      case 'dataset':
        return selection.dataset.mountPath;
      case 'volume':
        return `${VOLUME_MOUNT_ROOT}/${selection.volume.name}`;
      case 'entry':
        return `${selection.dataset.mountPath}/${selection.entry.path}`;
    }
  }

  /**
   * What the actions apply to: the selected row, else the folder or dataset
   * being browsed; null at the top level with nothing selected.
   */
  get target(): DatasetSelection | null {
    if (this._selection) {
      return this._selection;
    }
    const at = this._location;
    if (!at) {
      return null;
    }
    if (!at.path) {
      return { kind: 'dataset', dataset: at.dataset };
    }
    const name = at.path.slice(0, -1).split('/').pop() ?? '';
    return { kind: 'entry', dataset: at.dataset, entry: { kind: 'folder', name, path: at.path } };
  }

  /**
   * Attach the selection's dataset or volume to a running workstation.
   * A refusal is kept in `problem`, never thrown.
   *
   * @returns whether the service attached it.
   */
  async attach(selection: DatasetSelection, workstation: string): Promise<boolean> {
    const what =
      selection.kind === 'volume'
        ? { efs: { volume: selection.volume.id } }
        : { dataset: selection.dataset.name };
    return this._reporting(() => this._prism.api.attachToWorkstation(workstation, what));
  }

  /**
   * Save an object to the browser's downloads. Behind the proxy the browser
   * streams it; a service that needs its token is read into memory first.
   * A refusal is kept in `problem`, never thrown.
   */
  async download(dataset: Dataset, object: DatasetObject): Promise<void> {
    const api = this._prism.api;
    if (!api.serviceToken) {
      saveAs(api.datasetDownloadUrl(dataset.name, object.path), object.name);
      return;
    }
    await this._reporting(async () => {
      const url = URL.createObjectURL(await api.datasetObjectBytes(dataset.name, object.path));
      saveAs(url, object.name);
      // The click has started the save; the URL is not needed past this turn.
      setTimeout(() => URL.revokeObjectURL(url), 0);
    });
  }

  /**
   * Upload files into the folder being browsed, one after the other; the
   * listing reloads after each that arrived. Failures are kept on the
   * upload's row, never thrown.
   */
  async upload(files: ReadonlyArray<File>): Promise<void> {
    const at = this._location;
    if (!at || at.dataset.readOnly) {
      return;
    }
    const states = files.map(file => this._addUpload(at, file));
    for (const [i, file] of files.entries()) {
      const id = states[i].id;
      try {
        await uploadFile(this._prism.api, at.dataset.name, states[i].path, file, sent =>
          this._updateUpload(id, { sent })
        );
        this._updateUpload(id, { status: 'done', sent: file.size });
        if (this._location === at) {
          await this._loadFirstPage();
        }
      } catch (reason) {
        this._updateUpload(id, { status: 'failed', problem: problemOf(reason) });
      }
    }
  }

  /** Forget finished and failed uploads. */
  clearUploads(): void {
    this._uploads = this._uploads.filter(u => u.status === 'uploading');
    this._changed.emit();
  }

  private async _reporting(action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      this._problem = null;
      return true;
    } catch (reason) {
      this._problem = problemOf(reason);
      return false;
    } finally {
      this._changed.emit();
    }
  }

  private _moveTo(location: IDatasetLocation | null): void {
    this._history.push(this._location);
    this._show(location);
  }

  private _show(location: IDatasetLocation | null): void {
    this._location = location;
    this._selection = null;
    this._preview = null;
    this._problem = null;
    if (location) {
      void this._loadFirstPage();
    } else {
      this._generation++;
      this._loadingPage = false;
      void this.loadTop();
    }
    this._changed.emit();
  }

  private async _loadFirstPage(): Promise<void> {
    this._generation++;
    this._entries = [];
    this._cursor = '';
    this._loadingPage = false;
    await this.loadMore();
  }

  private async _loadPreview(dataset: Dataset, path: string): Promise<void> {
    this._preview = { path, preview: null, problem: null };
    let next: IPreviewState;
    try {
      const preview = await this._prism.api.previewDatasetObject(dataset.name, path);
      next = { path, preview, problem: null };
    } catch (reason) {
      next = { path, preview: null, problem: problemOf(reason) };
    }
    // Another row may have been picked meanwhile.
    if (this._preview?.path === path) {
      this._preview = next;
      this._changed.emit();
    }
  }

  private _addUpload(at: IDatasetLocation, file: File): IUploadState {
    const state: IUploadState = {
      id: ++this._uploadIds,
      dataset: at.dataset.name,
      path: `${at.path}${file.name}`,
      size: file.size,
      sent: 0,
      status: 'uploading',
      problem: null
    };
    this._uploads = [...this._uploads, state];
    this._changed.emit();
    return state;
  }

  private _updateUpload(id: number, change: Partial<IUploadState>): void {
    this._uploads = this._uploads.map(u => (u.id === id ? { ...u, ...change } : u));
    this._changed.emit();
  }

  private _pageSize: number;
  private _datasets: Dataset[] = [];
  private _volumes: Volume[] = [];
  private _location: IDatasetLocation | null = null;
  private _history: (IDatasetLocation | null)[] = [];
  private _entries: DatasetEntry[] = [];
  /** `""` before the first page, null after the last. */
  private _cursor: string | null = null;
  /** Bumped at each move, so a page of a folder left behind is dropped. */
  private _generation = 0;
  /** A page of the folder is on its way (one at a time, so none is fetched twice). */
  private _loadingPage = false;
  private _loadingTop = false;
  private _selection: DatasetSelection | null = null;
  private _preview: IPreviewState | null = null;
  private _uploads: IUploadState[] = [];
  private _uploadIds = 0;
  private _problem: Problem | null = null;
  private _changed = new Signal<DatasetsModel, void>(this);
}

function joinUri(base: string, path: string): string {
  return base.endsWith('/') ? `${base}${path}` : `${base}/${path}`;
}

function sameSelection(a: DatasetSelection | null, b: DatasetSelection | null): boolean {
  if (!a || !b || a.kind !== b.kind) {
    return a === b;
  }
  switch (a.kind) {
    case 'dataset':
      return a.dataset.name === (b as typeof a).dataset.name;
    case 'volume':
      return a.volume.id === (b as typeof a).volume.id;
    case 'entry':
      return a.entry.path === (b as typeof a).entry.path && a.dataset.name === (b as typeof a).dataset.name;
  }
}

/** Hand a URL to the browser as a file to save under `name`. */
function saveAs(url: string, name: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.appendChild(link);
  link.click();
  link.remove();
}
