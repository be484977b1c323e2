/**
 * The REST resources of API v1, shared by the service and the extension.
 */
import type { Arch, WorkstationState, LaunchPhase, PolicyStatement } from './events';

/** One part of the service as GET /health sees it (database, report inbox, schedulers, event loop). */
export interface HealthCheck {
  status: 'ok' | 'degraded';
  /** What was seen, e.g. "last succeeded 2026-01-01T00:00:00.000Z". */
  detail: string;
  /** What to do about it; present when degraded. */
  hint?: string;
}

export interface Health {
  /** `draining`: the service is shutting down and takes no new work (503 SHUTTING_DOWN). */
  status: 'ok' | 'degraded' | 'draining';
  version: string;
  /** Each part besides the cloud, by name; `status` is degraded when any is. */
  checks?: Record<string, HealthCheck>;
  cloud: {
    reachable: boolean;
    region: string;
    account: string | null;
    /** Why the cloud cannot be reached (no or rejected credentials, no network); absent when reachable. */
    problem?: { code: string; title: string; hint: string };
  };
}

export interface Me {
  user: string;
  roles: string[];
  projects: string[];
}

export interface SizeChoice {
  /** Size name as the template offers it (`small`, `medium`, ...). */
  name: string;
  instanceType: string;
  vcpus: number;
  memoryGiB: number;
  /** On-demand USD per hour in the service's region; null when unknown. */
  pricePerHour: number | null;
}

/** A value a researcher gives a template parameter at launch. */
export type LaunchParameterValue = string | number | boolean;

/** A choice a template offers at launch (the launch form renders one field per parameter). */
export interface TemplateParameterSummary {
  name: string;
  type: 'string' | 'integer' | 'boolean' | 'enum';
  default: LaunchParameterValue;
  description: string;
  /** For `enum`: the values offered. */
  enum?: LaunchParameterValue[];
}

export interface TemplateSummary {
  name: string;
  title: string;
  description: string;
  version: string;
  arches: Arch[];
  defaultSize: string;
  /** The sizes per arch, with their price, side by side. */
  sizes: Record<Arch, SizeChoice[]>;
  /** Services the workstation runs, by name (`jupyter`, `rstudio`, ...). */
  services: string[];
  /** What the researcher may choose at launch; empty when nothing. */
  parameters: TemplateParameterSummary[];
  /** The project whose members alone see it; absent for the library's templates. */
  project?: string;
}

/** One kept version of a template (`GET /templates/:name/versions`, newest first). */
export interface TemplateVersion {
  version: string;
  /** When the service first loaded this version (ISO time). */
  loadedAt: string;
  /** Whether `GET /templates` offers this version. */
  current: boolean;
}

/** `GET /templates/:name/diff?from=&to=`: a unified diff of the two versions' resolved YAML. */
export interface TemplateDiff {
  name: string;
  from: string;
  to: string;
  /** Empty when the two resolve to the same template. */
  diff: string;
}

export interface DatasetRequest {
  s3?: { bucket: string; prefix?: string; readOnly?: boolean };
  /** A registered dataset by name (`GET /datasets`), mounted at `/data/<name>`. */
  dataset?: string;
  efs?: { volume: string };
}

export interface LaunchRequest {
  name: string;
  template: string;
  version?: string;
  arch: Arch;
  size?: string;
  instanceType?: string;
  datasets?: DatasetRequest[];
  project?: string;
  /** Values for the template's parameters, by name; left out: the template's default. */
  parameters?: Record<string, LaunchParameterValue>;
}

export interface Workstation {
  id: string;
  name: string;
  owner: string;
  project: string | null;
  template: string;
  templateVersion: string;
  arch: Arch;
  size: string;
  instanceType: string;
  state: WorkstationState;
  phase: LaunchPhase;
  percent: number;
  instanceId: string | null;
  imageId: string | null;
  pricePerHour: number | null;
  datasets: DatasetRequest[];
  /** Every template parameter's value for this launch, defaults included (absent on launches before parameters). */
  parameters?: Record<string, LaunchParameterValue>;
  /** Launched with hibernation enabled, so `POST /instances/:id/hibernate` works (absent on older launches: false). */
  hibernation?: boolean;
  createdAt: string;
  updatedAt: string;
  /** Set when the launch failed. */
  error?: { code: string; title: string; detail: string; hint: string; policyStatement?: PolicyStatement } | null;
  /** Each attached dataset's and volume's mount as the workstation's agent last reported it (docs/api.md, "Attach to a running workstation"). */
  mounts?: WorkstationMount[];
}

/** One mount on a workstation: `pending` until its agent reports it, `failed` with the reason. */
export interface WorkstationMount {
  /** Where it is mounted on the workstation (`/data/<name>`, `/mnt/efs/<volume>`, `/mnt/s3/<bucket>`). */
  path: string;
  kind: 's3' | 'efs';
  /** `s3://bucket/prefix` or the volume id. */
  source: string;
  status: 'mounted' | 'pending' | 'failed';
  reason?: string;
  /** ISO 8601: when the status was last reported or changed. */
  at: string;
}

/** `POST /instances/:id/datasets`: a registered dataset by name, or an EFS volume. */
export type AttachRequest = { dataset: string } | { efs: { volume: string } };

export interface Connection {
  id: string;
  jupyterUrl: string | null;
  sshCommand: string | null;
  /** Opens the workstation by user@address; works without any SSH config. */
  vscodeUri: string | null;
  /** `prism-<name>`: the Host of `sshConfig`. */
  sshHost?: string | null;
  /** The `~/.ssh/config` block for `sshHost` (HostName, User, IdentityFile, ...). */
  sshConfig?: string | null;
  /** Opens the workstation through `sshHost`: needs `sshConfig` in `~/.ssh/config`. */
  vscodeHostUri?: string | null;
}

/** `POST /instances/:id/resize` body: a size of the template, or an instance type of the same arch. */
export interface ResizeRequest {
  size?: string;
  instanceType?: string;
}

/** `GET /orphans`: an instance carrying `prism:launch` that no record knows (say, the database was lost). */
export interface Orphan {
  instanceId: string;
  /** The `prism:launch` tag: the workstation id it was launched as. */
  launchId: string;
  name: string | null;
  owner: string | null;
  project: string | null;
  template: string | null;
  templateVersion: string | null;
  state: string;
  instanceType: string;
  launchTime: string | null;
}

/** `POST /keys/rotate`. */
export interface KeyRotation {
  keyName: string;
  previousKeyName: string | null;
  /** Whether `GET /keys/private` will hand out the new private key. */
  downloadable: boolean;
  /** What happens to existing workstations, in words. */
  message: string;
}

/** GET /costs. */
export interface WorkstationCost {
  id: string;
  name: string;
  owner: string;
  project: string | null;
  instanceType: string;
  state: WorkstationState;
  pricePerHour: number | null;
  hoursRunning: number;
  hoursStopped: number;
  /** Month to date: compute while running plus storage while it existed. */
  spend: number;
  /** `spend` plus the rest of the month in the current state. */
  projectedMonthEnd: number;
  /** Compute not paid thanks to stopping or hibernating, this month. */
  savings: number;
}

export interface CostTotal {
  spend: number;
  projectedMonthEnd: number;
  savings: number;
}

export interface CostReport {
  currency: 'USD';
  priceTableDate: string;
  period: { start: string; end: string; asOf: string };
  workstations: WorkstationCost[];
  byUser: Record<string, CostTotal>;
  byProject: Record<string, CostTotal>;
  total: CostTotal;
  /** The caller's stored data (EFS volumes, snapshots, restored EBS volumes); counted in `byUser`, `byProject` and `total`. */
  storage?: StorageCost[];
}

/** One stored thing's share of the month (GET /costs, `storage`). */
export interface StorageCost {
  kind: 'volume' | 'snapshot' | 'ebs-volume';
  id: string;
  name: string;
  owner: string;
  project: string | null;
  /** The workstation a snapshot is of; null for volumes. */
  workstationId: string | null;
  monthlyCost: number;
  /** Month to date, from when it was made (or the month began), at its present size. */
  spend: number;
  projectedMonthEnd: number;
}
