/**
 * Only pages Prism trusts may change anything: the real service over real
 * HTTP, a real socket.io client, and (for the session cookie) a real
 * JupyterHub with its proxy. A write from another site's page is refused with
 * 403 ORIGIN_NOT_ALLOWED and changes nothing; the service's own origin,
 * JupyterLab's through jupyter-server-proxy (which keeps the browser's Host),
 * the hub's, PRISM_ALLOWED_ORIGINS, and scripts with a token get through.
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { io as connect } from 'socket.io-client';
import type { Project } from '../src/contract/projects';
import { exchange, HubBrowser, type Page } from './support/hub-browser';
import { prepareHub, type Hub } from './support/jupyterhub';
import { startPrism, type PrismClientSocket, type TestPrism } from './support/prism';

const FOREIGN = 'https://attacker.example';
const LISTED = 'https://lab.example.org';
const PREFIX = '/services/prism/';
const PASSWORD = 'origin-test-password';
const LAUNCH = { name: 'forged', template: 'amazon-linux', arch: 'arm64' };

/** Connects a socket.io client; resolves whether the service let it in. */
function connects(url: string, path: string, options: { origin?: string; token?: string; cookie?: string }): Promise<boolean> {
  const socket: PrismClientSocket = connect(url, {
    path,
    transports: ['websocket'],
    reconnection: false,
    auth: options.token ? { token: options.token } : {},
    extraHeaders: { ...(options.origin && { Origin: options.origin }), ...(options.cookie && { Cookie: options.cookie }) }
  });
  return new Promise<boolean>(resolve => {
    socket.on('connect', () => resolve(true));
    socket.on('connect_error', () => resolve(false));
  }).finally(() => socket.disconnect());
}

function expectRefused(page: Page): void {
  expect(page.status).toBe(403);
  expect(page.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(page.body) as { code: string; hint: string };
  expect(problem.code).toBe('ORIGIN_NOT_ALLOWED');
  expect(problem.hint).toContain('PRISM_ALLOWED_ORIGINS');
}

describe('standalone, and behind jupyter-server-proxy', () => {
  let prism: TestPrism;
  let ec2: EC2Client;

  beforeAll(async () => {
    prism = await startPrism({ PRISM_ALLOWED_ORIGINS: `${LISTED}, https://other.example.org:8443` });
    ec2 = new EC2Client({ endpoint: prism.moto.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  }, 90_000);

  afterAll(async () => {
    ec2?.destroy();
    await prism?.stop();
  });

  /** As the browser's request reaches the service, with the token jupyter-server-proxy adds to every request. */
  function send(method: string, route: string, headers: Record<string, string>, body?: unknown): Promise<Page> {
    return exchange(
      new URL(`${prism.service.url}api/v1${route}`),
      method,
      { Authorization: `Bearer ${prism.service.token}`, ...(body !== undefined && { 'Content-Type': 'application/json' }), ...headers },
      body === undefined ? undefined : JSON.stringify(body)
    );
  }

  const projects = async (): Promise<Project[]> => JSON.parse((await send('GET', '/projects', {})).body) as Project[];

  it('refuses writes from another site’s page with 403 ORIGIN_NOT_ALLOWED, a hint naming the setting, and changes nothing', async () => {
    const kept = await send('POST', '/projects', {}, { name: 'kept' });
    expect(kept.status).toBe(201);
    const project = JSON.parse(kept.body) as Project;

    expectRefused(await send('POST', '/instances', { Origin: FOREIGN }, LAUNCH));
    expectRefused(await send('POST', '/projects', { Origin: FOREIGN }, { name: 'forged' }));
    expectRefused(await send('PUT', `/projects/${project.id}/members/mallory`, { Origin: FOREIGN }, { role: 'admin' }));
    // A sandboxed frame or a redirect says "null"; another port on the same machine is another site.
    expectRefused(await send('POST', '/projects', { Origin: 'null' }, { name: 'forged' }));
    expectRefused(await send('POST', '/projects', { Origin: 'http://127.0.0.1:1' }, { name: 'forged' }));
    expect(JSON.parse((await send('POST', '/projects', { Origin: FOREIGN }, { name: 'forged' })).body).detail).toContain(FOREIGN);

    expect((await projects()).map(p => p.name)).toEqual(['kept']);
    const members = JSON.parse((await send('GET', `/projects/${project.id}`, {})).body) as { members: { user: string }[] };
    expect(members.members.map(m => m.user)).not.toContain('mallory');
    expect(JSON.parse((await send('GET', '/instances', {})).body)).toEqual([]);
    const reservations = (await ec2.send(new DescribeInstancesCommand({}))).Reservations ?? [];
    expect(reservations).toEqual([]);
  });

  it('lets the service’s own origin, JupyterLab’s through the proxy, a listed origin and a script without Origin write', async () => {
    const before = (await projects()).length;
    const own = new URL(prism.service.url).origin;
    expect((await send('POST', '/projects', { Origin: own }, { name: 'from-own-origin' })).status).toBe(201);
    // jupyter-server-proxy passes the browser's Host on: JupyterLab's page and the service share it.
    expect((await send('POST', '/projects', { Origin: 'http://localhost:8888', Host: 'localhost:8888' }, { name: 'from-lab' })).status).toBe(201);
    expect((await send('POST', '/projects', { Origin: LISTED }, { name: 'from-listed' })).status).toBe(201);
    expect((await send('POST', '/projects', { Origin: 'https://other.example.org:8443' }, { name: 'from-listed-port' })).status).toBe(201);
    expect((await send('POST', '/projects', {}, { name: 'from-script' })).status).toBe(201);
    expect((await projects()).length).toBe(before + 5);
  });

  it('opens the socket for the service’s own origin and a listed one, never for another site’s page', async () => {
    const url = new URL(prism.service.url);
    const path = `${url.pathname}socket.io`;
    const token = prism.service.token;
    expect(await connects(url.origin, path, { token, origin: FOREIGN })).toBe(false);
    expect(await connects(url.origin, path, { token, origin: 'null' })).toBe(false);
    expect(await connects(url.origin, path, { token, origin: url.origin })).toBe(true);
    expect(await connects(url.origin, path, { token, origin: LISTED })).toBe(true);
    expect(await connects(url.origin, path, { token })).toBe(true);
  });
});

describe('behind JupyterHub, signed in by the session cookie', () => {
  const PUBLIC_HUB = 'https://hub.example.org';
  let hub: Hub;
  let prism: TestPrism;
  let browser: HubBrowser;
  let aliceToken: string;

  beforeAll(async () => {
    hub = await prepareHub({ users: ['alice'], groups: {}, password: PASSWORD });
    prism = await startPrism({
      JUPYTERHUB_API_TOKEN: hub.serviceToken,
      JUPYTERHUB_API_URL: hub.apiUrl,
      JUPYTERHUB_SERVICE_NAME: 'prism',
      JUPYTERHUB_SERVICE_PREFIX: PREFIX,
      JUPYTERHUB_CLIENT_ID: 'service-prism',
      JUPYTERHUB_OAUTH_CALLBACK_URL: `${PREFIX}oauth_callback`,
      JUPYTERHUB_BASE_URL: '/',
      // What JupyterHub 5 gives a managed service when its public_url is set.
      JUPYTERHUB_PUBLIC_HUB_URL: `${PUBLIC_HUB}/hub/`
    });
    await hub.start(new URL(prism.service.url).origin);
    aliceToken = await hub.tokenFor('alice', ['access:services!service=prism']);
    browser = new HubBrowser(hub.publicUrl);
    await browser.signIn(PREFIX, 'alice', PASSWORD);
  }, 150_000);

  afterAll(async () => {
    await hub?.stop();
    await prism?.stop();
  });

  /** A write through the hub's proxy carrying the browser's session cookie and `headers`, as a page's fetch would. */
  const cookieWrite = (name: string, headers: Record<string, string>): Promise<Page> =>
    browser.request(`${PREFIX}api/v1/projects`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'Sec-Fetch-Mode': 'cors', ...headers },
      body: JSON.stringify({ name })
    });

  const projectNames = async (): Promise<string[]> => {
    const page = await browser.request(`${PREFIX}api/v1/projects`, { headers: { Accept: 'application/json', 'Sec-Fetch-Mode': 'cors' } });
    expect(page.status).toBe(200);
    return (JSON.parse(page.body) as Project[]).map(p => p.name);
  };

  it('refuses a cookie-signed write that says neither its Origin nor Sec-Fetch-Site: same-origin, and one from another site', async () => {
    expectRefused(await cookieWrite('no-origin', {}));
    expectRefused(await cookieWrite('cross-site', { 'Sec-Fetch-Site': 'cross-site' }));
    expectRefused(await cookieWrite('same-site', { 'Sec-Fetch-Site': 'same-site' }));
    expectRefused(await cookieWrite('foreign', { Origin: FOREIGN }));
    expect(await projectNames()).toEqual([]);
  });

  it('lets the hub’s pages write with the cookie: the hub’s own origin, its public URL, or Sec-Fetch-Site: same-origin', async () => {
    expect((await cookieWrite('through-the-hub', { Origin: hub.publicUrl })).status).toBe(201);
    expect((await cookieWrite('public-hub-url', { Origin: PUBLIC_HUB })).status).toBe(201);
    expect((await cookieWrite('same-origin', { 'Sec-Fetch-Site': 'same-origin' })).status).toBe(201);
    expect((await projectNames()).sort()).toEqual(['public-hub-url', 'same-origin', 'through-the-hub']);
  });

  it('lets a script with a hub token write without Origin', async () => {
    const page = await exchange(new URL(`${hub.publicUrl}${PREFIX}api/v1/projects`), 'POST', { Authorization: `token ${aliceToken}`, 'Content-Type': 'application/json' }, JSON.stringify({ name: 'scripted' }));
    expect(page.status).toBe(201);
    expect(await projectNames()).toContain('scripted');
  });

  it('refuses the socket of another site’s page even with a good session cookie, and opens it for the hub’s', async () => {
    const path = `${PREFIX}socket.io`;
    const cookie = browser.cookieHeader;
    expect(await connects(hub.publicUrl, path, { cookie, origin: FOREIGN })).toBe(false);
    expect(await connects(hub.publicUrl, path, { cookie, origin: hub.publicUrl })).toBe(true);
    expect(await connects(hub.publicUrl, path, { cookie, origin: PUBLIC_HUB })).toBe(true);
  });
});
