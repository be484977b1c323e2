import { ConfigError, parseConfig } from './config';

describe('the boot report channel', () => {
  it('is HTTP when workstations can reach the service, and S3 report objects otherwise', () => {
    expect(parseConfig({ PRISM_REPORT_URL: 'https://hub.example.edu/services/prism' }).reportChannel).toBe('http');
    expect(parseConfig({ PRISM_EMULATED_BOOT: '1' }).reportChannel).toBe('http');
    expect(parseConfig({}).reportChannel).toBe('s3');
  });

  it('is S3 when asked, even with a phone-home URL or an emulated boot', () => {
    const config = parseConfig({ PRISM_REPORT_CHANNEL: 's3', PRISM_EMULATED_BOOT: '1', PRISM_REPORT_URL: 'https://hub.example.edu/' });
    expect(config.reportChannel).toBe('s3');
  });

  it('refuses HTTP with nowhere to phone home, naming the variable to set', () => {
    expect(() => parseConfig({ PRISM_REPORT_CHANNEL: 'http' })).toThrow(ConfigError);
    expect(() => parseConfig({ PRISM_REPORT_CHANNEL: 'http' })).toThrow(/PRISM_REPORT_CHANNEL.*PRISM_REPORT_URL/);
  });

  it('refuses a channel it does not know, naming the variable', () => {
    expect(() => parseConfig({ PRISM_REPORT_CHANNEL: 'email' })).toThrow(/PRISM_REPORT_CHANNEL/);
  });
});

describe('limits, metrics and shutdown', () => {
  it('defaults to a lab’s limits: 600 requests and 20 launches a minute per user, 16 AWS calls at once, 1 MiB bodies', () => {
    const config = parseConfig({});
    expect(config.limits).toEqual({
      requestsPerMinute: 600,
      burst: 120,
      globalPerMinute: 12_000,
      globalBurst: 2_000,
      launchesPerMinute: 20,
      globalLaunchesPerMinute: 200,
      socketEventsPerMinute: 600,
      failedSignInsPerMinute: 30,
      maxJsonBytes: 1_048_576
    });
    expect(config.awsMaxConcurrency).toBe(16);
    expect(config.metricsToken).toBeUndefined();
    expect(config.https).toBe(false);
    expect(config.shutdownGraceMs).toBe(8_000);
  });

  it('takes 0 to turn a limit off, and an https public URL for HSTS', () => {
    const config = parseConfig({ PRISM_RATE_LIMIT_LAUNCHES_PER_MINUTE: '0', PRISM_PUBLIC_URL: 'https://lab.example.edu/', PRISM_SHUTDOWN_GRACE_SECONDS: '30' });
    expect(config.limits.launchesPerMinute).toBe(0);
    expect(config.https).toBe(true);
    expect(config.shutdownGraceMs).toBe(30_000);
  });

  it('refuses a queue of no AWS calls and a negative limit, naming the variable', () => {
    expect(() => parseConfig({ PRISM_AWS_MAX_CONCURRENCY: '0' })).toThrow(/PRISM_AWS_MAX_CONCURRENCY/);
    expect(() => parseConfig({ PRISM_RATE_LIMIT_REQUESTS_PER_MINUTE: '-1' })).toThrow(/PRISM_RATE_LIMIT_REQUESTS_PER_MINUTE/);
  });
});

describe('the origins allowed to write and open the socket', () => {
  it('are the listed ones and the public URL, as origins; behind the hub also the hub’s public addresses', () => {
    expect(parseConfig({ PRISM_ALLOWED_ORIGINS: 'https://lab.example.org, http://127.0.0.1:8888/', PRISM_PUBLIC_URL: 'https://prism.example.org/prism/' }).allowedOrigins).toEqual([
      'https://lab.example.org',
      'http://127.0.0.1:8888',
      'https://prism.example.org'
    ]);
    const hub = { JUPYTERHUB_API_TOKEN: 't', JUPYTERHUB_API_URL: 'http://127.0.0.1:8081/hub/api', JUPYTERHUB_SERVICE_NAME: 'prism' };
    expect(parseConfig({ ...hub, JUPYTERHUB_PUBLIC_HUB_URL: 'https://hub.example.org/hub/', JUPYTERHUB_PUBLIC_URL: '' }).allowedOrigins).toEqual(['https://hub.example.org']);
    // A user's own server under the hub is not the hub's service: the hub's addresses are not its own.
    expect(parseConfig({ JUPYTERHUB_PUBLIC_HUB_URL: 'https://hub.example.org/hub/' }).allowedOrigins).toEqual([]);
  });

  it('refuses an origin with a path, a wildcard or no scheme, naming the variable', () => {
    for (const bad of ['https://lab.example.org/lab', '*', 'lab.example.org', 'https://a.example.org,ftp://b.example.org']) {
      expect(() => parseConfig({ PRISM_ALLOWED_ORIGINS: bad })).toThrow(/PRISM_ALLOWED_ORIGINS: must be origins/);
    }
  });
});

describe('the database', () => {
  it('is the data folder’s SQLite unless PRISM_DATABASE_URL names PostgreSQL', () => {
    expect(parseConfig({}).databaseUrl).toBeUndefined();
    expect(parseConfig({ PRISM_DATABASE_URL: ' ' }).databaseUrl).toBeUndefined();
    const url = 'postgresql://prism:s3cret@db.internal:5432/prism?sslmode=require';
    expect(parseConfig({ PRISM_DATABASE_URL: url }).databaseUrl).toBe(url);
    expect(parseConfig({ PRISM_DATABASE_URL: 'postgres://db.internal/prism' }).databaseUrl).toBe('postgres://db.internal/prism');
  });

  it('refuses a URL that is not PostgreSQL’s, naming the variable and never echoing the password', () => {
    for (const bad of ['mysql://prism:s3cret@db.internal/prism', 'db.internal:5432', 'postgresql:///nohost-s3cret', '/var/lib/prism.sqlite']) {
      let message = '';
      try {
        parseConfig({ PRISM_DATABASE_URL: bad });
      } catch (error) {
        message = String(error);
      }
      expect(message).toMatch(/PRISM_DATABASE_URL: must be a postgresql:\/\/ URL/);
      expect(message).not.toContain('s3cret');
    }
  });
});

describe('replicas', () => {
  it('names each replica and gives its leases 15 s unless told otherwise', () => {
    const config = parseConfig({});
    expect(config.redisUrl).toBeUndefined();
    expect(config.leaseMs).toBe(15_000);
    expect(config.replicaId).toMatch(new RegExp(`-${process.pid}-[0-9a-f]{6}$`));
    expect(parseConfig({ PRISM_REPLICA_ID: 'prism-a', PRISM_LEASE_SECONDS: '4', PRISM_REDIS_URL: 'rediss://:s3cret@cache.internal:6380' })).toMatchObject({
      replicaId: 'prism-a',
      leaseMs: 4_000,
      redisUrl: 'rediss://:s3cret@cache.internal:6380'
    });
  });

  it('refuses a Redis URL that is not one, or a lease of no time, naming the variable and never echoing the password', () => {
    for (const [env, named] of [
      [{ PRISM_REDIS_URL: 'http://:s3cret@cache.internal:6379' }, /PRISM_REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/],
      [{ PRISM_REDIS_URL: 'cache.internal:6379' }, /PRISM_REDIS_URL/],
      [{ PRISM_LEASE_SECONDS: '0' }, /PRISM_LEASE_SECONDS/]
    ] as const) {
      let message = '';
      try {
        parseConfig(env);
      } catch (error) {
        message = String(error);
      }
      expect(message).toMatch(named);
      expect(message).not.toContain('s3cret');
    }
  });
});
