/**
 * The AWS clients Prism works through, and what is built on them (the Cloud
 * and the S3 boot-report inbox), switchable while the service runs: the
 * first-run wizard's PUT /aws/settings changes profile and region without a
 * restart. The domain holds one delegating Cloud for the service's life; a
 * switch builds fresh clients, Cloud and inbox, so nothing cached for one
 * account or region (images, security group, key pairs, the report bucket)
 * answers for another.
 */
import type { Config } from '../config';
import type { BackupCloud, BootReportInbox, Cloud, SnapshotCloud } from '../domain/ports';
import type { Logger } from '../logger';
import { createBackupKeeper } from './backups';
import { createS3BootReportInbox } from './boot-report-inbox';
import type { CallHooks } from './call-queue';
import { createAwsClients, destroyAwsClients, type AwsClients } from './clients';
import { createAwsCloud } from './cloud';
import { createSnapshotKeeper } from './snapshots';

/** `profile` undefined: the SDK's standard chain (environment, AWS_PROFILE, SSO, instance role). */
export interface AwsChoice {
  profile: string | undefined;
  region: string;
}

export interface AwsSession {
  /** Forwards every call to the Cloud of the current choice. */
  readonly cloud: Cloud;
  /** Forwards to the boot-report inbox of the current choice. */
  readonly inbox: BootReportInbox;
  /** EBS snapshots and restored volumes, following the switch like `cloud`. */
  readonly snapshots: SnapshotCloud;
  /** EFS backups and sizes, following the switch like `cloud`. */
  readonly backups: BackupCloud;
  /** The clients the service started with (the community catalog reads through them; it lives in its own bucket). */
  readonly startClients: AwsClients;
  /** The clients of the current choice (dataset objects live in researchers' buckets, reached with the chosen credentials). */
  clients(): AwsClients;
  region(): string;
  /** The current account and region's report bucket, made once per choice; a failure is tried again at the next call. */
  reportBucket(): Promise<string>;
  switchTo(choice: AwsChoice): void;
  /** Closes every client built; at shutdown only, since calls made before a switch may still be running. */
  destroy(): void;
}

interface Built {
  choice: AwsChoice;
  clients: AwsClients;
  cloud: Cloud;
  snapshots: SnapshotCloud;
  backups: BackupCloud;
  inbox: ReturnType<typeof createS3BootReportInbox>;
  reportBucket: () => Promise<string>;
}

/** `hooks`: the call queue and metrics, shared by the clients of every choice. */
export function createAwsSession(deps: { config: Config; logger: Logger; choice: AwsChoice; hooks?: CallHooks }): AwsSession {
  const { config, logger } = deps;
  const build = (choice: AwsChoice): Built => {
    const clients = createAwsClients({ region: choice.region, awsEndpoint: config.awsEndpoint, profile: choice.profile, awsRetry: config.awsRetry, hooks: deps.hooks });
    const inbox = createS3BootReportInbox({ clients, config, logger });
    return {
      choice,
      clients,
      cloud: createAwsCloud({ clients, config, logger }),
      snapshots: createSnapshotKeeper(clients, logger.child({ module: 'aws' })),
      backups: createBackupKeeper(clients, logger.child({ module: 'aws' })),
      inbox,
      reportBucket: onceMade(() => inbox.ensureReportBucket())
    };
  };
  let current = build(deps.choice);
  const everBuilt = [current];
  // A Proxy rather than a hand-written forwarder: every Cloud method, present and future, follows the switch.
  const cloud = new Proxy({} as Cloud, { get: (_target, key) => Reflect.get(current.cloud, key) as unknown });
  const snapshots = new Proxy({} as SnapshotCloud, { get: (_target, key) => Reflect.get(current.snapshots, key) as unknown });
  const backups = new Proxy({} as BackupCloud, { get: (_target, key) => Reflect.get(current.backups, key) as unknown });
  return {
    cloud,
    snapshots,
    backups,
    inbox: {
      fetch: (launchId, afterSeq) => current.inbox.fetch(launchId, afterSeq),
      publishDesired: (launchId, state) => current.inbox.publishDesired(launchId, state)
    },
    startClients: current.clients,
    clients: () => current.clients,
    region: () => current.choice.region,
    reportBucket: () => current.reportBucket(),
    switchTo(choice) {
      current = build(choice);
      everBuilt.push(current);
      logger.info({ profile: choice.profile ?? null, region: choice.region }, 'AWS profile and region switched');
    },
    destroy() {
      for (const built of everBuilt) destroyAwsClients(built.clients);
    }
  };
}

/** Runs `make` once; after a failure, again at the next call. */
function onceMade<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () =>
    (made ??= make().catch(error => {
      made = undefined;
      throw error;
    }));
}
