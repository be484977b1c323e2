/**
 * The desired state a workstation's agent pulls (docs/api.md, "Attach to a
 * running workstation"): every mount it should have and the sync runs it
 * should do. The reply to the agent's HTTP report carries it; over S3 the
 * service writes it as an object the agent reads. The agent answers with
 * what it found: each mount's status, each run's result.
 */
import type { SyncedFile } from '../contract/sync';

/** One mount as the agent needs it; `ref` is what `DELETE /instances/:id/datasets/:ref` names. */
export interface MountSpec {
  /** A dataset's name, a volume's id, or `s3://bucket/prefix` for a bucket given at launch. */
  ref: string;
  path: string;
  kind: 's3' | 'efs';
  /** `s3://bucket/prefix` or the volume id, as the API shows it. */
  source: string;
  s3?: { bucket: string; prefix: string; readOnly: boolean };
  efs?: { fileSystemId: string; accessPointId: string; readOnly?: boolean };
}

/** One sync run for the agent: copy `source` into `destination` (a folder on a mounted volume). */
export interface SyncOrder {
  run: string;
  source: string;
  destination: string;
}

/** One team key for the agent's block in the login user's authorized_keys (domain/team-keys.ts). */
export interface AuthorizedKey {
  user: string;
  fingerprint: string;
  /** `type key prism:<user>`, one authorized_keys line. */
  line: string;
}

export interface DesiredState {
  mounts: MountSpec[];
  syncs: SyncOrder[];
  /** Absent from a service without team keys: the agent then leaves the file as it is. */
  authorizedKeys?: AuthorizedKey[];
}

/** A `mounts` report: the agent's view of each desired mount. */
export interface AgentMountStatus {
  path: string;
  status: 'mounted' | 'failed';
  reason?: string;
  at: string;
}

/** A `sync` report: how one run went. */
export interface SyncResult {
  run: string;
  status: 'ok' | 'failed';
  files: SyncedFile[];
  reason?: string;
}

/** The object a workstation that reports through S3 reads its desired state from. */
export const DESIRED_PREFIX = 'prism-desired';

export function desiredStateKey(launchId: string): string {
  return `${DESIRED_PREFIX}/${launchId}.json`;
}

/** A dry run's mount leaves this file in the mount point; the agent's stand-in for `mountpoint` looks for it. */
export const EMULATED_MOUNT_MARKER = '.prism-emulated-mount';
