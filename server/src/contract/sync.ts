/**
 * Scheduled one-way sync from a dataset into a folder on an EFS volume,
 * run by the agent of a workstation that has both attached. Part of API v1
 * (docs/api.md, "Sync").
 */

/** `POST /syncs`. */
export interface CreateSyncRequest {
  /** A registered dataset's name (`GET /datasets`). */
  dataset: string;
  /** A folder within the dataset (`raw/2024/`); absent: all of it. */
  path?: string;
  /** The volume's id (`vol-...`). */
  volume: string;
  /** The folder on the volume the files go to, relative to its root (`inbox/raw`). */
  folder: string;
  /** How often it runs, in minutes (5 to 10080, a week). */
  everyMinutes: number;
  /** Share it with a project: its members' workstations may run it and its people see it. */
  project?: string;
}

export interface Sync {
  id: string;
  owner: string;
  project: string | null;
  dataset: string;
  /** `""` or a folder of the dataset ending in `/`. */
  path: string;
  volume: string;
  folder: string;
  everyMinutes: number;
  createdAt: string;
  /** ISO 8601: when the scheduler runs it next. */
  nextRunAt: string;
  /** The newest run, if any. */
  lastRun: SyncRun | null;
}

/** One file a run copied. */
export interface SyncedFile {
  /** Relative to the dataset path synced. */
  path: string;
  bytes: number;
}

/**
 * One run: `running` while a workstation's agent copies, then `ok` or
 * `failed`; `skipped` when no workstation could run it (`reason` says why).
 */
export interface SyncRun {
  id: string;
  sync: string;
  /** ISO 8601: when it was asked for. */
  at: string;
  status: 'running' | 'ok' | 'failed' | 'skipped';
  /** The workstation that ran it; null when skipped. */
  workstation: string | null;
  files: SyncedFile[];
  /** Total bytes of `files`. */
  bytes: number;
  reason?: string;
  /** ISO 8601: when the agent reported back (or it was skipped). */
  finishedAt: string | null;
}

/** `GET /syncs/:id`: the sync with its runs, newest first (the last 50). */
export interface SyncDetail extends Sync {
  runs: SyncRun[];
}
