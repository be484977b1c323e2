/**
 * The ports the domain owns. Adapters (aws/, store/, identity/, boot/)
 * implement them; the domain imports no framework and no SDK.
 */
import type { Arch, Problem, WorkstationEvent } from '../contract/events';
import type { Workstation } from '../contract/api';
import type { MetricsEvent } from '../contract/metrics';
import type { Activity } from './idle';
import type { AgentMountStatus, DesiredState, MountSpec, SyncResult } from './mount-spec';
import type { ImageSource, Template, TemplateDiagnostic } from './template';

export interface Clock {
  now(): Date;
}

export interface ImageInfo {
  imageId: string;
  arch: Arch;
  name: string;
}

export interface InstanceTypeInfo {
  instanceType: string;
  arches: Arch[];
  vcpus: number;
  memoryGiB: number;
}

export type CloudInstanceState =
  | 'pending'
  | 'running'
  | 'stopping'
  | 'stopped'
  | 'shutting-down'
  | 'terminated';

export interface CloudInstance {
  instanceId: string;
  /** Value of the `prism:launch` tag. */
  launchId: string;
  state: CloudInstanceState;
  instanceType: string;
  imageId: string;
  privateIp: string | null;
  publicIp: string | null;
  tags: Record<string, string>;
  /** When EC2 last started it (ISO); absent where the cloud does not say. */
  launchTime?: string | null;
  /** Launched with hibernation enabled (EC2's HibernationOptions.Configured). */
  hibernation?: boolean;
}

export interface RunInstanceSpec {
  /** Prism's workstation id: also the EC2 ClientToken and the `prism:launch` tag. */
  launchId: string;
  imageId: string;
  instanceType: string;
  securityGroupId: string;
  keyName: string;
  userData: string;
  rootVolumeGiB: number;
  tags: Record<string, string>;
  /** The instance profile that lets it reach its datasets and report objects; none when it needs neither. */
  instanceProfile?: string;
  /** Launch with hibernation enabled (EC2 cannot turn it on later). */
  hibernation?: boolean;
}

/** The owner's private SSH key, handed out once; `taken` when it already was. */
export type PrivateKeyHandout =
  | { keyName: string; privateKey: string }
  | { keyName: string; takenAt: string }
  | null;

/** What one workstation's IAM role may do in S3: its datasets, and its own boot report objects. */
export interface WorkstationRoleSpec {
  launchId: string;
  owner: string;
  /** `prefix` as mounted: '' for the whole bucket, else ending with '/'. */
  datasets: { bucket: string; prefix: string; readOnly: boolean }[];
  /** Set when the workstation reports through S3: it may write under `prism-reports/<launchId>/` of this bucket. */
  reportBucket: string | null;
  /** A running instance that must wear the instance profile (storage attached after launch). */
  instanceId?: string;
}

/** An EFS volume as Prism asks for it; `volumeId` is also its CreationToken, so a retry makes no second file system. */
export interface FileSystemSpec {
  volumeId: string;
  name: string;
  owner: string;
  project: string | null;
  /** Turn on EFS's own automatic backups (where AWS Backup's plan does not cover Prism's volumes). */
  automaticBackups?: boolean;
}

/** One user's way into a volume: their POSIX identity and their own root directory. */
export interface AccessPointSpec {
  fileSystemId: string;
  volumeId: string;
  user: string;
  uid: number;
  rootDirectory: string;
}

/** Everything Prism asks of the cloud provider. Errors are `PrismError`s with a hint. */
export interface Cloud {
  identity(): Promise<{ account: string; region: string }>;
  /** The image for `arch`: SSM parameter first, DescribeImages fallback. */
  resolveImage(source: ImageSource, arch: Arch): Promise<ImageInfo>;
  describeInstanceType(instanceType: string): Promise<InstanceTypeInfo>;
  /** The workstation security group in the default VPC, created once. */
  ensureSecurityGroup(): Promise<string>;
  /** The owner's key pair, created once; the private key is kept by the adapter. */
  ensureKeyPair(owner: string): Promise<{ keyName: string; privateKeyPath: string | null }>;
  /** A new key pair for the owner that later launches use; the earlier ones stay (running workstations hold them). */
  rotateKeyPair(owner: string): Promise<{ keyName: string; privateKeyPath: string | null; previousKeyName: string | null }>;
  /** The owner's current private key, the first time only; null when the service holds none. */
  takePrivateKey(owner: string): Promise<PrivateKeyHandout>;
  /** Idempotent on `launchId` (ClientToken), and finds an existing instance by tag first. */
  runInstance(spec: RunInstanceSpec): Promise<CloudInstance>;
  waitUntilRunning(instanceId: string): Promise<CloudInstance>;
  /** Prism's instances, found by tag (never by trusting a token alone). */
  findInstances(filter?: { launchId?: string; owner?: string }): Promise<CloudInstance[]>;
  stopInstance(instanceId: string, hibernate?: boolean): Promise<void>;
  startInstance(instanceId: string): Promise<void>;
  /** Changes a stopped instance's type (ModifyInstanceAttribute). */
  changeInstanceType(instanceId: string, instanceType: string): Promise<void>;
  /** Grows the instance's root volume to `sizeGiB` (ModifyVolume); the OS grows its file system at the next boot. */
  growRootVolume(instanceId: string, sizeGiB: number): Promise<void>;
  terminateInstance(instanceId: string): Promise<void>;
  /** The user data as the instance sees it (used by the boot emulator). */
  readUserData(instanceId: string): Promise<string>;
  /** The workstation's role and instance profile, made once (a resumed launch asks again); returns the profile name. */
  ensureWorkstationRole(spec: WorkstationRoleSpec): Promise<string>;
  /** Deletes the workstation's role, its policy and instance profile; nothing to delete is fine. */
  removeWorkstationRole(launchId: string): Promise<void>;
  /** An encrypted EFS file system with its lifecycle policy, made once per volume id; returns its id. */
  createFileSystem(spec: FileSystemSpec): Promise<string>;
  /** Mount targets in the default VPC's subnets, NFS open to the workstations' group; made once, reused. */
  ensureMountTargets(fileSystemId: string): Promise<string[]>;
  /** The user's access point on the file system, made on first use; returns its id. */
  ensureAccessPoint(spec: AccessPointSpec): Promise<string>;
  /** Access points, mount targets, then the file system; one already gone is fine. */
  deleteFileSystem(fileSystemId: string): Promise<void>;
}

/** One report from a booting workstation, over HTTP or the S3 report object. */
export interface BootReport {
  /** Strictly increasing per launch; duplicates are ignored. */
  seq: number;
  /** `activity`: the idle agent's report, every minute once the workstation is ready; `mounts`, `sync`: its storage work. */
  type: 'step' | 'log' | 'ready' | 'failed' | 'activity' | 'mounts' | 'sync';
  /** For `step`: the step name and its 1-based index of `total`. */
  step?: string;
  index?: number;
  total?: number;
  message?: string;
  line?: string;
  /** For `ready`: the services listening, with their port. */
  services?: { name: string; port: number }[];
  /** For `activity` (see domain/idle.ts): what the workstation is doing. */
  activity?: Activity;
  /** For `mounts` (domain/mount-spec.ts): each desired mount as the agent found it. */
  mounts?: AgentMountStatus[];
  /** For `sync`: one run's result. */
  sync?: SyncResult;
}

/** Reads S3 report objects for launches whose instance cannot reach the service. */
export interface BootReportInbox {
  /** Reports written after `afterSeq`, oldest first. */
  fetch(launchId: string, afterSeq: number): Promise<(BootReport & { token: string })[]>;
  /** Writes the workstation's desired state (domain/mount-spec.ts) where its agent reads it. */
  publishDesired?(launchId: string, state: DesiredState): Promise<void>;
}

export interface WorkstationRecord extends Workstation {
  /** The per-launch token boot reports are signed with (kept server-side only). */
  bootToken: string;
  /** Jupyter's own token on the workstation (the owner's credential). */
  jupyterToken: string;
  /** Set when the launch failed, before its clean-up; a restart finds it and finishes failing with this reason. */
  failing?: Problem;
  /** Highest boot report seq applied. */
  lastReportSeq: number;
  /** Ports the workstation reported at ready. */
  servicePorts: Record<string, number>;
  keyPath: string | null;
  address: string | null;
  /** The key pair it was launched with (absent on records before key rotation). */
  keyName?: string;
  /** Its root volume as launched, grown for hibernation (absent on older records). */
  rootVolumeGiB?: number;
  /** Why it cannot hibernate, for the refusal's hint; null when it can. */
  hibernationNote?: string | null;
  /** Every mount its agent keeps, resolved (domain/attachments.ts); absent until first resolved. */
  mountSpecs?: MountSpec[];
}

export interface WorkstationStore {
  insert(record: WorkstationRecord): void;
  get(id: string): WorkstationRecord | undefined;
  update(id: string, patch: Partial<WorkstationRecord>): WorkstationRecord;
  listByOwner(owner: string): WorkstationRecord[];
  listAll(): WorkstationRecord[];
  /** Launches not yet ready, failed or terminated: resumed on start-up. */
  listUnfinished(): WorkstationRecord[];
  /** Keeps the event; returns its `seq`, the next of one counter for all workstations. */
  appendEvent(event: WorkstationEvent): number;
  /** One workstation's kept events, oldest first, each with its `seq`. */
  events(id: string): WorkstationEvent[];
  /** Every workstation's kept events after `seq`, oldest first, at most `limit`. */
  eventsSince(seq: number, limit: number): WorkstationEvent[];
  /** The last `seq` given (0 before any event). */
  lastEventSeq(): number;
  /** Observed seconds per phase, for ETAs. */
  recordPhaseDuration(key: string, phase: string, seconds: number): void;
  typicalPhaseSeconds(key: string): Record<string, number>;
  /**
   * Runs `work` (a check and the writes it allows) so that no other service
   * process on this database runs `name` work in between; when it throws, its
   * writes are undone.
   */
  exclusive<T>(name: string, work: () => T): T;
}

/** Where the domain gets templates from. */
export interface TemplateCatalog {
  list(): Template[];
  get(name: string, version?: string): Template | undefined;
  /** Diagnostics for a template file's text, its parents looked up in the catalog. */
  validate(yamlText: string, fileName: string): TemplateDiagnostic[];
}

/** One kept version of a template: what was resolved from which text, and when first seen. */
export interface StoredTemplateVersion {
  name: string;
  version: string;
  template: Template;
  sourceYaml: string;
  /** ISO time the service first loaded this version. */
  loadedAt: string;
}

/**
 * Every version of every template the service has loaded, kept so that a
 * launch can pin a version after its file changed or was removed.
 */
export interface TemplateVersionStore {
  /** Keeps `version`: 'new' the first time, 'changed' when its source text differs from the kept one. */
  keep(version: StoredTemplateVersion): 'new' | 'changed' | 'same';
  find(name: string, version: string): StoredTemplateVersion | undefined;
  /** Every kept version of `name`, in no particular order. */
  list(name: string): StoredTemplateVersion[];
  /** The version an admin chose to offer by default, if any. */
  currentVersion(name: string): string | undefined;
  setCurrentVersion(name: string, version: string): void;
}

/** A catalog that keeps every version and lets an admin choose the default one. */
export interface VersionedTemplateCatalog extends TemplateCatalog {
  /** Newest first; undefined when no version of `name` was ever loaded. */
  history(name: string): { version: string; loadedAt: string; current: boolean }[] | undefined;
  /** @throws {PrismError} TEMPLATE_NOT_FOUND when that version was never loaded. */
  setCurrent(name: string, version: string): void;
}

/** How events leave the domain (socket.io rooms, in realtime/). */
export interface EventSink {
  publish(owner: string, event: WorkstationEvent, project?: string | null): void;
}

/** One stored monitoring point (domain/metrics.ts): the agent's totals beside the rates made of them. */
export interface StoredMetricsPoint {
  workstationId: string;
  /** ms since the epoch, when the agent measured. */
  at: number;
  cpuPercent: number;
  memoryPercent: number | null;
  memoryUsedMiB: number | null;
  diskPercent: number | null;
  networkRxBytes: number | null;
  networkTxBytes: number | null;
  networkRxBps: number | null;
  networkTxBps: number | null;
}

/** Each workstation's monitoring points, kept for a day. */
export interface MetricsStore {
  append(point: StoredMetricsPoint): void;
  /** Points at or after `from` (ms), oldest first. */
  since(workstationId: string, from: number): StoredMetricsPoint[];
  latest(workstationId: string): StoredMetricsPoint | undefined;
  /** Drops every workstation's points older than `before` (ms). */
  forget(before: number): void;
}

/** How monitoring points leave the domain (socket.io rooms, in realtime/). */
export interface MetricsSink {
  publish(owner: string, event: MetricsEvent, project?: string | null): void;
}

/** Where a workstation's services are reached from the service. */
export interface WorkstationNetwork {
  addressOf(instance: CloudInstance): string | null;
}

/** Probes a service on a workstation; resolves true once it answers 2xx/3xx. */
export interface HealthProbe {
  check(url: string): Promise<boolean>;
}

/** The little the domain needs of a logger (pino's Logger fits). */
export interface DomainLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** Who is calling, as the identity adapter (token, JupyterHub) established it. */
export interface Caller {
  user: string;
  roles: string[];
  projects: string[];
}

export interface IdentityProvider {
  /** The caller for a bearer token, or null when the token is not valid. */
  authenticate(token: string | undefined): Promise<Caller | null>;
}

/** An EBS snapshot Prism made, as EC2 describes it. */
export interface CloudSnapshot {
  /** Prism's id: the value of its `prism:snapshot` tag. */
  snapshotId: string;
  ebsSnapshotId: string;
  state: 'pending' | 'completed' | 'error';
  progress: string | null;
  sizeGiB: number;
  tags: Record<string, string>;
}

/** A snapshot of a workstation's root volume; `snapshotId` is Prism's id, tagged `prism:snapshot`. */
export interface SnapshotSpec {
  snapshotId: string;
  instanceId: string;
  description: string;
  tags: Record<string, string>;
}

/** An EBS volume Prism made from a snapshot (tagged `prism:restore`). */
export interface CloudEbsVolume {
  /** Prism's restore id: the value of its `prism:restore` tag. */
  restoreId: string;
  volumeId: string;
  sizeGiB: number;
  /** EC2's state: creating, available, in-use, deleting, … */
  state: string;
  availabilityZone: string;
  /** Instances it is attached to. */
  attachedTo: string[];
}

export interface RestoreSnapshotSpec {
  restoreId: string;
  ebsSnapshotId: string;
  availabilityZone: string;
  tags: Record<string, string>;
}

/** EBS snapshots of workstations and the volumes restored from them (aws/snapshots.ts). */
export interface SnapshotCloud {
  /** Snapshots the instance's root volume; a snapshot already tagged with `snapshotId` is returned instead of a second one. */
  snapshotRootVolume(spec: SnapshotSpec): Promise<CloudSnapshot & { availabilityZone: string }>;
  /** Every snapshot carrying a `prism:snapshot` tag. */
  findSnapshots(): Promise<CloudSnapshot[]>;
  /** Deletes the snapshot only while it carries `prism:snapshot` = `snapshotId`; one already gone is fine. */
  deleteSnapshot(ebsSnapshotId: string, snapshotId: string): Promise<void>;
  /** A gp3 volume from the snapshot in the zone, made once per `restoreId`, returned once available. */
  restoreSnapshot(spec: RestoreSnapshotSpec): Promise<CloudEbsVolume>;
  /** Every volume carrying a `prism:restore` tag. */
  findRestoredVolumes(): Promise<CloudEbsVolume[]>;
  /** Deletes the volume only while it carries `prism:restore` = `restoreId`; one already gone is fine. */
  deleteRestoredVolume(volumeId: string, restoreId: string): Promise<void>;
}

/** AWS Backup's daily plan for Prism's volumes: a vault, a plan, a selection by tag. */
export interface BackupPlanSpec {
  vault: string;
  plan: string;
  retentionDays: number;
  /** Resources carrying this tag key (any value) are backed up. */
  tagKey: string;
}

/** A recovery point of a file system, as AWS Backup lists it. */
export interface CloudRecoveryPoint {
  arn: string;
  createdAt: string | null;
  status: string;
  sizeBytes: number | null;
  expiresAt: string | null;
  vault: string | null;
}

export interface CloudRestoreJob {
  state: 'running' | 'completed' | 'failed';
  /** The new file system, once completed. */
  fileSystemId: string | null;
  message: string | null;
}

/** EFS backups and metered sizes (aws/backups.ts). */
export interface BackupCloud {
  /** Whether AWS Backup answers in this account and region (backup:ListBackupVaults). */
  awsBackupAvailable(): Promise<boolean>;
  /** The vault, the plan and its tag selection, each made once. @throws when any cannot be made. */
  ensureBackupPlan(spec: BackupPlanSpec): Promise<void>;
  /** Whether EFS's own automatic backups are on for the file system. */
  fileSystemBackupsEnabled(fileSystemId: string): Promise<boolean>;
  /** Turns EFS's own automatic backups on (PutBackupPolicy ENABLED). */
  enableFileSystemBackups(fileSystemId: string): Promise<void>;
  /** @throws when AWS Backup cannot be asked (no API, no permission). */
  listRecoveryPoints(fileSystemId: string): Promise<CloudRecoveryPoint[]>;
  /** Starts restoring the recovery point into a new file system, once per `restoreId`; returns the job id. */
  startRestore(spec: { restoreId: string; recoveryPointArn: string; fileSystemId: string }): Promise<string>;
  restoreJob(jobId: string): Promise<CloudRestoreJob>;
  /** Tags a restored file system as the volume `spec` and gives it the volumes' lifecycle policy. */
  adoptFileSystem(fileSystemId: string, spec: FileSystemSpec): Promise<void>;
  /** Metered sizes in bytes; a file system not found is absent. */
  fileSystemSizes(fileSystemIds: string[]): Promise<Record<string, { standard: number; infrequentAccess: number }>>;
}
