/**
 * The running service: adapters built from config, createApp, listen, then
 * reconcile and resume unfinished launches. main.ts and the integration tests
 * both start Prism through here.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createApp, type PrismApp } from './app';
import { createAwsSession } from './aws/aws-session';
import { createS3CatalogSource } from './aws/catalog-source';
import { createPriceSource, createPricingClient } from './aws/pricing';
import { awsProfileFiles } from './aws/profiles';
import { createBootEmulator, withEmulatedBoot } from './boot/emulator';
import { createTemplateInstaller } from './catalog/template-installer';
import type { Config } from './config';
import { AwsSetup } from './domain/aws-setup';
import { awsSettingsFile, overridingVariables, startingChoice } from './domain/aws-setup-settings';
import { CommunityCatalog } from './domain/catalog';
import { cloudReachability } from './domain/cloud-reachability';
import type { Cloud } from './domain/ports';
import { RefreshablePriceBook, startPriceRefresh } from './domain/price-book';
import { reconcileWithCloud } from './domain/reconcile';
import { Leases, workAlone, type Work } from './domain/lease';
import { connectSharedRooms } from './realtime/redis-adapter';
import { connectRedisBuckets } from './http/redis-buckets';
import { RateLimitSharing } from './http/shared-rate-limit';
import { SqlBootReportRelay } from './store/boot-report-relay-store';
import { SqlLeaseStore } from './store/lease-store';
import { createHubIdentity } from './identity/hub-identity';
import { createHubSignIn } from './identity/hub-sign-in';
import { createTokenIdentity } from './identity/token-identity';
import { eitherIdentity, loadUsersFile } from './identity/users-file-identity';
import type { Logger } from './logger';
import { httpProbe } from './network/http-probe';
import { cloudNetwork, loopbackNetwork } from './network/workstation-network';
import { SqlAuditStore } from './store/audit-store';
import { SqlCatalogStore } from './store/catalog-store';
import { SqlMetricsStore } from './store/metrics-store';
import { openDatabase } from './store/open-database';
import { SqlProjectStore } from './store/project-store';
import { SqlSnapshotStore } from './store/snapshot-store';
import { SqlSharedNotebookStore } from './store/shared-notebook-store';
import { SqlWorkstationStore } from './store/workstation-store';
import { SqlTemplateVersions } from './store/template-version-store';
import { SqlVolumeStore } from './store/volume-store';
import { SqlSyncStore } from './store/sync-store';
import { SqlDatasetStore } from './store/dataset-store';
import { SqlTeamStore } from './store/team-store';
import { createSpaceAccessPoints } from './aws/project-space';
import { createDatasetObjects } from './aws/dataset-objects';
import { createNotebookObjects } from './aws/notebook-objects';
import { createTemplateAuthoring } from './templates/template-authoring';
import { TemplateLibrary } from './templates/template-library';
import { watchTemplates } from './templates/watch-templates';
import { CallQueue } from './aws/call-queue';
import { ServiceHealth } from './observability/health';
import { ServiceMetrics } from './observability/metrics';

const BOOT_TIMEOUT_SECONDS = 30 * 60;
const HEALTH_TIMEOUT_SECONDS = 120;
const REPORT_POLL_SECONDS = 5;
/** Idle deadlines are checked this often besides at each agent report. */
const IDLE_CHECK_MS = 15_000;
/** Budgets are checked every minute (and at once when one is set). */
const BUDGET_CHECK_MS = 60_000;
/** Syncs are due on whole minutes. */
const SYNC_CHECK_MS = 60_000;
/** Snapshot schedules are checked this often (their periods are whole hours). */
const SNAPSHOT_CHECK_MS = 5 * 60_000;
/** Running EFS restores are checked this often. */
const RESTORE_CHECK_MS = 30_000;

export interface RunningService {
  app: PrismApp;
  /** e.g. http://127.0.0.1:8787/ (with the base URL). */
  url: string;
  token: string;
  /** Resolves once start-up reconciliation ran and unfinished launches resumed. */
  settled: Promise<void>;
  /** Stop accepting, let launches finish or hand off (they resume on the next start), close. */
  stop(graceMs: number): Promise<void>;
}

export async function startService(configured: Config, logger: Logger): Promise<RunningService> {
  fs.mkdirSync(configured.dataDir, { recursive: true, mode: 0o700 });
  // The profile and region chosen in the first-run wizard, unless the environment names its own.
  const savedAws = awsSettingsFile(configured.dataDir);
  const startChoice = startingChoice(savedAws.read(), process.env, configured.region);
  const config: Config = { ...configured, region: startChoice.region };
  const token = config.token ?? createSessionToken(config.dataDir);
  // One connection (SQLite file or PostgreSQL) for every store; migrated as it opens.
  const database = openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'prism.sqlite'), logger: logger.child({ module: 'store' }) });
  logger.info({ module: 'store', database: database.dialect }, 'store opened');
  const store = new SqlWorkstationStore(database);
  const templateVersions = new SqlTemplateVersions(database);
  const metrics = new SqlMetricsStore(database);
  const projects = new SqlProjectStore(database);
  const volumes = new SqlVolumeStore(database);
  const syncs = new SqlSyncStore(database);
  const datasets = new SqlDatasetStore(database);
  const snapshots = new SqlSnapshotStore(database);
  const audit = new SqlAuditStore(database);
  // With one replica it holds every lease at once; with several, they share the work through them (docs/replicas.md).
  const leases = new Leases({
    store: new SqlLeaseStore(database),
    holder: config.replicaId,
    ttlMs: config.leaseMs,
    clock: { now: () => new Date() },
    logger: logger.child({ module: 'leases', replica: config.replicaId })
  });
  const sharedRooms = config.redisUrl ? await connectSharedRooms(config.redisUrl, logger.child({ module: 'realtime' })) : null;
  // One process on its own SQLite file takes no leases: after a crash its next start resumes every launch at once.
  const replicated = config.databaseUrl !== undefined || sharedRooms !== null;
  const catalog = await TemplateLibrary.open(config.templatesDir, templateVersions);
  for (const d of catalog.diagnostics) {
    logger.warn({ module: 'templates', file: d.file, line: d.line, column: d.column, hint: d.hint }, d.message);
  }
  const templateWatch = watchTemplates(catalog, logger.child({ module: 'templates' }));
  let reportUrl = config.reportChannel === 'http' ? (config.reportUrl ?? null) : null;
  const serviceMetrics = new ServiceMetrics();
  const health = new ServiceHealth();
  if (sharedRooms) health.add({ name: 'redis', run: () => sharedRooms.health() });
  const sharedBuckets = config.redisUrl ? await connectRedisBuckets(config.redisUrl, logger.child({ module: 'rate-limit' })) : null;
  const sharedRateLimits = sharedBuckets ? new RateLimitSharing(sharedBuckets, config.rateLimitRedisTimeoutMs, logger.child({ module: 'rate-limit' })) : undefined;
  if (sharedRateLimits) health.add({ name: 'rateLimits', run: () => sharedRateLimits.health() });
  const aws = createAwsSession({ config, logger, choice: startChoice, hooks: { queue: new CallQueue(config.awsMaxConcurrency), observer: serviceMetrics } });
  const awsCloud = aws.cloud;
  const emulator = config.emulatedBoot
    ? createBootEmulator({
        cloud: awsCloud,
        sandboxRoot: path.join(config.dataDir, 'emulated-workstations'),
        logger: logger.child({ module: 'boot-emulator' }),
        reportUrl: () => reportUrl,
        stableReportUrl: config.reportUrl !== undefined
      })
    : null;
  const emulatedCloud = emulator ? withEmulatedBoot(awsCloud, emulator) : null;
  const cloud = emulatedCloud ?? awsCloud;
  const inbox = aws.inbox;
  // Made at start when workstations report through S3; a failure (no credentials yet) is tried again at the next launch.
  const reportBucket = aws.reportBucket;
  if (config.reportChannel === 's3') {
    health.add({
      name: 'reportInbox',
      run: () =>
        reportBucket().then(
          bucket => ({ status: 'ok', detail: `boot reports arrive in s3://${bucket}` }),
          error => ({ status: 'degraded', detail: `no report bucket: ${error instanceof Error ? error.message : String(error)}`, hint: 'Workstations cannot report their boot until the bucket exists; check the AWS permissions (docs/aws-permissions.md).' })
        )
    });
    reportBucket().then(
      bucket => logger.info({ bucket }, 'workstations report their boot through S3'),
      error => logger.warn({ err: error }, 'could not prepare the boot report bucket; each launch tries again')
    );
  }
  const catalogStore = config.catalogUrl ? new SqlCatalogStore(database) : null;
  const community =
    config.catalogUrl && catalogStore
      ? new CommunityCatalog({
          source: createS3CatalogSource(aws.startClients, config.catalogUrl),
          store: catalogStore,
          library: catalog,
          installer: createTemplateInstaller(catalog),
          clock: { now: () => new Date() }
        })
      : null;
  // The shipped price table, overlaid with the Pricing API's prices on AWS (the emulator has no Pricing API).
  const prices = new RefreshablePriceBook(config.region);
  const pricing = config.awsEndpoint === undefined ? createPricingClient({ awsEndpoint: config.awsEndpoint, profile: startChoice.profile }) : null;

  const app = createApp({
    baseUrl: config.baseUrl,
    region: config.region,
    allowedOrigins: config.allowedOrigins,
    store,
    metrics,
    projects,
    volumes,
    syncs,
    datasets: { store: datasets, objects: createDatasetObjects(() => aws.clients()) },
    storage: { store: snapshots, snapshots: aws.snapshots, backups: aws.backups },
    team: { store: new SqlTeamStore(database), accessPoints: createSpaceAccessPoints(() => aws.clients(), logger.child({ module: 'aws' })) },
    sharedNotebooks: { store: new SqlSharedNotebookStore(database), objects: createNotebookObjects(() => aws.clients(), () => aws.reportBucket()) },
    audit,
    trustProxy: config.trustProxy,
    socketAdapter: sharedRooms?.adapter,
    sharedRateLimits,
    replicas: replicated ? { leases, relay: new SqlBootReportRelay(database) } : undefined,
    cloud,
    catalog,
    community,
    authoring: createTemplateAuthoring(catalog),
    // Behind JupyterHub every caller is a hub user; else a team's users (PRISM_USERS_FILE) beside the account the service runs as.
    identity: config.hub
      ? createHubIdentity(config.hub, logger.child({ module: 'hub-identity' }))
      : config.usersFile
        ? eitherIdentity(createTokenIdentity(token, os.userInfo().username), loadUsersFile(config.usersFile))
        : createTokenIdentity(token, os.userInfo().username),
    hubSignIn: config.hub ? createHubSignIn(config.hub, config.baseUrl) : undefined,
    network: emulator ? loopbackNetwork : cloudNetwork,
    probe: httpProbe,
    inbox,
    clock: { now: () => new Date() },
    logger,
    prices,
    limits: config.limits,
    serviceMetrics,
    health,
    metricsTokens: [token, ...(config.metricsToken ? [config.metricsToken] : [])],
    https: config.https,
    awsSetup: {
      setup: new AwsSetup({
        profiles: awsProfileFiles(config),
        saved: savedAws,
        switchTo: choice => aws.switchTo(choice),
        overriddenAtStartBy: overridingVariables(process.env)
      }),
      region: aws.region
    },
    launch: {
      // Read at each launch (the bootstrap's region), so it follows a switch in the first-run wizard.
      get region() {
        return aws.region();
      },
      reportUrl: () => reportUrl,
      reportBucket,
      bootTimeoutSeconds: BOOT_TIMEOUT_SECONDS,
      healthTimeoutSeconds: HEALTH_TIMEOUT_SECONDS,
      reportPollSeconds: REPORT_POLL_SECONDS,
      sequential: config.launchSequential
    }
  });

  await new Promise<void>((resolve, reject) => {
    app.httpServer.once('error', reject);
    app.httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = app.httpServer.address() as AddressInfo;
  const origin = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  if (!reportUrl && emulator && config.reportChannel === 'http') {
    // Emulated workstations run on this machine, so they phone home over loopback.
    reportUrl = `${origin}${config.baseUrl.replace(/\/$/, '')}`;
  }
  // The scheduled jobs act on shared records and on AWS: one replica at a time runs them (docs/replicas.md).
  let backupsStopped: Promise<unknown> | undefined;
  const scheduledJobs = (replicated ? (work: Work) => leases.lead('scheduled-jobs', work) : workAlone)({
    begin() {
      app.idle.start(IDLE_CHECK_MS);
      app.budgets.start(BUDGET_CHECK_MS);
      app.syncs?.start(SYNC_CHECK_MS);
      app.storage?.schedules.start(SNAPSHOT_CHECK_MS);
      app.storage?.backups?.startFollowing(RESTORE_CHECK_MS);
    },
    end() {
      app.idle.stop();
      app.budgets.stop();
      app.syncs?.stop();
      app.storage?.schedules.stop();
      backupsStopped = app.storage?.backups?.stopFollowing();
    }
  });
  const stopPriceRefresh = pricing
    ? startPriceRefresh({
        book: prices,
        source: createPriceSource(pricing),
        instanceTypes: () => catalog.list().flatMap(t => Object.values(t.sizes).flatMap(types => Object.values(types))),
        clock: { now: () => new Date() },
        logger: logger.child({ module: 'prices' })
      })
    : () => undefined;
  // Over S3, running workstations' activity reports wait in the bucket until collected.
  // Their desired storage state goes the other way, as objects their agents read.
  const collection = health.scheduler('reportCollection', IDLE_CHECK_MS);
  const activityCollection = setInterval(() => {
    // Another replica collects while it runs the scheduled jobs: nothing is late here.
    if (!scheduledJobs.leading()) return collection.succeeded();
    void app.runner
      .collectRunningReportObjects()
      .then(() => app.attachments.publishRunning())
      .then(collection.succeeded, error => logger.warn({ err: error }, 'could not collect running workstations\' reports'));
  }, IDLE_CHECK_MS);
  void reportCredentials(cloud, config.region, logger);
  logger.info({ url: `${origin}${config.baseUrl}`, region: config.region, emulatedBoot: config.emulatedBoot }, 'prism-server listening');

  // Emulated machines ran in the previous service process; power them on again first.
  const poweredOn = emulatedCloud ? emulatedCloud.powerOnRunning() : Promise.resolve(0);
  const settled = poweredOn
    .then(() => reconcileWithCloud(store, cloud, app.timeline, logger.child({ module: 'reconcile' })))
    .catch(error => logger.warn({ err: error }, 'could not reconcile with the cloud; showing recorded states'))
    .then(() => {
      const resumed = app.runner.resumeUnfinished();
      if (resumed) {
        logger.info({ resumed }, 'resumed unfinished launches');
      }
    });
  // A launch whose replica died is taken by the first other replica to sweep after its lease expired.
  let sweeper: NodeJS.Timeout | undefined;
  void settled.then(() => {
    if (health.draining || !replicated) return;
    sweeper = setInterval(() => {
      const taken = app.runner.resumeUnfinished();
      if (taken) logger.info({ taken }, 'took over launches whose replica stopped renewing them');
    }, Math.max(1_000, Math.floor(config.leaseMs / 3)));
  });

  return {
    app,
    url: `${origin}${config.baseUrl}`,
    token,
    settled,
    async stop(graceMs) {
      // New work is refused (503 SHUTTING_DOWN, /health draining) while running launches get `graceMs` to finish.
      health.startDraining();
      templateWatch.close();
      clearInterval(sweeper);
      scheduledJobs.stop();
      stopPriceRefresh();
      clearInterval(activityCollection);
      // Clients hear why before the connection goes, and reconnect to the next start on their own.
      // This replica's own sockets: through Redis, io.emit would tell every replica's clients.
      app.io.local.emit('service:shutting-down', { reason: 'Prism is restarting; connect again in a moment.', at: new Date().toISOString() });
      app.io.local.disconnectSockets(true);
      await app.runner.drain(graceMs);
      // Launches still running resume on the next start from their durable records.
      const closed = new Promise(resolve => app.httpServer.close(resolve));
      app.httpServer.closeIdleConnections();
      app.io.close();
      await sharedRooms?.close();
      await sharedBuckets?.close();
      await emulator?.shutdown();
      await Promise.race([closed, new Promise(resolve => setTimeout(resolve, 2_000).unref())]);
      app.httpServer.closeAllConnections();
      health.close();
      // The start's backup preparation may still be asking AWS; it must not reach a store once they close.
      await backupsStopped;
      aws.destroy();
      pricing?.destroy();
      database.close();
    }
  };
}

export function tokenFile(dataDir: string): string {
  return path.join(dataDir, 'token');
}

/** Standalone and no PRISM_TOKEN: make one, readable by this user only. */
function createSessionToken(dataDir: string): string {
  const token = crypto.randomBytes(32).toString('base64url');
  fs.writeFileSync(tokenFile(dataDir), `${token}\n`, { mode: 0o600 });
  return token;
}

/** The service starts either way, so the researcher sees the message in JupyterLab (GET /health) as well as here. */
async function reportCredentials(cloud: Cloud, region: string, logger: Logger): Promise<void> {
  const cloudHealth = await cloudReachability(cloud, region);
  if (cloudHealth.problem) {
    logger.warn({ code: cloudHealth.problem.code, region, hint: cloudHealth.problem.hint }, `AWS credentials do not work: ${cloudHealth.problem.title}`);
  } else {
    logger.info({ account: cloudHealth.account, region }, 'AWS credentials work');
  }
}
