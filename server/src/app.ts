/**
 * createApp(deps): the service built from its adapters — the domain, Express
 * and socket.io — on an http.Server that it never listens on (main.ts does).
 */
import http from 'node:http';
import express from 'express';
import type { Health } from './contract/api';
import { AuditLog, type AuditStore } from './domain/audit';
import type { AwsSetup } from './domain/aws-setup';
import { Budgets, projectAccess } from './domain/budgets';
import type { CommunityCatalog } from './domain/catalog';
import { cloudReachability } from './domain/cloud-reachability';
import { IdleWatch } from './domain/idle-watch';
import { OwnerKeys } from './domain/keys';
import { LaunchRunner, type LaunchDeps, type LaunchSettings } from './domain/launch';
import { MetricsRecorder } from './domain/metrics-recorder';
import { Orphans } from './domain/orphans';
import { ProjectIdleRules, type ProjectIdleStore } from './domain/project-idle';
import { ProjectPolicies, type ProjectPolicyStore } from './domain/project-policy';
import { Projects, type ProjectStore } from './domain/projects';
import { ProjectOverviews } from './domain/project-overview';
import { ProjectSpaces, type ProjectSpaceStore, type SpaceCloud } from './domain/project-space';
import { TeamKeys, type SshKeyStore } from './domain/team-keys';
import { SharedNotebooks, type NotebookObjects, type SharedNotebookStore } from './domain/shared-notebooks';
import type {
  BootReportInbox,
  Clock,
  Cloud,
  HealthProbe,
  IdentityProvider,
  MetricsStore,
  VersionedTemplateCatalog,
  WorkstationNetwork,
  WorkstationStore
} from './domain/ports';
import { shippedPriceBook, type PriceBook } from './domain/price-book';
import { Resizer } from './domain/resize';
import { Attachments } from './domain/attachments';
import { notFound } from './domain/errors';
import { Syncs, type SyncStore } from './domain/sync';
import { withStorage } from './domain/costs';
import { createStorageServices, type StoragePorts, type StorageServices } from './domain/storage-services';
import { Timeline } from './domain/timeline';
import { Volumes, type VolumeStore } from './domain/volumes';
import { createDatasetServices, type DatasetPorts, type DatasetServices } from './domain/dataset-services';
import { toWorkstation, Workstations } from './domain/workstations';
import { auditMiddleware } from './http/audit-middleware';
import { requireCaller, tokenOf } from './http/auth';
import { failedSignInLimit, RateLimit, rateLimitMiddleware, type RateLimiter } from './http/rate-limit';
import { guardSocketEvents } from './http/rate-limit-sockets';
import type { LimitBuckets, RateLimitSharing } from './http/shared-rate-limit';
import { payloadTooLarge, securityHeaders } from './http/security';
import { refuseForeignWrites } from './http/origin-check';
import { prometheusRouter } from './http/routes/prometheus';
import type { LimitSettings } from './config';
import { refuseSocketsWhileDraining, refuseWhileDraining, ServiceHealth } from './observability/health';
import { ServiceMetrics } from './observability/metrics';
import { hubSignInRouter } from './http/routes/oauth';
import type { HubSignIn } from './identity/hub-sign-in';
import { notFoundRoute, problemMiddleware, refuseMalformedRequest } from './http/problem';
import { openApiRouter } from './http/routes/openapi';
import { auditRouter } from './http/routes/audit';
import { awsSetupRouter } from './http/routes/aws-setup';
import { bootReportsRouter } from './http/routes/boot-reports';
import { budgetsRouter } from './http/routes/budgets';
import { catalogRouter } from './http/routes/catalog';
import { costsRouter } from './http/routes/costs';
import { instancesRouter } from './http/routes/instances';
import { keysRouter } from './http/routes/keys';
import { lifecycleRouter } from './http/routes/lifecycle';
import { metricsRouter } from './http/routes/metrics';
import { orphansRouter } from './http/routes/orphans';
import { projectIdleRouter } from './http/routes/project-idle';
import { projectPolicyRouter } from './http/routes/project-policy';
import { projectsRouter } from './http/routes/projects';
import { adminProjectsRouter } from './http/routes/admin-projects';
import { projectSpaceRouter } from './http/routes/project-space';
import { teamKeysRouter } from './http/routes/team-keys';
import { sharedNotebooksRouter } from './http/routes/shared-notebooks';
import { keepRunningRouter } from './http/routes/keep-running';
import { callerRouter, healthRouter } from './http/routes/service';
import { templatesRouter } from './http/routes/templates';
import { templateAuthoringRouter } from './http/routes/template-authoring';
import { volumesRouter } from './http/routes/volumes';
import { attachmentsRouter } from './http/routes/attachments';
import { syncsRouter } from './http/routes/syncs';
import { datasetsRouter } from './http/routes/datasets';
import { snapshotsRouter } from './http/routes/snapshots';
import { storageRouter } from './http/routes/storage';
import type { Logger } from './logger';
import {
  createRealtime,
  followMembership,
  socketBudgetSink,
  socketEventSink,
  socketMetricsSink,
  projectRoom,
  userRoom,
  type PrismSocketServer,
  type RealtimeDeps
} from './realtime/socket';
import { instanceTypeProblem } from './templates/instance-type-check';
import type { TemplateAuthoring } from './templates/template-authoring';
import { VERSION } from './version';

export interface AppDeps {
  baseUrl: string;
  region: string;
  allowedOrigins: string[];
  store: WorkstationStore;
  /** Monitoring points (docs/monitoring.md). */
  metrics: MetricsStore;
  /** Projects, members, budgets, idle overrides and project history. */
  projects: ProjectStore & ProjectIdleStore & ProjectPolicyStore;
  /** EFS volumes; absent where a harness has none (then /volumes and EFS attach are off). */
  volumes?: VolumeStore;
  /** Scheduled syncs from a dataset into a volume; absent where a harness has none (then /syncs is off). */
  syncs?: SyncStore;
  /** Named S3 datasets and their objects; absent where a harness has none (then /datasets and named datasets at launch are off). */
  datasets?: DatasetPorts;
  /** Snapshots, restores and EFS backups; absent where a harness has none (then /snapshots and /storage are off). */
  storage?: StoragePorts;
  /** Shared notebooks' records and bytes; absent where a harness has none (then /projects/:id/notebooks is off). */
  sharedNotebooks?: { store: SharedNotebookStore; objects: NotebookObjects };
  /** Team SSH keys and project spaces; absent where a harness has none (then /me/ssh-keys and /projects/:id/space are off). */
  team?: { store: SshKeyStore & ProjectSpaceStore; accessPoints: Pick<SpaceCloud, 'ensureSpaceAccessPoint' | 'deleteAccessPoint'> };
  cloud: Cloud;
  catalog: VersionedTemplateCatalog;
  /** The community catalog; null (or absent) when PRISM_CATALOG_URL is not set. */
  community?: CommunityCatalog | null;
  authoring: TemplateAuthoring;
  identity: IdentityProvider;
  /** Behind JupyterHub: browsers sign in through the hub's OAuth (docs/jupyterhub.md). */
  hubSignIn?: HubSignIn;
  network: WorkstationNetwork;
  probe: HealthProbe;
  inbox: BootReportInbox | null;
  clock: Clock;
  logger: Logger;
  launch: LaunchSettings;
  /** Prices for `region`, refreshed by whoever listens (service.ts); the shipped table when absent. */
  prices?: PriceBook;
  /** The append-only audit log (docs/api.md, "Audit"). */
  audit: AuditStore;
  /** Express's `trust proxy` (PRISM_TRUST_PROXY): whose X-Forwarded-For gives the client's address; none when absent. */
  trustProxy?: number | string[];
  /** The first-run wizard's AWS set-up; absent where the service cannot switch its AWS access (unit harnesses). */
  awsSetup?: { setup: AwsSetup; region(): string };
  /** Rate and size limits (README, "Limits"); the defaults of config.ts when absent. */
  limits?: LimitSettings;
  /** Prometheus metrics; service.ts makes them first so the AWS clients report to them too. */
  serviceMetrics?: ServiceMetrics;
  /** /health's checks and the draining state at shutdown. */
  health?: ServiceHealth;
  /** Tokens the Prometheus scraper may send (the service token, PRISM_METRICS_TOKEN); none: /metrics refuses all. */
  metricsTokens?: string[];
  /** Browsers reach Prism over https (PRISM_PUBLIC_URL): HSTS. */
  https?: boolean;
  /** Several replicas: socket.io rooms shared through Redis (realtime/redis-adapter.ts). */
  socketAdapter?: RealtimeDeps['adapter'];
  /** With PRISM_REDIS_URL: every replica spends the same rate-limit buckets (docs/replicas.md). */
  sharedRateLimits?: RateLimitSharing;
  /** Launches driven under leases, their boot reports kept in the store (docs/replicas.md); absent: this process drives every launch. */
  replicas?: Pick<LaunchDeps, 'leases' | 'relay'>;
}

/** config.ts's defaults, for harnesses that build the app without config. */
const DEFAULT_LIMITS: LimitSettings = {
  requestsPerMinute: 600,
  burst: 120,
  globalPerMinute: 12_000,
  globalBurst: 2_000,
  launchesPerMinute: 20,
  globalLaunchesPerMinute: 200,
  socketEventsPerMinute: 600,
  failedSignInsPerMinute: 30,
  maxJsonBytes: 1_048_576
};

export interface PrismApp {
  httpServer: http.Server;
  /** The API router under `<base>/api/v1` (the access matrix test lists its routes). */
  api: express.Router;
  io: PrismSocketServer;
  runner: LaunchRunner;
  workstations: Workstations;
  timeline: Timeline;
  /** Idle rules; its scheduler is started by whoever listens (service.ts). */
  idle: IdleWatch;
  /** Project budgets; its scheduler is started by whoever listens (service.ts). */
  budgets: Budgets;
  /** Snapshots and backups; their schedulers are started by whoever listens (service.ts). */
  storage?: StorageServices;
  /** Storage attached after launch; over S3 its desired states are written by whoever collects reports (service.ts). */
  attachments: Attachments;
  /** Scheduled syncs; their scheduler is started by whoever listens (service.ts). */
  syncs?: Syncs;
  health: ServiceHealth;
  metrics: ServiceMetrics;
}

const CLOUD_HEALTH_TTL_MS = 30_000;

export function createApp(deps: AppDeps): PrismApp {
  const { logger } = deps;
  const prices = deps.prices ?? shippedPriceBook(deps.region);
  let io: PrismSocketServer | undefined;
  const serviceMetrics = deps.serviceMetrics ?? new ServiceMetrics();
  const health = deps.health ?? new ServiceHealth();
  health.add({ name: 'database', run: () => (deps.store.lastEventSeq(), { status: 'ok', detail: 'answers' }) });
  const limits = deps.limits ?? DEFAULT_LIMITS;
  const timeline = new Timeline(deps.store, serviceMetrics.watching(socketEventSink(() => io)), deps.clock);
  let idle: IdleWatch | undefined;
  let metrics: MetricsRecorder | undefined;
  let volumes: Volumes | undefined;
  let attachments: Attachments | undefined;
  let syncs: Syncs | undefined;
  let datasets: DatasetServices | undefined;
  let teamKeys: TeamKeys | undefined;
  let spaces: ProjectSpaces | undefined;
  const datasetLookup = deps.datasets ? (user: string, name: string) => (datasets as DatasetServices).datasets.namedDataset(user, name) : undefined;
  const runner = new LaunchRunner({
    store: deps.store,
    cloud: deps.cloud,
    catalog: deps.catalog,
    timeline,
    network: deps.network,
    probe: deps.probe,
    inbox: deps.inbox,
    logger: logger.child({ module: 'launch' }),
    settings: deps.launch,
    ...deps.replicas,
    attachVolume: deps.volumes ? (owner, id) => (volumes as Volumes).attachVolume(owner, id) : undefined,
    projectSpace: deps.team ? record => (spaces as ProjectSpaces).launchMount(record) : undefined,
    dataset: datasetLookup,
    onActivity: (id, activity) => {
      void idle?.observe(id, activity);
      metrics?.record(id, activity);
    },
    onStorageReport: (id, report) => {
      if (report.mounts) attachments?.applyMountReport(id, report.mounts);
      if (report.sync) syncs?.applyResult(id, report.sync);
    }
  });
  const followRooms = followMembership(() => io);
  const projects = new Projects({
    store: deps.projects,
    clock: deps.clock,
    logger: logger.child({ module: 'projects' }),
    onMembershipChange: (project, user, role) => {
      followRooms(project, user, role);
      // Their keys join or leave the project's workstations at the agents' next round; their access point follows now.
      void attachments?.publishRunning();
      void spaces?.followMembers(project).catch(error => logger.warn({ project, user, err: error }, 'could not bring the project space in line with its members'));
    }
  });
  const budgets: Budgets = new Budgets({
    projects,
    projectStore: deps.projects,
    store: deps.store,
    control: { stopWorkstation: (owner, id, hibernate) => workstations.stopWorkstation(owner, id, hibernate) },
    timeline,
    sink: socketBudgetSink(() => io),
    clock: deps.clock,
    logger: logger.child({ module: 'budgets' }),
    rootVolumeGiB: record => workstations.billedRootVolumeGiB(record),
    prices
  });
  const projectIds = (user: string): string[] => projects.listProjects(user).map(p => p.id);
  const projectPolicies = new ProjectPolicies({
    projects,
    store: deps.projects,
    catalog: deps.catalog,
    workstations: () => deps.store.listAll(),
    clock: deps.clock,
    logger: logger.child({ module: 'projects' })
  });
  const workstations: Workstations = new Workstations({
    store: deps.store,
    cloud: deps.cloud,
    catalog: deps.catalog,
    timeline,
    runner,
    network: deps.network,
    clock: deps.clock,
    logger: logger.child({ module: 'workstations' }),
    region: deps.region,
    prices,
    projects: projectAccess(projects, budgets),
    dataset: datasetLookup,
    policy: projectPolicies
  });
  const projectIdle = new ProjectIdleRules({ projects, store: deps.projects, clock: deps.clock, logger: logger.child({ module: 'projects' }) });
  idle = new IdleWatch({
    store: deps.store,
    catalog: deps.catalog,
    timeline,
    workstations,
    clock: deps.clock,
    logger: logger.child({ module: 'idle' }),
    overrideFor: record => projectIdle.overrideFor(record.project)
  });
  metrics = new MetricsRecorder({
    store: deps.store,
    metrics: deps.metrics,
    workstations,
    sink: socketMetricsSink(() => io),
    clock: deps.clock,
    rootVolumeGiB: record => workstations.billedRootVolumeGiB(record),
    prices
  });

  datasets = deps.datasets
    ? createDatasetServices({ ports: deps.datasets, workstations: deps.store, projects, clock: deps.clock, logger: logger.child({ module: 'datasets' }) })
    : undefined;
  volumes = deps.volumes
    ? new Volumes({
        store: deps.volumes,
        workstations: deps.store,
        cloud: deps.cloud,
        projects,
        clock: deps.clock,
        logger: logger.child({ module: 'volumes' }),
        backups: { automaticBackupsOnCreate: async () => (await storage?.backups?.automaticBackupsOnCreate()) ?? false }
      })
    : undefined;
  const storage: StorageServices | undefined = deps.storage
    ? createStorageServices({
        ports: deps.storage,
        cloud: deps.cloud,
        workstations: deps.store,
        volumes: volumes && deps.volumes ? { service: volumes, store: deps.volumes } : undefined,
        projects: { roleOf: (user, project) => projects.roleOf(user, project), projectsOf: projectIds },
        prices,
        clock: deps.clock,
        logger: module => logger.child({ module })
      })
    : undefined;

  if (deps.team) {
    teamKeys = new TeamKeys({
      store: deps.team.store,
      members: project => deps.projects.members(project),
      clock: deps.clock,
      logger: logger.child({ module: 'team-keys' }),
      onChange: () => void attachments?.publishRunning()
    });
    spaces = new ProjectSpaces({
      store: deps.team.store,
      cloud: {
        createFileSystem: spec => deps.cloud.createFileSystem(spec),
        ensureMountTargets: id => deps.cloud.ensureMountTargets(id),
        deleteFileSystem: id => deps.cloud.deleteFileSystem(id),
        ...deps.team.accessPoints
      },
      projects: { require: (user, project, needed) => projects.require(user, project, needed), members: project => deps.projects.members(project) },
      workstations: () => deps.store.listAll(),
      clock: deps.clock,
      logger: logger.child({ module: 'project-space' }),
      onChange: () => void attachments?.publishRunning()
    });
  }
  const keysOfTeam = teamKeys;
  const spaceMounts = spaces;
  const mountedVolumes = volumes;
  attachments = new Attachments({
    store: deps.store,
    requireControl: (user, id, action) => workstations.requireControl(user, id, action),
    dataset: datasetLookup,
    volumes: mountedVolumes ? { see: (user, id) => mountedVolumes.getVolume(user, id), mount: (user, id) => mountedVolumes.attachVolume(user, id) } : undefined,
    cloud: deps.cloud,
    settings: deps.launch,
    inbox: deps.inbox,
    timeline,
    publish: record => {
      const rooms = record.project ? [userRoom(record.owner), projectRoom(record.project)] : [userRoom(record.owner)];
      io?.to(rooms).emit('instance:updated', { kind: 'updated', id: record.id, workstation: toWorkstation(record), at: deps.clock.now().toISOString() });
    },
    syncOrders: id => syncs?.ordersFor(id) ?? [],
    authorizedKeys: keysOfTeam ? record => keysOfTeam.authorizedKeys(record) : undefined,
    projectMounts: spaceMounts ? record => spaceMounts.projectMounts(record) : undefined,
    clock: deps.clock,
    logger: logger.child({ module: 'attachments' })
  });
  const attached = attachments;
  syncs = deps.syncs
    ? new Syncs({
        store: deps.syncs,
        workstations: deps.store,
        projects,
        dataset: datasetLookup,
        volume: (user, id) => {
          if (!mountedVolumes) throw notFound('volume', id, 'This service has no EFS volumes.');
          return mountedVolumes.getVolume(user, id);
        },
        mountSpecs: id => attached.mountSpecs(id),
        publishDesired: id => attached.publishDesired(id),
        timeline,
        clock: deps.clock,
        logger: logger.child({ module: 'sync' })
      })
    : undefined;

  const lifecycleDeps = {
    store: deps.store,
    cloud: deps.cloud,
    catalog: deps.catalog,
    timeline,
    network: deps.network,
    region: deps.region,
    prices
  };

  const api = express.Router();
  const audit = new AuditLog(deps.audit);
  api.use(auditMiddleware({ audit, api, clock: deps.clock, logger: logger.child({ module: 'audit' }) }));
  // Before the body is read: a write from another site's page changes nothing (and is audited as refused).
  api.use(refuseForeignWrites(deps.allowedOrigins, deps.hubSignIn));
  api.use(express.json({ limit: limits.maxJsonBytes }));
  const cloudHealth = cachedCloudHealth(deps.cloud, deps.awsSetup?.region ?? (() => deps.region));
  api.use(healthRouter(VERSION, cloudHealth.read, health));
  api.use(openApiRouter(api, { version: VERSION, hubSessionCookie: deps.hubSignIn?.sessionCookie }));
  api.use(bootReportsRouter(runner, id => attached.desiredState(id)));
  api.use(refuseWhileDraining(health));
  const refused = (limit: string): void => void serviceMetrics.rateLimited.inc({ limit });
  api.use(failedSignInLimit(limits.failedSignInsPerMinute, async req => (await deps.identity.authenticate(tokenOf(req.headers, deps.hubSignIn))) !== null, refused));
  api.use(requireCaller(deps.identity, deps.hubSignIn));
  // After requireCaller: each researcher spends their own bucket, wherever their requests come from.
  const byUser = (res: express.Response): string => `user:${res.locals.caller.user}`;
  const rateLimit = (name: string, buckets: LimitBuckets): RateLimiter => deps.sharedRateLimits?.limit(name, buckets) ?? new RateLimit(name, buckets);
  const requestLimit = rateLimit('requests', {
    perUser: { perMinute: limits.requestsPerMinute, burst: limits.burst },
    global: { perMinute: limits.globalPerMinute, burst: limits.globalBurst }
  });
  const launchLimit = rateLimit('launches', {
    perUser: { perMinute: limits.launchesPerMinute, burst: limits.launchesPerMinute },
    global: { perMinute: limits.globalLaunchesPerMinute, burst: limits.globalLaunchesPerMinute }
  });
  api.use(rateLimitMiddleware(requestLimit, 'requests', byUser, { onRefused: refused }));
  api.use(rateLimitMiddleware(launchLimit, 'launches', byUser, { applies: req => req.method === 'POST' && req.path === '/instances', onRefused: refused }));
  api.use(callerRouter(projectIds));
  api.use(templatesRouter(deps.catalog, deps.region, projectIds, prices));
  api.use(templateAuthoringRouter(deps.authoring, deps.region, (user, project) => projects.require(user, project, 'member'), prices));
  api.use(instancesRouter(workstations));
  api.use(keepRunningRouter(idle));
  api.use(lifecycleRouter(new Resizer({ ...lifecycleDeps, runner, checkInstanceType: instanceTypeProblem, policy: projectPolicies, logger: logger.child({ module: 'resize' }) })));
  api.use(orphansRouter(new Orphans({ ...lifecycleDeps, clock: deps.clock, logger: logger.child({ module: 'orphans' }) })));
  api.use(keysRouter(new OwnerKeys({ cloud: deps.cloud, store: deps.store })));
  api.use(costsRouter(async user => (storage ? withStorage(workstations.costsOf(user), await storage.storage.costsOf(user)) : workstations.costsOf(user))));
  api.use(projectsRouter(projects, budgets));
  api.use(adminProjectsRouter(new ProjectOverviews({ projects: deps.projects, workstations: deps.store, budgets })));
  if (teamKeys && spaces) {
    api.use(teamKeysRouter(teamKeys));
    api.use(projectSpaceRouter(spaces));
  }
  if (deps.sharedNotebooks) {
    const notebooks = new SharedNotebooks({
      ...deps.sharedNotebooks,
      projects,
      events: {
        published: event => io?.to(projectRoom(event.project)).emit('notebook:published', event),
        unpublished: event => io?.to(projectRoom(event.project)).emit('notebook:unpublished', event)
      },
      clock: deps.clock,
      logger: logger.child({ module: 'shared-notebooks' })
    });
    api.use(sharedNotebooksRouter(notebooks));
  }
  api.use(projectIdleRouter(projectIdle));
  api.use(projectPolicyRouter(projectPolicies));
  api.use(budgetsRouter(budgets));
  api.use(metricsRouter(metrics));
  api.use(catalogRouter(deps.community ?? null));
  api.use(auditRouter(audit));
  if (datasets) {
    api.use(datasetsRouter(datasets.datasets, datasets.browser, datasets.uploads));
  }
  if (volumes) {
    api.use(volumesRouter(volumes));
  }
  api.use(attachmentsRouter(attachments));
  if (syncs) {
    api.use(syncsRouter(syncs));
  }
  if (storage) {
    api.use(snapshotsRouter(storage.snapshots, storage.schedules, storage.backups));
    api.use(storageRouter(storage.storage));
  }
  if (deps.awsSetup) {
    api.use(awsSetupRouter(deps.awsSetup.setup, cloudHealth.forget));
  }
  api.use(notFoundRoute);

  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  app.use(securityHeaders({ https: deps.https ?? false, signInPaths: [`${deps.baseUrl}signed-in`] }));
  app.use((req, res, next) => {
    res.on('finish', () => serviceMetrics.httpRequest(routeOf(req, deps.baseUrl), res.statusCode));
    next();
  });
  app.use(deps.baseUrl, prometheusRouter(serviceMetrics, () => deps.metricsTokens ?? []));
  app.use(`${deps.baseUrl}api/v1`, api);
  if (deps.hubSignIn) app.use(deps.baseUrl, hubSignInRouter(deps.hubSignIn, deps.identity));
  app.use(notFoundRoute);
  app.use(payloadTooLarge(limits.maxJsonBytes));
  app.use(problemMiddleware(logger.child({ module: 'http' })));

  const httpServer = http.createServer(app);
  httpServer.on('clientError', refuseMalformedRequest);
  io = createRealtime({
    httpServer,
    path: `${deps.baseUrl}socket.io`,
    identity: deps.identity,
    signIn: deps.hubSignIn,
    workstations,
    projectsOf: projectIds,
    allowedOrigins: deps.allowedOrigins,
    history: deps.store,
    logger: logger.child({ module: 'realtime' }),
    adapter: deps.socketAdapter
  });
  guardSocketEvents(
    io,
    rateLimit('socket-events', {
      perUser: { perMinute: limits.socketEventsPerMinute, burst: limits.burst },
      global: { perMinute: limits.globalPerMinute, burst: limits.globalBurst }
    }),
    serviceMetrics
  );
  refuseSocketsWhileDraining(io, health);
  return { httpServer, api, io, runner, workstations, timeline, idle, budgets, storage, attachments, syncs, health, metrics: serviceMetrics };
}

/** The route's pattern (`/api/v1/instances/:id`), never the path itself: ids would make a label per workstation. */
function routeOf(req: express.Request, baseUrl: string): string {
  const pattern = req.route?.path;
  if (typeof pattern !== 'string') return 'unmatched';
  return `/${`${req.baseUrl}${pattern}`.slice(baseUrl.length)}`;
}

/** `forget`: after the AWS profile or region changed, /health asks AWS again at once. */
function cachedCloudHealth(
  cloud: Cloud,
  region: () => string
): { read: () => Promise<Health['cloud']>; forget: () => void } {
  let cached: { at: number; value: Health['cloud'] } | undefined;
  // An answer asked before a switch must not be kept as the answer after it.
  let generation = 0;
  return {
    read: async () => {
      if (cached && Date.now() - cached.at < CLOUD_HEALTH_TTL_MS) {
        return cached.value;
      }
      const asked = generation;
      const value = await cloudReachability(cloud, region());
      if (asked === generation) cached = { at: Date.now(), value };
      return value;
    },
    forget: () => {
      generation++;
      cached = undefined;
    }
  };
}
