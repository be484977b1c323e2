/**
 * The one seam through which the extension makes requests to the Prism
 * service. Everything about URLs, auth and error shapes lives here.
 */
import { PageConfig, URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import type {
  Connection,
  CostReport,
  LaunchRequest,
  Me,
  TemplateSummary,
  Workstation
} from '../../server/src/contract/api';
import type { AuditPage, AuditQuery } from '../../server/src/contract/audit';
import type {
  IdleEvent,
  Problem,
  WorkstationEvent
} from '../../server/src/contract/events';
import type { ProjectSpace, SshKey } from '../../server/src/contract/team';
import type {
  BudgetStatus,
  CreateProjectRequest,
  Project,
  ProjectDetail,
  ProjectPolicy,
  ProjectOverview,
  ProjectPolicySetting,
  ProjectRole
} from '../../server/src/contract/projects';
import type {
  Dataset,
  DatasetListing,
  DatasetPreview,
  StartUploadRequest,
  Upload,
  Volume
} from '../../server/src/contract/datasets';
import type {
  CleanupOutcome,
  CleanupRequest,
  RestoredVolume,
  Snapshot,
  SnapshotSchedule,
  SnapshotScheduleRequest,
  StorageReport
} from '../../server/src/contract/storage';
import type { SharedNotebook, SharedNotebookVersion } from '../../server/src/contract/shared-notebooks';
import { hubServiceUrl, signInThroughHub } from './hub-sign-in';
import type { ITemplateScope, ITemplateValidation } from './tokens';

/** Where the service is and how to show who we are. */
export interface IServiceOptions {
  /** The `serviceUrl` setting; empty means "behind jupyter-server-proxy". */
  serviceUrl: string;
  /** The `serviceToken` setting, only sent to a service at `serviceUrl`. */
  serviceToken: string;
}

/**
 * A request the service refused or could not answer, carrying the
 * service's problem+json fields so the panel can show the hint.
 */
export class PrismRequestError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
    this.name = 'PrismRequestError';
  }

  get status(): number {
    return this.problem.status;
  }
  get code(): string {
    return this.problem.code;
  }
  get title(): string {
    return this.problem.title;
  }
  get detail(): string {
    return this.problem.detail;
  }
  get hint(): string {
    return this.problem.hint;
  }
}

/** The REST API v1 of one Prism service. */
export class PrismApi {
  /**
   * @param options where the service is; see `IServiceOptions`.
   */
  constructor(options: IServiceOptions) {
    // Under JupyterHub the service is the hub's, unless the setting names another.
    const custom = options.serviceUrl.trim() || hubServiceUrl();
    this.baseUrl = withSlash(
      custom
        ? new URL(custom, window.location.href).href
        : URLExt.join(PageConfig.getBaseUrl(), 'prism/')
    );
    // Behind the proxy Jupyter's own token and xsrf cookie open the door and
    // the proxy adds the service token; a service elsewhere must never see
    // Jupyter's token, so it gets its own.
    this.serverSettings = custom
      ? ServerConnection.makeSettings({
          baseUrl: this.baseUrl,
          token: '',
          appendToken: false,
          init: { cache: 'no-store', credentials: 'include' }
        })
      : ServerConnection.makeSettings();
    this.serviceToken = custom ? options.serviceToken.trim() : '';
    this.signsInThroughHub = !this.serviceToken && custom === hubServiceUrl();
  }

  /** Under JupyterHub without a token: the browser signs in through the hub's OAuth. */
  readonly signsInThroughHub: boolean;

  /** Signs in through the hub (a hidden frame); false when it did not finish. */
  signIn(): Promise<boolean> {
    return this.signsInThroughHub
      ? signInThroughHub(this.baseUrl)
      : Promise.resolve(false);
  }

  /** The service's base URL, ending in `/`. */
  readonly baseUrl: string;

  /** The token a service at `serviceUrl` expects; empty behind the proxy. */
  readonly serviceToken: string;

  /** The connection settings requests are made with. */
  readonly serverSettings: ServerConnection.ISettings;

  /** @throws {PrismRequestError} */
  listTemplates(): Promise<TemplateSummary[]> {
    return this.request('templates');
  }

  /** @throws {PrismRequestError} */
  validateTemplate(yaml: string, fileName: string): Promise<ITemplateValidation> {
    return this.request('templates/validate', {
      method: 'POST',
      body: JSON.stringify({ yaml, fileName })
    });
  }

  /** @throws {PrismRequestError} */
  saveTemplate(yaml: string, scope?: ITemplateScope): Promise<TemplateSummary> {
    return this.request('templates', {
      method: 'POST',
      body: JSON.stringify(scope ? { yaml, scope } : { yaml })
    });
  }

  /** The caller's projects, with their role in each. @throws {PrismRequestError} */
  listProjects(): Promise<Project[]> {
    return this.request('projects');
  }

  /** Every project's overview counts (Prism admins). @throws {PrismRequestError} `FORBIDDEN` but for admins. */
  adminProjects(): Promise<ProjectOverview[]> {
    return this.request('admin/projects');
  }

  /** The project and everyone in it. @throws {PrismRequestError} `PROJECT_NOT_FOUND` unless the caller is in it. */
  project(id: string): Promise<ProjectDetail> {
    return this.request(`projects/${encodeURIComponent(id)}`);
  }

  /** The caller becomes its admin. @throws {PrismRequestError} `PROJECT_EXISTS`, `INVALID_REQUEST` */
  createProject(body: CreateProjectRequest): Promise<ProjectDetail> {
    return this.request('projects', { method: 'POST', body: JSON.stringify(body) });
  }

  /** Add a member or change their role (project admins). @throws {PrismRequestError} `FORBIDDEN`, `LAST_ADMIN` */
  setProjectMember(id: string, user: string, role: ProjectRole): Promise<ProjectDetail> {
    return this.request(`projects/${encodeURIComponent(id)}/members/${encodeURIComponent(user)}`, {
      method: 'PUT',
      body: JSON.stringify({ role })
    });
  }

  /** (project admins) @throws {PrismRequestError} `FORBIDDEN`, `LAST_ADMIN` */
  async removeProjectMember(id: string, user: string): Promise<void> {
    await this.request(`projects/${encodeURIComponent(id)}/members/${encodeURIComponent(user)}`, {
      method: 'DELETE'
    });
  }

  /** Allowed templates and sizes, the allocation and how much of it is used. @throws {PrismRequestError} */
  projectPolicy(id: string): Promise<ProjectPolicy> {
    return this.request(`projects/${encodeURIComponent(id)}/policy`);
  }

  /** Replaces the whole policy (project admins). @throws {PrismRequestError} `FORBIDDEN`, `INVALID_REQUEST` */
  setProjectPolicy(id: string, setting: ProjectPolicySetting): Promise<ProjectPolicy> {
    return this.request(`projects/${encodeURIComponent(id)}/policy`, {
      method: 'PUT',
      body: JSON.stringify(setting)
    });
  }

  /** This month's spend against the budget; null when none is set. @throws {PrismRequestError} */
  async projectBudget(id: string): Promise<BudgetStatus | null> {
    try {
      return await this.request(`projects/${encodeURIComponent(id)}/budget`);
    } catch (reason) {
      if (reason instanceof PrismRequestError && reason.code === 'BUDGET_NOT_FOUND') {
        return null;
      }
      throw reason;
    }
  }

  /** Every workstation of the project, whoever launched it. @throws {PrismRequestError} */
  projectWorkstations(id: string): Promise<Workstation[]> {
    return this.request(`instances?${new URLSearchParams({ project: id })}`);
  }

  /** @throws {PrismRequestError} */
  listWorkstations(): Promise<Workstation[]> {
    return this.request('instances');
  }

  /** @throws {PrismRequestError} */
  async launchWorkstation(body: LaunchRequest): Promise<string> {
    const { id } = await this.request<{ id: string }>('instances', {
      method: 'POST',
      body: JSON.stringify(body)
    });
    return id;
  }

  /** @throws {PrismRequestError} */
  async changeWorkstation(
    id: string,
    action: 'stop' | 'start' | 'hibernate'
  ): Promise<void> {
    await this.request(`instances/${encodeURIComponent(id)}/${action}`, {
      method: 'POST'
    });
  }

  /** @throws {PrismRequestError} */
  resizeWorkstation(id: string, size: string): Promise<Workstation> {
    return this.request(`instances/${encodeURIComponent(id)}/resize`, {
      method: 'POST',
      body: JSON.stringify({ size })
    });
  }

  /** The `postponed` idle event. @throws {PrismRequestError} */
  keepRunning(id: string, hours: number): Promise<IdleEvent> {
    return this.request(`instances/${encodeURIComponent(id)}/keep-running`, {
      method: 'POST',
      body: JSON.stringify({ hours })
    });
  }

  /** @throws {PrismRequestError} */
  costs(): Promise<CostReport> {
    return this.request('costs');
  }

  /** Who the caller is, with their roles (`admin` for a Prism admin). @throws {PrismRequestError} */
  me(): Promise<Me> {
    return this.request('me');
  }

  /** One page of the audit log, newest first. @throws {PrismRequestError} `FORBIDDEN` but for admins. */
  auditLog(query: AuditQuery): Promise<AuditPage> {
    return this.request(`audit?${auditParams(query)}`);
  }

  /** Every entry `query` matches, as CSV. @throws {PrismRequestError} `FORBIDDEN` but for admins. */
  async auditCsv(query: AuditQuery): Promise<Blob> {
    const { cursor: _cursor, limit: _limit, ...filters } = query;
    return (await this.send(`audit.csv?${auditParams(filters)}`)).blob();
  }

  /** @throws {PrismRequestError} */
  async terminateWorkstation(id: string): Promise<void> {
    await this.request(`instances/${encodeURIComponent(id)}`, {
      method: 'DELETE'
    });
  }

  /** The launch's history, oldest first. @throws {PrismRequestError} */
  eventsOf(id: string): Promise<WorkstationEvent[]> {
    return this.request(`instances/${encodeURIComponent(id)}/events`);
  }

  /** @throws {PrismRequestError} */
  connectionOf(id: string): Promise<Connection> {
    return this.request(`instances/${encodeURIComponent(id)}/connection`);
  }

  /** The datasets the caller may see. @throws {PrismRequestError} */
  listDatasets(): Promise<Dataset[]> {
    return this.request('datasets');
  }

  /** The caller's EFS volumes and their projects'. @throws {PrismRequestError} */
  listVolumes(): Promise<Volume[]> {
    return this.request('volumes');
  }

  /**
   * One page of a dataset's folder; `cursor` is the previous page's
   * `nextCursor`. @throws {PrismRequestError}
   */
  listDatasetObjects(
    dataset: string,
    path: string,
    cursor: string | null,
    limit: number
  ): Promise<DatasetListing> {
    const query = new URLSearchParams({ path, limit: String(limit) });
    if (cursor) {
      query.set('cursor', cursor);
    }
    return this.request(`datasets/${encodeURIComponent(dataset)}/objects?${query}`);
  }

  /** @throws {PrismRequestError} */
  previewDatasetObject(dataset: string, path: string): Promise<DatasetPreview> {
    return this.request(
      `datasets/${encodeURIComponent(dataset)}/preview?${new URLSearchParams({ path })}`
    );
  }

  /**
   * Where the browser can fetch an object's bytes by itself; only usable
   * behind the proxy, where no service token has to be shown.
   */
  datasetDownloadUrl(dataset: string, path: string): string {
    return URLExt.join(
      this.baseUrl,
      'api/v1',
      `datasets/${encodeURIComponent(dataset)}/download?${new URLSearchParams({ path })}`
    );
  }

  /** An object's bytes, for a service that needs the token. @throws {PrismRequestError} */
  async datasetObjectBytes(dataset: string, path: string): Promise<Blob> {
    const response = await this.send(
      `datasets/${encodeURIComponent(dataset)}/download?${new URLSearchParams({ path })}`
    );
    return response.blob();
  }

  /** @throws {PrismRequestError} `DATASET_READ_ONLY` and the like. */
  startUpload(dataset: string, body: StartUploadRequest): Promise<Upload> {
    return this.request(`datasets/${encodeURIComponent(dataset)}/uploads`, {
      method: 'POST',
      body: JSON.stringify(body)
    });
  }

  /** Send part `part` (from 1) of an upload. @throws {PrismRequestError} */
  async uploadPart(
    dataset: string,
    upload: string,
    part: number,
    bytes: Blob
  ): Promise<{ etag: string }> {
    const response = await this.send(
      `${uploadPath(dataset, upload)}/parts/${part}`,
      { method: 'PUT', body: bytes },
      'application/octet-stream'
    );
    return response.json();
  }

  /** @throws {PrismRequestError} */
  async completeUpload(
    dataset: string,
    upload: string,
    parts: { part: number; etag: string }[]
  ): Promise<void> {
    await this.request(`${uploadPath(dataset, upload)}/complete`, {
      method: 'POST',
      body: JSON.stringify({ parts })
    });
  }

  /** @throws {PrismRequestError} */
  async abortUpload(dataset: string, upload: string): Promise<void> {
    await this.request(uploadPath(dataset, upload), { method: 'DELETE' });
  }

  /**
   * Attach a dataset or an EFS volume to a running workstation.
   * @throws {PrismRequestError}
   */
  async attachToWorkstation(
    id: string,
    what: { dataset: string } | { efs: { volume: string } }
  ): Promise<void> {
    await this.request(`instances/${encodeURIComponent(id)}/datasets`, {
      method: 'POST',
      body: JSON.stringify(what)
    });
  }

  /** The caller's stored data, its costs and what is unused. @throws {PrismRequestError} */
  storage(): Promise<StorageReport> {
    return this.request('storage');
  }

  /** Delete exactly these items; one outcome per item. @throws {PrismRequestError} */
  async cleanupStorage(items: CleanupRequest['items']): Promise<CleanupOutcome[]> {
    const answer = await this.request<{ items: CleanupOutcome[] }>('storage/cleanup', {
      method: 'POST',
      body: JSON.stringify({ items })
    });
    return answer.items;
  }

  /** Snapshot a workstation's root volume now. @throws {PrismRequestError} */
  takeSnapshot(id: string, description?: string): Promise<Snapshot> {
    return this.request(`instances/${encodeURIComponent(id)}/snapshots`, {
      method: 'POST',
      body: JSON.stringify(description ? { description } : {})
    });
  }

  /** The workstation's snapshot schedule, or null when none is set. @throws {PrismRequestError} */
  async snapshotSchedule(id: string): Promise<SnapshotSchedule | null> {
    try {
      return await this.request(`instances/${encodeURIComponent(id)}/snapshot-schedule`);
    } catch (reason) {
      if (reason instanceof PrismRequestError && reason.code === 'SCHEDULE_NOT_FOUND') {
        return null;
      }
      throw reason;
    }
  }

  /** @throws {PrismRequestError} */
  setSnapshotSchedule(id: string, schedule: SnapshotScheduleRequest): Promise<SnapshotSchedule> {
    return this.request(`instances/${encodeURIComponent(id)}/snapshot-schedule`, {
      method: 'PUT',
      body: JSON.stringify(schedule)
    });
  }

  /** @throws {PrismRequestError} */
  async deleteSnapshotSchedule(id: string): Promise<void> {
    await this.request(`instances/${encodeURIComponent(id)}/snapshot-schedule`, {
      method: 'DELETE'
    });
  }

  /** A new EBS volume from the snapshot, in its workstation's zone. @throws {PrismRequestError} */
  restoreSnapshot(id: string): Promise<RestoredVolume> {
    return this.request(`snapshots/${encodeURIComponent(id)}/restore`, { method: 'POST' });
  }

  /** The caller's SSH public keys, installed on the workstations they may reach. @throws {PrismRequestError} */
  sshKeys(): Promise<SshKey[]> {
    return this.request('me/ssh-keys');
  }

  /** @throws {PrismRequestError} `SSH_KEY_INVALID` (a private key, a short RSA key, ...), `SSH_KEY_EXISTS`, `SSH_KEY_LIMIT` */
  addSshKey(publicKey: string): Promise<SshKey> {
    return this.request('me/ssh-keys', { method: 'POST', body: JSON.stringify({ publicKey }) });
  }

  /** The project's shared EFS space; null before a project admin makes it. @throws {PrismRequestError} */
  async projectSpace(id: string): Promise<ProjectSpace | null> {
    try {
      return await this.request(`projects/${encodeURIComponent(id)}/space`);
    } catch (reason) {
      if (reason instanceof PrismRequestError && reason.code === 'PROJECT_SPACE_NOT_FOUND') {
        return null;
      }
      throw reason;
    }
  }

  /** (project admins) @throws {PrismRequestError} `FORBIDDEN`, AWS problems */
  makeProjectSpace(id: string): Promise<ProjectSpace> {
    return this.request(`projects/${encodeURIComponent(id)}/space`, { method: 'POST' });
  }

  /** @throws {PrismRequestError} `SSH_KEY_NOT_FOUND` */
  async deleteSshKey(fingerprint: string): Promise<void> {
    // URL-safe base64: the /prism/ proxy turns an encoded `/` back into a path separator.
    const urlSafe = fingerprint.replace(/\+/g, '-').replace(/\//g, '_');
    await this.request(`me/ssh-keys/${encodeURIComponent(urlSafe)}`, { method: 'DELETE' });
  }

  /** The project's shared notebooks, each at its latest version. @throws {PrismRequestError} */
  listSharedNotebooks(project: string): Promise<SharedNotebook[]> {
    return this.request(`projects/${encodeURIComponent(project)}/notebooks`);
  }

  /** A shared notebook's versions, newest first. @throws {PrismRequestError} `NOTEBOOK_NOT_FOUND` */
  sharedNotebookVersions(project: string, name: string): Promise<SharedNotebookVersion[]> {
    return this.request(`${notebookPath(project, name)}/versions`);
  }

  /**
   * Publish `bytes` (the notebook file, unchanged) as its next version.
   *
   * @throws {PrismRequestError} `FORBIDDEN` (a viewer), `NOTEBOOK_NAME_TAKEN`,
   *   `NOTEBOOK_TOO_LARGE`, `NOTEBOOK_INVALID`, `NOTEBOOK_NAME_INVALID`.
   */
  async publishNotebook(project: string, name: string, bytes: Blob, note: string): Promise<SharedNotebookVersion> {
    const query = note ? `?${new URLSearchParams({ note })}` : '';
    const response = await this.send(
      `${notebookPath(project, name)}/versions${query}`,
      { method: 'POST', body: bytes },
      'application/x-ipynb+json'
    );
    return response.json();
  }

  /** One version's bytes, exactly as published. @throws {PrismRequestError} `NOTEBOOK_VERSION_NOT_FOUND` */
  async sharedNotebookBytes(project: string, name: string, version: number): Promise<ArrayBuffer> {
    return (await this.send(`${notebookPath(project, name)}/versions/${version}`)).arrayBuffer();
  }

  /** Unpublish the notebook, or (with `version`) one version. @throws {PrismRequestError} `FORBIDDEN` */
  async unpublishNotebook(project: string, name: string, version?: number): Promise<void> {
    const path = version === undefined ? notebookPath(project, name) : `${notebookPath(project, name)}/versions/${version}`;
    await this.request(path, { method: 'DELETE' });
  }

  /**
   * Make one request to `<base>api/v1/<path>`.
   *
   * @throws {PrismRequestError} for a network failure or a non-2xx answer.
   */
  async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const response = await this.send(path, init);
    // Lifecycle answers may have no body at all.
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /**
   * Make one request to `<base>api/v1/<path>` and answer its response; a
   * body is JSON unless `contentType` says otherwise.
   *
   * @throws {PrismRequestError} for a network failure or a non-2xx answer.
   */
  async send(
    path: string,
    init: RequestInit = {},
    contentType = 'application/json',
    signedInAgain = false
  ): Promise<Response> {
    const url = URLExt.join(this.baseUrl, 'api/v1', path);
    const headers = new Headers(init.headers);
    if (init.body) {
      headers.set('Content-Type', contentType);
    }
    if (this.serviceToken) {
      headers.set('Authorization', `Bearer ${this.serviceToken}`);
    }
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        url,
        { ...init, headers },
        this.serverSettings
      );
    } catch (reason) {
      throw new PrismRequestError(unreachable(this.baseUrl, reason));
    }
    if (
      response.status === 401 &&
      !signedInAgain &&
      (await this.signIn())
    ) {
      return this.send(path, init, contentType, true);
    }
    if (!response.ok) {
      throw new PrismRequestError(await problemOfResponse(response));
    }
    return response;
  }
}

/** Any failure as a problem the panel can show with its hint. */
export function problemOf(reason: unknown): Problem {
  if (reason instanceof PrismRequestError) {
    return reason.problem;
  }
  return {
    type: 'about:blank',
    title: 'Unexpected error',
    status: 0,
    detail: String(reason),
    code: 'CLIENT_ERROR',
    hint: 'Reload the page; if it persists, look at the browser console.'
  };
}

/** The filters that are set, as a query string. */
function auditParams(query: AuditQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== '') {
      params.set(name, String(value));
    }
  }
  return params;
}

function notebookPath(project: string, name: string): string {
  return `projects/${encodeURIComponent(project)}/notebooks/${encodeURIComponent(name)}`;
}

function uploadPath(dataset: string, upload: string): string {
  return `datasets/${encodeURIComponent(dataset)}/uploads/${encodeURIComponent(upload)}`;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function unreachable(baseUrl: string, reason: unknown): Problem {
  return {
    type: 'about:blank',
    title: 'Prism service unreachable',
    status: 0,
    detail: `No answer from ${baseUrl}: ${String(reason)}`,
    code: 'SERVICE_UNREACHABLE',
    hint: 'Check that the Prism service is running, or set "Service URL" in Settings → Prism.'
  };
}

/**
 * The service answers problem+json; anything else (the proxy's own error
 * page, a hub login redirect) is turned into one so the panel can show it.
 */
async function problemOfResponse(response: Response): Promise<Problem> {
  const type = response.headers.get('Content-Type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await response.json()) as Partial<Problem>;
      // Extra members stay (a refused template install's `diagnostics`).
      return {
        ...body,
        type: body.type ?? 'about:blank',
        title: body.title ?? response.statusText,
        status: body.status ?? response.status,
        detail: body.detail ?? '',
        code: body.code ?? `HTTP_${response.status}`,
        hint: body.hint ?? ''
      };
    } catch {
      // Fall through: a body that claims JSON but is not.
    }
  }
  return {
    type: 'about:blank',
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: `The service answered ${response.status} to ${response.url}.`,
    code: `HTTP_${response.status}`,
    hint:
      response.status === 502 || response.status === 503
        ? 'The Prism service may still be starting or may have stopped; try Refresh in a moment.'
        : 'Try Refresh; if it persists, look at the Jupyter server log.'
  };
}
