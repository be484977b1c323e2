/**
 * Load and abuse (docs/api.md, "Limits and security"), against the real
 * service and moto: rate limits keyed by the signed-in user (everyone here
 * comes from 127.0.0.1, as a lab behind one proxy does), socket events
 * limited without dropping the connection, failed sign-ins slowed per
 * address, a bounded queue of AWS calls seen from the fault proxy, body
 * size limits, the security headers, and the hub sign-in's cookies.
 */
import type { Workstation } from '../src/contract/api';
import { startFaultProxy, type CallRecord, type FaultProxy } from './support/fault-proxy';
import { startMoto } from './support/moto';
import { requestAs, startPrism, writeUsersFile, type TestPrism, type PrismClientSocket } from './support/prism';

const USERS = ['ada', 'grace', 'lin', 'sam', 'pat'].map(user => ({ user, token: `abuse-${user}-token-0123456789` }));
const tokenOf = (user: string): string => USERS.find(u => u.user === user)!.token;

async function problemOf(res: Response): Promise<{ code: string; hint: string; status: number }> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  return (await res.json()) as { code: string; hint: string; status: number };
}

describe('rate and size limits', () => {
  let prism: TestPrism;

  beforeAll(async () => {
    prism = await startPrism({
      PRISM_USERS_FILE: writeUsersFile(USERS),
      // Five at once, then one every ten seconds: slow enough that no refill lands inside a test.
      PRISM_RATE_LIMIT_REQUESTS_PER_MINUTE: '6',
      PRISM_RATE_LIMIT_BURST: '5',
      PRISM_RATE_LIMIT_LAUNCHES_PER_MINUTE: '2',
      PRISM_RATE_LIMIT_SOCKET_EVENTS_PER_MINUTE: '6',
      PRISM_RATE_LIMIT_FAILED_SIGN_INS_PER_MINUTE: '30',
      PRISM_MAX_JSON_BYTES: '4096'
    });
  }, 90_000);

  afterAll(async () => {
    await prism?.stop();
  });

  it('answers a user over their request limit 429 RATE_LIMITED with Retry-After, while another user at the same address goes on', async () => {
    for (let i = 0; i < 5; i++) expect((await requestAs(prism, tokenOf('ada'), '/me')).status).toBe(200);
    const refused = await requestAs(prism, tokenOf('ada'), '/me');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const problem = await problemOf(refused);
    expect(problem.code).toBe('RATE_LIMITED');
    expect(problem.hint).toMatch(/Try again in \d+ s/);
    // Another address in X-Forwarded-For changes nothing: the bucket is ada's, not the address's.
    expect((await prism.api('/me', { token: tokenOf('ada'), headers: { 'X-Forwarded-For': '203.0.113.9' } })).status).toBe(429);
    const grace = await requestAs(prism, tokenOf('grace'), '/me');
    expect(grace.status).toBe(200);
    expect(((await grace.json()) as { user: string }).user).toBe('grace');
  });

  it('limits launches a user starts in a minute, apart from the other requests', async () => {
    const launch = () => requestAs(prism, tokenOf('lin'), '/instances', 'POST', { name: 'too-many', template: 'no-such-template', arch: 'arm64' });
    expect((await launch()).status).not.toBe(429);
    expect((await launch()).status).not.toBe(429);
    const third = await launch();
    expect(third.status).toBe(429);
    expect((await problemOf(third)).code).toBe('RATE_LIMITED');
    // Reading still works: launches have their own bucket.
    expect((await requestAs(prism, tokenOf('lin'), '/instances')).status).toBe(200);
  });

  it('answers socket events over the limit with a RATE_LIMITED ack and keeps the connection', async () => {
    const socket: PrismClientSocket = prism.socket({ token: tokenOf('sam') });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const watch = () => new Promise<{ error?: { code: string } }>(resolve => socket.emit('instance:watch', 'ws-none', response => resolve(response as { error?: { code: string } })));
    for (let i = 0; i < 5; i++) expect((await watch()).error?.code).toBe('WORKSTATION_NOT_FOUND');
    expect((await watch()).error?.code).toBe('RATE_LIMITED');
    expect(socket.connected).toBe(true);
    // Another user's socket is not slowed.
    const other = prism.socket({ token: tokenOf('grace') });
    await new Promise<void>(resolve => other.once('connect', () => resolve()));
    const answer = await new Promise<{ error?: { code: string } }>(resolve => other.emit('instance:watch', 'ws-none', r => resolve(r as { error?: { code: string } })));
    expect(answer.error?.code).toBe('WORKSTATION_NOT_FOUND');
  });

  it('refuses a JSON body over PRISM_MAX_JSON_BYTES with 413 PAYLOAD_TOO_LARGE and a hint', async () => {
    const res = await requestAs(prism, tokenOf('pat'), '/instances', 'POST', { name: 'x'.repeat(5000), template: 'amazon-linux', arch: 'arm64' });
    expect(res.status).toBe(413);
    const problem = await problemOf(res);
    expect(problem.code).toBe('PAYLOAD_TOO_LARGE');
    expect(problem.hint).toContain('PRISM_MAX_JSON_BYTES');
    const listed = (await (await requestAs(prism, tokenOf('pat'), '/instances')).json()) as Workstation[];
    expect(listed).toEqual([]);
  });

  it('slows an address that keeps sending bad tokens, but lets a good token from it through', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) statuses.push((await prism.api('/me', { token: `guess-${i}` })).status);
    expect(statuses.slice(0, 30).every(s => s === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
    expect((await requestAs(prism, tokenOf('pat'), '/me')).status).toBe(200);
  });

  it('sends the security headers: a CSP for an API framed only by its own origin, nosniff, no HSTS over http', async () => {
    const res = await prism.api('/health');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('strict-transport-security')).toBeNull();
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});

describe('a public https URL', () => {
  it('turns on HSTS', async () => {
    const prism = await startPrism({ PRISM_PUBLIC_URL: 'https://prism.example.org/' });
    try {
      const res = await prism.api('/health');
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      await startUpSettles();
    } finally {
      await prism.stop();
    }
  }, 90_000);
});

describe('the hub sign-in cookies', () => {
  it('are HttpOnly and SameSite=Lax, and Secure when the browser came over https', async () => {
    const prism = await startPrism({
      PRISM_IDENTITY: 'hub',
      JUPYTERHUB_API_TOKEN: 'abuse-hub-service-token',
      // Signing in starts without asking the hub; nothing listens here.
      JUPYTERHUB_API_URL: 'http://127.0.0.1:9/hub/api',
      JUPYTERHUB_SERVICE_NAME: 'prism',
      PRISM_BASE_URL: '/services/prism/'
    });
    try {
      const login = (proto?: string) =>
        fetch(`${prism.service.url}login?next=${encodeURIComponent('/services/prism/')}`, {
          redirect: 'manual',
          headers: proto ? { 'X-Forwarded-Proto': proto } : {}
        });
      const overHttps = await login('https');
      expect(overHttps.status).toBe(302);
      const cookies = overHttps.headers.getSetCookie();
      expect(cookies.length).toBeGreaterThan(0);
      for (const cookie of cookies) {
        expect(cookie).toMatch(/;\s*HttpOnly/i);
        expect(cookie).toMatch(/;\s*SameSite=Lax/i);
        expect(cookie).toMatch(/;\s*Secure/i);
      }
      for (const cookie of (await login()).headers.getSetCookie()) {
        expect(cookie).toMatch(/;\s*HttpOnly/i);
        expect(cookie).not.toMatch(/;\s*Secure/i);
      }
      await startUpSettles();
    } finally {
      await prism.stop();
    }
  }, 90_000);
});

describe('the AWS call queue', () => {
  let prism: TestPrism;
  let proxy: FaultProxy;

  beforeAll(async () => {
    const moto = await startMoto();
    // Each call takes a while, so launches at once would overlap far past the bound without the queue.
    proxy = await startFaultProxy({ upstream: moto.endpoint, delayMs: 120 });
    // The test reads the launches often; only the queue is under test here.
    prism = await startPrism({ PRISM_AWS_ENDPOINT: proxy.url, PRISM_AWS_MAX_CONCURRENCY: '2', PRISM_RATE_LIMIT_REQUESTS_PER_MINUTE: '0' }, { moto });
  }, 90_000);

  afterAll(async () => {
    await prism?.stop();
    await proxy?.close();
  });

  it('never has more than PRISM_AWS_MAX_CONCURRENCY calls in flight while launches run at once, and every launch gets there', async () => {
    proxy.resetCalls();
    const started = await Promise.all(
      ['q1', 'q2', 'q3', 'q4'].map(name =>
        prism.api('/instances', { method: 'POST', body: JSON.stringify({ name, template: 'amazon-linux', arch: 'arm64' }) })
      )
    );
    const ids = await Promise.all(
      started.map(async res => {
        expect(res.status).toBe(202);
        return ((await res.json()) as { id: string }).id;
      })
    );
    const deadline = Date.now() + 120_000;
    let phases: string[] = [];
    while (Date.now() < deadline) {
      phases = await Promise.all(ids.map(async id => ((await (await prism.api(`/instances/${id}`)).json()) as Workstation).phase));
      if (phases.every(p => p === 'ready' || p === 'failed')) break;
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    expect(phases).toEqual(['ready', 'ready', 'ready', 'ready']);
    const calls = proxy.calls();
    expect(calls.length).toBeGreaterThan(20);
    expect(mostAtOnce(calls)).toBe(2);
  }, 180_000);
});

/** The storage schedulers' start-up reads the database after a first AWS call; a service stopped sooner breaks them. */
const startUpSettles = (): Promise<void> => new Promise(resolve => setTimeout(resolve, 3000));

/** The most calls the proxy held open at one moment. */
function mostAtOnce(calls: CallRecord[]): number {
  const edges = calls.flatMap(c => [
    { at: c.start, d: 1 },
    { at: c.end, d: -1 }
  ]);
  // An answer and the next call's arrival at the same instant: the answer first.
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  let open = 0;
  let most = 0;
  for (const e of edges) {
    open += e.d;
    most = Math.max(most, open);
  }
  return most;
}
