/**
 * The service's configuration, parsed once from the environment (DESIGN,
 * "Running it"). A bad value stops start-up with a message naming the variable.
 */
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .optional()
  .transform(v => v === '1' || v === 'true');

const optionalText = z
  .string()
  .optional()
  .transform(v => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const EnvSchema = z.object({
  PRISM_HOST: z.string().default('127.0.0.1'),
  PRISM_PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  PRISM_BASE_URL: z
    .string()
    .default('/')
    .refine(v => v.startsWith('/'), 'must start with "/" (for example "/services/prism/")')
    .transform(v => (v.endsWith('/') ? v : `${v}/`)),
  PRISM_DATA_DIR: z.string().default(path.join(os.homedir(), '.prism')),
  PRISM_TEMPLATES_DIR: optionalText,
  PRISM_REGION: optionalText,
  AWS_REGION: optionalText,
  PRISM_AWS_ENDPOINT: optionalText.pipe(z.url().optional()),
  /** Tries per AWS call, the first included; throttling, 5xx and lost answers are retried with backoff. */
  PRISM_AWS_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** The SDK's retry mode: standard, or adaptive (which also slows the client while AWS throttles). */
  PRISM_AWS_RETRY_MODE: z.enum(['standard', 'adaptive']).default('standard'),
  PRISM_AWS_CONNECT_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(5),
  /** How long one try of an AWS call may wait for its answer before it is cut and retried. */
  PRISM_AWS_REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().max(900).default(60),
  PRISM_EMULATED_BOOT: flag,
  /** Benchmark baseline (bench/README.md): a launch's preparations run one after another instead of in parallel. */
  PRISM_LAUNCH_SEQUENTIAL: flag,
  /** Benchmark baseline (bench/README.md): nothing the cloud answered is remembered (images, instance types, security group). */
  PRISM_CLOUD_CACHE_OFF: flag,
  /** PostgreSQL for the store instead of the SQLite file, shared by replicas (docs/replicas.md, "Database"); it holds a password, so it is never logged. */
  PRISM_DATABASE_URL: optionalText.pipe(
    z
      .string()
      .refine(v => /^postgres(ql)?:\/\/[^/]/.test(v) && URL.canParse(v), 'must be a postgresql:// URL, for example postgresql://prism:secret@db.internal:5432/prism')
      .optional()
  ),
  PRISM_REDIS_URL: optionalText.pipe(z.url().refine(v => /^rediss?:/.test(v), 'must be a redis:// or rediss:// URL, for example redis://127.0.0.1:6379').optional()),
  /** How long a request waits for Redis's rate-limit answer before it counts in this process instead (docs/replicas.md). */
  PRISM_RATE_LIMIT_REDIS_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(50),
  /** This replica's name in launch leases and logs; default hostname-pid-random (docs/replicas.md). */
  PRISM_REPLICA_ID: optionalText.pipe(z.string().max(200).optional()),
  /** How long a replica's claim on a launch (or on the scheduled jobs) lasts unless renewed; renewed at a third of it. */
  PRISM_LEASE_SECONDS: z.coerce.number().min(1).max(600).default(15),
  PRISM_TOKEN: optionalText,
  /** A small team's users, each with their own token (JSON: [{ user, token, roles }]). */
  PRISM_USERS_FILE: optionalText,
  /** Where a booting workstation reaches the service; unset: it reports through S3. */
  PRISM_REPORT_URL: optionalText.pipe(z.url().optional()),
  /** The bucket for S3 boot reports; default `prism-<account>-<region>`. */
  PRISM_REPORT_BUCKET: optionalText,
  /** auto: HTTP when PRISM_REPORT_URL is set or the boot is emulated, else S3 report objects. */
  PRISM_REPORT_CHANNEL: z.enum(['auto', 'http', 's3']).default('auto'),
  /** Browser origins besides the service's own that may write through the API and open the socket (comma separated). */
  PRISM_ALLOWED_ORIGINS: optionalText.pipe(
    z
      .string()
      .refine(v => v.split(',').map(o => o.trim()).filter(Boolean).every(isOrigin), 'must be origins separated by commas, each scheme://host[:port] without a path (for example https://lab.example.org)')
      .optional()
  ),
  /** CIDR allowed to reach workstations' SSH and Jupyter ports; unset: the VPC only. */
  PRISM_INGRESS_CIDR: optionalText,
  /** The community catalog's index, `s3://bucket/key`; unset: no catalog (docs/catalog.md). */
  PRISM_CATALOG_URL: optionalText.pipe(
    z.string().regex(/^s3:\/\/[^/]+\/.+$/, 'must be s3://bucket/key, for example s3://prism-community-catalog/index.json').optional()
  ),
  /** Who callers are: auto is hub when JupyterHub runs Prism as a service (JUPYTERHUB_API_TOKEN and JUPYTERHUB_SERVICE_NAME), else token (docs/jupyterhub.md). */
  PRISM_IDENTITY: z.enum(['auto', 'token', 'hub']).default('auto'),
  /** Members of this hub group are Prism admins, as are hub admins. */
  PRISM_HUB_ADMIN_GROUP: z.string().trim().min(1).default('prism-admins'),
  // What JupyterHub gives a service (jupyterhub/services/auth.py reads the same names).
  JUPYTERHUB_API_TOKEN: optionalText,
  JUPYTERHUB_API_URL: optionalText.pipe(z.url().optional()),
  JUPYTERHUB_SERVICE_NAME: optionalText,
  JUPYTERHUB_SERVICE_PREFIX: optionalText,
  JUPYTERHUB_SERVICE_URL: optionalText.pipe(z.url().optional()),
  JUPYTERHUB_CLIENT_ID: optionalText,
  JUPYTERHUB_OAUTH_CALLBACK_URL: optionalText,
  JUPYTERHUB_OAUTH_ACCESS_SCOPES: optionalText,
  JUPYTERHUB_OAUTH_SCOPES: optionalText,
  JUPYTERHUB_BASE_URL: optionalText,
  JUPYTERHUB_HOST: optionalText,
  /** Where browsers reach the hub and this service, when the hub's public_url is set (JupyterHub 5 gives them to services). */
  JUPYTERHUB_PUBLIC_HUB_URL: optionalText,
  JUPYTERHUB_PUBLIC_URL: optionalText,
  /** Requests a minute one user may send (a token bucket of PRISM_RATE_LIMIT_BURST); 0 turns the limit off. */
  PRISM_RATE_LIMIT_REQUESTS_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  PRISM_RATE_LIMIT_BURST: z.coerce.number().int().min(1).default(120),
  /** Requests a minute from everyone together (a bucket of PRISM_RATE_LIMIT_GLOBAL_BURST); 0: off. */
  PRISM_RATE_LIMIT_GLOBAL_PER_MINUTE: z.coerce.number().int().min(0).default(12_000),
  PRISM_RATE_LIMIT_GLOBAL_BURST: z.coerce.number().int().min(1).default(2_000),
  /** Launches a minute one user may start, as many at once; 0: off. */
  PRISM_RATE_LIMIT_LAUNCHES_PER_MINUTE: z.coerce.number().int().min(0).default(20),
  /** Launches a minute from everyone together; 0: off. */
  PRISM_RATE_LIMIT_GLOBAL_LAUNCHES_PER_MINUTE: z.coerce.number().int().min(0).default(200),
  /** Socket events a minute one user may send (bucket of PRISM_RATE_LIMIT_BURST); 0: off. */
  PRISM_RATE_LIMIT_SOCKET_EVENTS_PER_MINUTE: z.coerce.number().int().min(0).default(600),
  /** Requests without a valid token one address may send a minute before it is refused; 0: off. */
  PRISM_RATE_LIMIT_FAILED_SIGN_INS_PER_MINUTE: z.coerce.number().int().min(0).default(30),
  /** The largest JSON body the API reads (dataset parts have their own limit). */
  PRISM_MAX_JSON_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** AWS calls in flight at once, for every client together; more wait their turn. */
  PRISM_AWS_MAX_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(16),
  /** A token for the Prometheus scraper at GET <base>/metrics (the service token works too). */
  PRISM_METRICS_TOKEN: optionalText,
  /** Where browsers reach Prism; https turns on HSTS and Secure cookies. */
  PRISM_PUBLIC_URL: optionalText.pipe(z.url().optional()),
  /** How long SIGTERM waits for running launches before handing them to the next start. */
  PRISM_SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(8),
  PRISM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The proxies whose X-Forwarded-For is believed (the audit log's address); unset: none (docs/api.md, "Audit"). */
  PRISM_TRUST_PROXY: optionalText.pipe(
    z
      .string()
      .regex(/^(\d{1,2}|loopback|linklocal|uniquelocal|[0-9a-f.:/]+)(\s*,\s*(loopback|linklocal|uniquelocal|[0-9a-f.:/]+))*$/i, 'must be a hop count, or addresses, CIDRs, loopback, linklocal or uniquelocal separated by commas (for example loopback)')
      .optional()
  )
});

/** The SDK's retry strategy and bounded timeouts, the same for every AWS client. */
export interface AwsRetrySettings {
  maxAttempts: number;
  mode: 'standard' | 'adaptive';
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface Config {
  host: string;
  port: number;
  baseUrl: string;
  dataDir: string;
  templatesDir: string;
  region: string;
  awsEndpoint: string | undefined;
  awsRetry: AwsRetrySettings;
  emulatedBoot: boolean;
  /** PRISM_LAUNCH_SEQUENTIAL: the benchmark baseline without the launch's parallelism. */
  launchSequential: boolean;
  /** PRISM_CLOUD_CACHE_OFF: the benchmark baseline without the cloud answers' caches. */
  cloudCacheOff: boolean;
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** PRISM_RATE_LIMIT_REDIS_TIMEOUT_MS: a shared rate-limit take's bound. */
  rateLimitRedisTimeoutMs: number;
  /** PRISM_REPLICA_ID: who holds a lease (docs/replicas.md). */
  replicaId: string;
  leaseMs: number;
  token: string | undefined;
  usersFile: string | undefined;
  reportUrl: string | undefined;
  reportBucket: string | undefined;
  /** How workstations report their boot: HTTP phone-home, or report objects in S3. */
  reportChannel: 'http' | 's3';
  allowedOrigins: string[];
  ingressCidr: string | undefined;
  catalogUrl: string | undefined;
  logLevel: string;
  /** Set when Prism runs as a JupyterHub service (PRISM_IDENTITY). */
  hub: HubSettings | undefined;
  /** Express's `trust proxy`: a hop count or a list of trusted proxy addresses; undefined trusts none. */
  trustProxy: number | string[] | undefined;
  /** Rate and size limits (README, "Limits"). */
  limits: LimitSettings;
  /** PRISM_AWS_MAX_CONCURRENCY: AWS calls in flight at once. */
  awsMaxConcurrency: number;
  metricsToken: string | undefined;
  /** PRISM_PUBLIC_URL is https: HSTS and Secure cookies. */
  https: boolean;
  shutdownGraceMs: number;
}

/** Per minute; 0 turns a limit off. */
export interface LimitSettings {
  requestsPerMinute: number;
  burst: number;
  globalPerMinute: number;
  globalBurst: number;
  launchesPerMinute: number;
  globalLaunchesPerMinute: number;
  socketEventsPerMinute: number;
  failedSignInsPerMinute: number;
  maxJsonBytes: number;
}

/** Prism as a JupyterHub service: how it asks the hub who a caller is and signs browsers in. */
export interface HubSettings {
  /** The hub's REST API, e.g. http://127.0.0.1:8081/hub/api */
  apiUrl: string;
  /** The service's own hub token; also its OAuth client secret. */
  apiToken: string;
  serviceName: string;
  clientId: string;
  /** The OAuth redirect URI registered with the hub, e.g. /services/prism/oauth_callback */
  callbackUrl: string;
  /** Scopes a caller's token must hold, any one of them (besides the unfiltered access:services). */
  accessScopes: string[];
  /** Where browsers are sent to sign in: [JUPYTERHUB_HOST]<hub prefix>api/oauth2/authorize */
  authorizeUrl: string;
  adminGroup: string;
}

export class ConfigError extends Error {}

const DEFAULT_TEMPLATES_DIR = path.resolve(__dirname, '..', '..', 'templates');

export function parseConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(i => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Prism cannot start, the environment is not valid:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const hub = hubSettings(e, env);
  // A managed hub service listens where the hub routes it, under its prefix, unless told otherwise.
  const serviceUrl = hub && e.JUPYTERHUB_SERVICE_URL ? new URL(e.JUPYTERHUB_SERVICE_URL) : undefined;
  return {
    host: env.PRISM_HOST === undefined && serviceUrl ? serviceUrl.hostname.replace(/^\[|\]$/g, '') : e.PRISM_HOST,
    port: env.PRISM_PORT === undefined && serviceUrl?.port ? Number(serviceUrl.port) : e.PRISM_PORT,
    baseUrl: env.PRISM_BASE_URL === undefined && hub ? withSlash(e.JUPYTERHUB_SERVICE_PREFIX ?? `/services/${hub.serviceName}/`) : e.PRISM_BASE_URL,
    dataDir: path.resolve(e.PRISM_DATA_DIR),
    templatesDir: path.resolve(e.PRISM_TEMPLATES_DIR ?? DEFAULT_TEMPLATES_DIR),
    region: e.PRISM_REGION ?? e.AWS_REGION ?? 'us-east-1',
    awsEndpoint: e.PRISM_AWS_ENDPOINT,
    awsRetry: {
      maxAttempts: e.PRISM_AWS_MAX_ATTEMPTS,
      mode: e.PRISM_AWS_RETRY_MODE,
      connectTimeoutMs: e.PRISM_AWS_CONNECT_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: e.PRISM_AWS_REQUEST_TIMEOUT_SECONDS * 1000
    },
    emulatedBoot: e.PRISM_EMULATED_BOOT,
    launchSequential: e.PRISM_LAUNCH_SEQUENTIAL,
    cloudCacheOff: e.PRISM_CLOUD_CACHE_OFF,
    databaseUrl: e.PRISM_DATABASE_URL,
    redisUrl: e.PRISM_REDIS_URL,
    rateLimitRedisTimeoutMs: e.PRISM_RATE_LIMIT_REDIS_TIMEOUT_MS,
    replicaId: e.PRISM_REPLICA_ID ?? `${os.hostname()}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`,
    leaseMs: e.PRISM_LEASE_SECONDS * 1000,
    token: e.PRISM_TOKEN,
    usersFile: e.PRISM_USERS_FILE && path.resolve(e.PRISM_USERS_FILE),
    reportUrl: e.PRISM_REPORT_URL,
    reportBucket: e.PRISM_REPORT_BUCKET,
    reportChannel: reportChannel(e.PRISM_REPORT_CHANNEL, e.PRISM_REPORT_URL !== undefined || e.PRISM_EMULATED_BOOT),
    allowedOrigins: allowedOrigins(e, hub !== undefined),
    ingressCidr: e.PRISM_INGRESS_CIDR,
    catalogUrl: e.PRISM_CATALOG_URL,
    logLevel: e.PRISM_LOG_LEVEL,
    hub,
    // Behind the hub's proxy on this machine, its X-Forwarded-Proto says whether browsers use https.
    trustProxy: trustProxy(e.PRISM_TRUST_PROXY ?? (hub ? 'loopback' : undefined)),
    limits: {
      requestsPerMinute: e.PRISM_RATE_LIMIT_REQUESTS_PER_MINUTE,
      burst: e.PRISM_RATE_LIMIT_BURST,
      globalPerMinute: e.PRISM_RATE_LIMIT_GLOBAL_PER_MINUTE,
      globalBurst: e.PRISM_RATE_LIMIT_GLOBAL_BURST,
      launchesPerMinute: e.PRISM_RATE_LIMIT_LAUNCHES_PER_MINUTE,
      globalLaunchesPerMinute: e.PRISM_RATE_LIMIT_GLOBAL_LAUNCHES_PER_MINUTE,
      socketEventsPerMinute: e.PRISM_RATE_LIMIT_SOCKET_EVENTS_PER_MINUTE,
      failedSignInsPerMinute: e.PRISM_RATE_LIMIT_FAILED_SIGN_INS_PER_MINUTE,
      maxJsonBytes: e.PRISM_MAX_JSON_BYTES
    },
    awsMaxConcurrency: e.PRISM_AWS_MAX_CONCURRENCY,
    metricsToken: e.PRISM_METRICS_TOKEN,
    https: e.PRISM_PUBLIC_URL?.startsWith('https:') ?? false,
    shutdownGraceMs: e.PRISM_SHUTDOWN_GRACE_SECONDS * 1000
  };
}

const withSlash = (v: string): string => (v.endsWith('/') ? v : `${v}/`);

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value.replace(/\/$/, '');
  } catch {
    return false;
  }
}

/** PRISM_ALLOWED_ORIGINS, the public URL and, behind JupyterHub, the hub's public addresses, each as an origin. */
function allowedOrigins(e: z.infer<typeof EnvSchema>, asHub: boolean): string[] {
  const listed = (e.PRISM_ALLOWED_ORIGINS ?? '').split(',').map(o => o.trim()).filter(Boolean);
  const hub = asHub ? [e.JUPYTERHUB_PUBLIC_HUB_URL, e.JUPYTERHUB_PUBLIC_URL, e.JUPYTERHUB_HOST] : [];
  const origins = [...listed, e.PRISM_PUBLIC_URL, ...hub].flatMap(value => {
    if (value === undefined) return [];
    try {
      return [new URL(value).origin];
    } catch {
      return [];
    }
  });
  return [...new Set(origins)].filter(origin => origin !== 'null');
}

function hubSettings(e: z.infer<typeof EnvSchema>, env: NodeJS.ProcessEnv): HubSettings | undefined {
  // A user's own server under the hub has a hub token too, but no service name: Prism behind its
  // jupyter-server-proxy stays that one person's.
  const asHub =
    e.PRISM_IDENTITY === 'hub' || (e.PRISM_IDENTITY === 'auto' && e.JUPYTERHUB_API_TOKEN !== undefined && e.JUPYTERHUB_SERVICE_NAME !== undefined);
  if (!asHub) return undefined;
  const missing = (['JUPYTERHUB_API_TOKEN', 'JUPYTERHUB_API_URL'] as const).filter(name => e[name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(
      'Prism cannot start, the environment is not valid:\n' +
        missing.map(name => `  ${name}: needed as a JupyterHub service (PRISM_IDENTITY=${env.PRISM_IDENTITY ?? 'auto'}); the hub sets it for a managed service, set it yourself for an external one`).join('\n')
    );
  }
  const serviceName = e.JUPYTERHUB_SERVICE_NAME ?? 'prism';
  const prefix = withSlash(e.JUPYTERHUB_SERVICE_PREFIX ?? `/services/${serviceName}/`);
  const hubBase = withSlash(e.JUPYTERHUB_BASE_URL ?? '/');
  return {
    apiUrl: (e.JUPYTERHUB_API_URL as string).replace(/\/$/, ''),
    apiToken: e.JUPYTERHUB_API_TOKEN as string,
    serviceName,
    clientId: e.JUPYTERHUB_CLIENT_ID ?? `service-${serviceName}`,
    callbackUrl: e.JUPYTERHUB_OAUTH_CALLBACK_URL ?? `${prefix}oauth_callback`,
    accessScopes: accessScopes(e.JUPYTERHUB_OAUTH_ACCESS_SCOPES ?? e.JUPYTERHUB_OAUTH_SCOPES, serviceName),
    authorizeUrl: `${(e.JUPYTERHUB_HOST ?? '').replace(/\/$/, '')}${hubBase}hub/api/oauth2/authorize`,
    adminGroup: e.PRISM_HUB_ADMIN_GROUP
  };
}

function accessScopes(json: string | undefined, serviceName: string): string[] {
  if (json === undefined) return [`access:services!service=${serviceName}`];
  const parsed = z.array(z.string()).min(1).safeParse((() => {
    try {
      return JSON.parse(json);
    } catch {
      return undefined;
    }
  })());
  if (!parsed.success) {
    throw new ConfigError(
      'Prism cannot start, the environment is not valid:\n  JUPYTERHUB_OAUTH_ACCESS_SCOPES: must be a JSON list of scopes, for example ["access:services!service=prism"]'
    );
  }
  return parsed.data;
}

function trustProxy(value: string | undefined): number | string[] | undefined {
  if (value === undefined) return undefined;
  return /^\d+$/.test(value) ? Number(value) : value.split(',').map(v => v.trim());
}

/** HTTP needs somewhere to phone home: PRISM_REPORT_URL, or the emulator's loopback address. */
function reportChannel(asked: 'auto' | 'http' | 's3', reachable: boolean): 'http' | 's3' {
  if (asked === 'http' && !reachable) {
    throw new ConfigError(
      'Prism cannot start, the environment is not valid:\n' +
        '  PRISM_REPORT_CHANNEL: http needs PRISM_REPORT_URL, where workstations reach the service (or use auto or s3)'
    );
  }
  if (asked === 'auto') return reachable ? 'http' : 's3';
  return asked;
}
