/**
 * The storage part of API v1 (docs/api.md, "Snapshots and backups" and
 * "Storage"): EBS snapshots of workstations, EFS backups, and what the
 * caller's storage costs each month. Shared by the service and the extension.
 */

/** `pending` while EBS copies the blocks; `completed` once it can be restored. */
export type SnapshotState = 'pending' | 'completed' | 'error';

/** An EBS snapshot of a workstation's root volume, made by Prism. */
export interface Snapshot {
  /** Prism's id; also the value of the snapshot's `prism:snapshot` tag. */
  id: string;
  workstationId: string;
  workstationName: string;
  owner: string;
  project: string | null;
  /** EBS's id (snap-…); null until EC2 accepted the request. */
  ebsSnapshotId: string | null;
  /** Size of the volume it was taken of: what a restore makes, and the most it is billed for. */
  sizeGiB: number | null;
  description: string;
  /** `schedule` snapshots are the ones retention deletes; a snapshot asked for by hand is kept until deleted. */
  trigger: 'request' | 'schedule';
  state: SnapshotState;
  /** EC2's percentage while pending, e.g. "42%". */
  progress: string | null;
  /** The zone of the workstation, where a restore makes its volume. */
  availabilityZone: string | null;
  createdAt: string;
}

export interface SnapshotRequest {
  description?: string;
}

/** PUT /instances/:id/snapshot-schedule. */
export interface SnapshotScheduleRequest {
  /** Hours between snapshots, 1 to 720. */
  everyHours: number;
  /** How many scheduled snapshots to keep, 1 to 100; the oldest beyond it are deleted. */
  keep: number;
}

export interface SnapshotSchedule extends SnapshotScheduleRequest {
  workstationId: string;
  setBy: string;
  setAt: string;
  /** When the last scheduled snapshot was taken; null before the first. */
  lastRunAt: string | null;
  /** When the next one is due (at once when none was taken yet). */
  nextRunAt: string;
}

/** An EBS volume made from a snapshot (POST /snapshots/:id/restore). */
export interface RestoredVolume {
  /** EBS's id (vol-…); what to attach. */
  id: string;
  snapshotId: string;
  workstationId: string;
  owner: string;
  project: string | null;
  availabilityZone: string;
  sizeGiB: number;
  /** EC2's volume state: `available` (detached), `in-use` (attached), … */
  state: string;
  createdAt: string;
  /** How to use it, in words (attach to a stopped workstation in the same zone). */
  howToUse: string;
}

/** How a volume's file system is backed up. */
export type BackupMode = 'aws-backup' | 'efs-policy';

export interface RecoveryPoint {
  /** The recovery point's ARN: what POST /volumes/:id/restore takes. */
  arn: string;
  createdAt: string | null;
  status: string;
  sizeBytes: number | null;
  /** When AWS Backup deletes it; null when kept until deleted. */
  expiresAt: string | null;
  vault: string | null;
}

/** GET /volumes/:id/recovery-points. */
export interface RecoveryPointList {
  volumeId: string;
  backups: BackupMode;
  recoveryPoints: RecoveryPoint[];
  /** Set when the list cannot be complete (EFS's own backup policy without AWS Backup's API), in words. */
  note: string | null;
}

export type VolumeRestoreState = 'running' | 'completed' | 'failed';

/** POST /volumes/:id/restore and GET /volumes/:id/restore: a restore into a new volume. */
export interface VolumeRestore {
  /** The new volume (its file system is set once the restore completed). */
  volumeId: string;
  sourceVolumeId: string;
  recoveryPoint: string;
  jobId: string;
  state: VolumeRestoreState;
  message: string | null;
  startedAt: string;
}

/** Monthly dollars of one stored thing, at the price table's (or refresh's) prices. */
export interface StorageVolume {
  kind: 'volume';
  id: string;
  name: string;
  owner: string;
  project: string | null;
  fileSystemId: string | null;
  /** EFS's metered size, bytes, in Standard and in Infrequent Access. */
  sizeBytes: { standard: number; infrequentAccess: number };
  monthlyCost: number;
  /** Workstations, not terminated, that mount it. */
  attachedTo: { id: string; name: string; state: string }[];
  createdAt: string;
}

export interface StorageSnapshot {
  kind: 'snapshot';
  id: string;
  ebsSnapshotId: string | null;
  owner: string;
  project: string | null;
  sizeGiB: number;
  monthlyCost: number;
  state: SnapshotState;
  trigger: 'request' | 'schedule';
  createdAt: string;
  workstation: { id: string; name: string; exists: boolean };
}

export interface StorageEbsVolume {
  kind: 'ebs-volume';
  id: string;
  snapshotId: string;
  owner: string;
  project: string | null;
  sizeGiB: number;
  monthlyCost: number;
  state: string;
  availabilityZone: string;
  createdAt: string;
}

export type StorageKind = 'volume' | 'snapshot' | 'ebs-volume';

/** Something no workstation uses any more, and what keeping it costs. */
export interface UnusedItem {
  kind: StorageKind;
  id: string;
  name: string;
  owner: string;
  project: string | null;
  monthlyCost: number;
  /** Why it counts as unused, in words. */
  reason: string;
}

export interface StorageTotal {
  monthlyCost: number;
  /** The part of `monthlyCost` that is unused storage. */
  unusedMonthlyCost: number;
}

/** GET /storage. */
export interface StorageReport {
  currency: 'USD';
  priceTableDate: string;
  /** Null where the price table has no storage prices for the region (every cost is then 0). */
  prices: StoragePrices | null;
  volumes: StorageVolume[];
  snapshots: StorageSnapshot[];
  ebsVolumes: StorageEbsVolume[];
  unused: { items: UnusedItem[]; monthlyCost: number };
  byUser: Record<string, StorageTotal>;
  byProject: Record<string, StorageTotal>;
  total: StorageTotal;
}

/** USD per GB-month. */
export interface StoragePrices {
  efsStandard: number;
  efsInfrequentAccess: number;
  ebsSnapshot: number;
  gp3: number;
}

/** POST /storage/cleanup: exactly the items the person confirmed. */
export interface CleanupRequest {
  items: { kind: StorageKind; id: string }[];
}

export type CleanupOutcome =
  | { kind: StorageKind; id: string; result: 'deleted' }
  | { kind: StorageKind; id: string; result: 'refused'; code: string; detail: string; hint: string };

export interface CleanupReport {
  items: CleanupOutcome[];
}
