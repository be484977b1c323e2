import { Token } from '@lumino/coreutils';
import { ISignal } from '@lumino/signaling';

import type { PrismApi } from './api';

import type {
  Connection,
  CostReport,
  Health,
  LaunchRequest,
  TemplateSummary,
  Workstation
} from '../../server/src/contract/api';
import type {
  IdleEvent,
  LaunchPhase,
  Problem,
  WorkstationState
} from '../../server/src/contract/events';
import type { Project } from '../../server/src/contract/projects';
import type { NotebookPublishedEvent, NotebookUnpublishedEvent } from '../../server/src/contract/shared-notebooks';

/**
 * The command ids. The launcher card, the palette and the panel all point
 * at these.
 */
export const CommandIDs = {
  /** Open (or bring forward) the Prism panel. */
  open: 'prism:open',
  /** Open (or bring forward) the community template catalog. */
  openCatalog: 'prism:open-catalog',
  /** Reload templates and workstations from the service. */
  refresh: 'prism:refresh',
  /** Stop a workstation; args `{ id }`. */
  stop: 'prism:stop',
  /** Start a stopped workstation; args `{ id }`. */
  start: 'prism:start',
  /** Terminate a workstation after the researcher confirms; args `{ id }`. */
  terminate: 'prism:terminate',
  /** Hibernate a running workstation (RAM kept on its disk); args `{ id }`. */
  hibernate: 'prism:hibernate',
  /** Pick another size of the same arch, then resize; args `{ id }`. */
  resize: 'prism:resize',
  /** Postpone a workstation's idle stop or hibernation by one hour; args `{ id }`. */
  keepRunning: 'prism:keep-running',
  /** Open (or bring forward) what the workstations cost this month. */
  openCosts: 'prism:open-costs',
  /** Open (or bring forward) the storage view: volumes, snapshots, what is unused and what it costs. */
  openStorage: 'prism:open-storage',
  /** Open (or bring forward) the live graphs of every workstation: CPU, memory, disk, network, cost. */
  openMonitoring: 'prism:open-monitoring',
  /** Open a new visual template builder in the main area. */
  buildTemplate: 'prism:build-template',
  /** Open the first-run wizard: pick or create an AWS profile, check it, pick a region. */
  setupAws: 'prism:setup-aws',
  /** Show the Datasets sidebar: datasets and volumes, browse, preview, upload. */
  openDatasets: 'prism:open-datasets',
  /** Reload the Datasets sidebar's datasets and volumes, or the folder it shows. */
  refreshDatasets: 'prism:refresh-datasets',
  /** Pick files and upload them into the folder the Datasets sidebar shows (writable datasets only). */
  uploadToDataset: 'prism:upload-to-dataset',
  /** Save the object selected in the Datasets sidebar to the browser's downloads. */
  downloadDatasetObject: 'prism:download-dataset-object',
  /** Copy the `s3://` URI of the Datasets sidebar's selection (or the folder shown). */
  copyDatasetUri: 'prism:copy-dataset-uri',
  /** Copy where the Datasets sidebar's selection is mounted on a workstation (`/data/<name>/<path>`). */
  copyDatasetMountPath: 'prism:copy-dataset-mount-path',
  /** Pick a ready workstation and attach the selected dataset or volume to it. */
  attachToWorkstation: 'prism:attach-to-workstation',
  /** Open (or bring forward) the audit log: filter, page, export CSV. Offered to Prism admins only. */
  openAudit: 'prism:open-audit',
  /** Publish the notebook selected in the file browser (or the current one) to a project, after asking which. */
  shareNotebook: 'prism:share-notebook',
  /** Show the Shared notebooks sidebar: the notebooks shared in the researcher's projects. */
  openSharedNotebooks: 'prism:open-shared-notebooks',
  /** Write a copy of a shared notebook's version into the workspace and open it; args `{ project, name, version }`. */
  openSharedNotebookCopy: 'prism:open-shared-notebook-copy',
  /** Unpublish a shared notebook, or one version of it, after the researcher confirms; args `{ project, name, version? }`. */
  unpublishSharedNotebook: 'prism:unpublish-shared-notebook',
  /** Open (or bring forward) the caller's SSH public keys: add by pasting, list, delete. */
  openSshKeys: 'prism:open-ssh-keys',
  /** Open (or bring forward) the projects view: members and roles, policy, budget, workstations. */
  openProjects: 'prism:open-projects'
} as const;

/** One problem the service found in a template, where the author can fix it. */
export interface ITemplateDiagnostic {
  /** The file name the text was checked as. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  readonly message: string;
  /** What to change to fix it. */
  readonly hint: string;
}

/** The service's verdict on a template's text. */
export interface ITemplateValidation {
  readonly valid: boolean;
  readonly diagnostics: ReadonlyArray<ITemplateDiagnostic>;
}

/** How the extension currently reaches the Prism service. */
export type ServiceStatus = 'connecting' | 'connected' | 'disconnected';

/**
 * What the researcher sees of one workstation's launch, built from its
 * history and the live events.
 */
export interface ILaunchView {
  /** The phase the launch reached last. */
  readonly phase: LaunchPhase;
  /** 0..100; never goes down within one launch. */
  readonly percent: number;
  /** Seconds until ready, estimated; null when unknown. */
  readonly etaSeconds: number | null;
  /** What the launch is doing now, in words. */
  readonly message: string;
  /** The boot log, oldest first (the most recent lines only). */
  readonly log: ReadonlyArray<string>;
  /** Why the launch failed; null unless `phase` is `failed`. */
  readonly problem: Problem | null;
}

/**
 * The Prism model: the templates, the researcher's workstations and their
 * launches, kept current from the service's REST API and socket events.
 */
export interface IPrismModel {
  /** Emitted whenever anything below changes; views re-render on it. */
  readonly changed: ISignal<IPrismModel, void>;

  /** Whether the live event stream is connected. */
  readonly status: ServiceStatus;

  /** The templates the service offers, as last loaded. */
  readonly templates: ReadonlyArray<TemplateSummary>;

  /** The researcher's workstations, newest first. */
  readonly workstations: ReadonlyArray<Workstation>;

  /**
   * Emitted with each `instance:idle-warning`: the workstation will be
   * stopped or hibernated at `actAt` unless kept running.
   */
  readonly idleWarned: ISignal<IPrismModel, IdleEvent>;

  /**
   * Emitted with each `notebook:published` and `notebook:unpublished` of
   * the researcher's projects (someone else's included).
   */
  readonly notebookShared: ISignal<IPrismModel, NotebookPublishedEvent | NotebookUnpublishedEvent>;

  /**
   * The request seam, for plugins and views that extend the model (the
   * catalog). It changes when the settings do; read it at each use.
   */
  readonly api: PrismApi;

  /**
   * Why the last refresh failed (for example the service is unreachable);
   * null when it succeeded.
   */
  readonly problem: Problem | null;

  /**
   * Prism's AWS access as GET /health last said (account and region, or
   * why AWS cannot be reached); null until the service answered.
   */
  readonly cloud: Health['cloud'] | null;

  /**
   * The launch as the researcher should see it.
   *
   * @returns null for a workstation the model does not know.
   */
  launchViewOf(id: string): ILaunchView | null;

  /**
   * The idle action pending on a running workstation, as last warned.
   *
   * @returns null when none is pending (never warned, kept running, or no
   *   longer running).
   */
  idleWarningOf(id: string): IdleEvent | null;

  /**
   * Reload templates, workstations and the cloud's health, and replay the
   * history of every workstation that is not terminated, so the view
   * matches the service.
   * Failures are kept in `problem`, never thrown.
   */
  refresh(): Promise<void>;

  /**
   * Ask the service for a new workstation. Progress follows as events.
   *
   * @returns the new workstation's id.
   * @throws {PrismRequestError} when the service refuses the request.
   */
  launchWorkstation(request: LaunchRequest): Promise<string>;

  /**
   * Stop a running workstation.
   *
   * @throws {PrismRequestError} when the service refuses.
   */
  stopWorkstation(id: string): Promise<void>;

  /**
   * Start a stopped or hibernated workstation.
   *
   * @throws {PrismRequestError} when the service refuses.
   */
  startWorkstation(id: string): Promise<void>;

  /**
   * Hibernate a running workstation launched with `hibernation`.
   *
   * @throws {PrismRequestError} `HIBERNATION_UNSUPPORTED` (the hint says to
   *   stop instead) or `INVALID_STATE` when the service refuses.
   */
  hibernateWorkstation(id: string): Promise<void>;

  /**
   * Change a workstation's size within its arch; a running one is stopped,
   * changed and started again.
   *
   * @throws {PrismRequestError} `SIZE_NOT_FOR_ARCH`, `INVALID_STATE` or
   *   `HIBERNATION_UNSUPPORTED` when the service refuses.
   */
  resizeWorkstation(id: string, size: string): Promise<void>;

  /**
   * Postpone the idle action of a running workstation by `hours`.
   *
   * @throws {PrismRequestError} `INVALID_STATE` unless it is running.
   */
  keepRunning(id: string, hours: number): Promise<void>;

  /**
   * What the researcher's workstations cost this month and where it is
   * heading.
   *
   * @throws {PrismRequestError} when the service cannot be asked.
   */
  costs(): Promise<CostReport>;

  /**
   * Terminate a workstation; its volumes outlive it.
   *
   * @throws {PrismRequestError} when the service refuses.
   */
  terminateWorkstation(id: string): Promise<void>;

  /**
   * How to reach a ready workstation: Jupyter URL, SSH command, VS Code URI.
   *
   * @throws {PrismRequestError} when the workstation is not ready or unknown.
   */
  connectionOf(id: string): Promise<Connection>;

  /**
   * Check a template's YAML as the service would load it, its parent
   * looked up in the service's library.
   *
   * @throws {PrismRequestError} when the service cannot be asked.
   */
  validateTemplate(yaml: string, fileName: string): Promise<ITemplateValidation>;

  /**
   * Save a template's YAML as a new version in the service's library (or,
   * with `scope`, in one project's templates), then reload `templates` so it
   * can be launched at once.
   *
   * @returns the saved template as the launcher shows it.
   * @throws {PrismRequestError} `TEMPLATE_INVALID`, `TEMPLATE_VERSION_EXISTS`,
   *   `TEMPLATE_NAME_TAKEN`, `FORBIDDEN` (not an admin; a project viewer) or
   *   `PROJECT_NOT_FOUND` when the service refuses it.
   */
  saveTemplate(yaml: string, scope?: ITemplateScope): Promise<TemplateSummary>;

  /**
   * The user's projects, with their role in each.
   *
   * @throws {PrismRequestError} when the service cannot be asked.
   */
  listProjects(): Promise<Project[]>;
}

/** Where a saved template goes: one project's templates; absent, the library (admins). */
export interface ITemplateScope {
  /** The project's id; its members and admins may save there. */
  readonly project: string;
}

/** The Prism model, for plugins that extend the main one. */
export const IPrismModel = new Token<IPrismModel>(
  'jupyterlab-prism:IPrismModel',
  'The Prism model: templates, workstations and their launches.'
);

export type { Connection, CostReport, LaunchRequest, Project, TemplateSummary, Workstation };
export type { IdleEvent, LaunchPhase, Problem, WorkstationState };
