/**
 * Prism as a JupyterHub service, with a real JupyterHub from PyPI and its
 * real proxy on loopback: alice, bob and carol (in the hub group
 * prism-admins) reach Prism at /services/prism/ with hub tokens or through
 * the hub's OAuth sign-in, and see only what their project roles allow.
 */
import { io as connect } from 'socket.io-client';
import type { Workstation } from '../src/contract/api';
import type { WorkstationEvent } from '../src/contract/events';
import { HubBrowser } from './support/hub-browser';
import { prepareHub, type Hub } from './support/jupyterhub';
import { startPrism, type PrismClientSocket, type TestPrism } from './support/prism';

const PASSWORD = 'hub-dummy-password';
const PREFIX = '/services/prism/';

let hub: Hub;
let prism: TestPrism;
const tokens: Record<'alice' | 'bob' | 'carol' | 'aliceWithoutAccess', string> = { alice: '', bob: '', carol: '', aliceWithoutAccess: '' };
const sockets: PrismClientSocket[] = [];

beforeAll(async () => {
  hub = await prepareHub({ users: ['alice', 'bob', 'carol'], groups: { 'prism-admins': ['carol'] }, password: PASSWORD });
  // What the hub gives a managed service, given by hand to this external one.
  prism = await startPrism({
    JUPYTERHUB_API_TOKEN: hub.serviceToken,
    JUPYTERHUB_API_URL: hub.apiUrl,
    JUPYTERHUB_SERVICE_NAME: 'prism',
    JUPYTERHUB_SERVICE_PREFIX: PREFIX,
    JUPYTERHUB_CLIENT_ID: 'service-prism',
    JUPYTERHUB_OAUTH_CALLBACK_URL: `${PREFIX}oauth_callback`,
    JUPYTERHUB_BASE_URL: '/'
  });
  await hub.start(new URL(prism.service.url).origin);
  const access = ['access:services!service=prism'];
  tokens.alice = await hub.tokenFor('alice', access);
  tokens.bob = await hub.tokenFor('bob', access);
  tokens.carol = await hub.tokenFor('carol', access);
  tokens.aliceWithoutAccess = await hub.tokenFor('alice', ['read:users:name!user=alice']);
}, 120_000);

afterAll(async () => {
  sockets.forEach(s => s.disconnect());
  await hub?.stop();
  await prism?.stop();
});

/** A request to Prism through the hub's proxy, as a script with a hub token. */
function as(token: string | undefined, route: string, method = 'GET', body?: unknown): Promise<Response> {
  return fetch(`${hub.publicUrl}${PREFIX}api/v1${route}`, {
    method,
    headers: { ...(token && { Authorization: `token ${token}` }), ...(body !== undefined && { 'Content-Type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) })
  });
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** A socket.io client through the hub's proxy, collecting the workstation events it hears. */
async function socketOf(token: string): Promise<{ socket: PrismClientSocket; heard: WorkstationEvent[] }> {
  const socket: PrismClientSocket = connect(hub.publicUrl, {
    path: `${PREFIX}socket.io`,
    transports: ['websocket'],
    reconnection: false,
    auth: { token }
  });
  sockets.push(socket);
  const heard: WorkstationEvent[] = [];
  socket.on('instance:progress', e => heard.push(e));
  socket.on('instance:state', e => heard.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
  return { socket, heard };
}

it('knows alice and bob by their hub tokens; a token without the service scope is refused with a hint', async () => {
  expect(await (await as(tokens.alice, '/me')).json()).toMatchObject({ user: 'alice', roles: ['user'] });
  expect(await (await as(tokens.bob, '/me')).json()).toMatchObject({ user: 'bob', roles: ['user'] });

  const refused = await as(tokens.aliceWithoutAccess, '/me');
  expect(refused.status).toBe(403);
  expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(await refused.json()).toMatchObject({ code: 'HUB_SCOPE_MISSING', hint: expect.stringContaining('access:services!service=prism') });
  await expect(socketOf(tokens.aliceWithoutAccess)).rejects.toThrow(/^HUB_SCOPE_MISSING: Make a token with the scope access:services!service=prism/);

  const unknown = await as('not-a-hub-token', '/me');
  expect(unknown.status).toBe(401);
  const anonymous = await as(undefined, '/me');
  expect(anonymous.status).toBe(401);
  expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED', hint: expect.stringContaining(`Sign in at ${PREFIX}login`) });
});

it('makes carol, in the hub group prism-admins, a Prism admin; alice is not', async () => {
  expect(await (await as(tokens.carol, '/me')).json()).toMatchObject({ user: 'carol', roles: ['admin'] });
  expect((await as(tokens.carol, '/orphans')).status).toBe(200);
  const refused = await as(tokens.alice, '/orphans');
  expect(refused.status).toBe(403);
});

it('keeps each user’s workstations their own, shows a project’s to its viewer without letting him stop it, and takes it away when he leaves', async () => {
  const bobsOwn = await as(tokens.bob, '/instances', 'POST', { name: 'bobs-own', template: 'amazon-linux', arch: 'arm64' });
  expect(bobsOwn.status).toBe(202);
  const bobsId = ((await bobsOwn.json()) as { id: string }).id;
  const notAlices = await as(tokens.alice, `/instances/${bobsId}`);
  expect(notAlices.status).toBe(404);
  expect(await notAlices.json()).toMatchObject({ code: 'WORKSTATION_NOT_FOUND' });
  expect(await (await as(tokens.alice, '/instances')).json()).toEqual([]);
  expect((await as(tokens.bob, `/instances/${bobsId}`, 'DELETE')).status).toBe(200);

  expect((await as(tokens.alice, '/projects', 'POST', { name: 'Genomics' })).status).toBe(201);
  expect((await as(tokens.alice, '/projects/genomics/members/bob', 'PUT', { role: 'viewer' })).status).toBe(200);
  const alice = await socketOf(tokens.alice);
  const bob = await socketOf(tokens.bob);

  const launched = await as(tokens.alice, '/instances', 'POST', { name: 'shared-run', template: 'amazon-linux', arch: 'arm64', project: 'genomics' });
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as { id: string };
  const ready = await until(
    async () => (await (await as(tokens.alice, `/instances/${id}`)).json()) as Workstation,
    w => w.phase === 'ready' || w.phase === 'failed',
    150_000,
    'the project workstation to be ready'
  );
  expect(ready).toMatchObject({ phase: 'ready', state: 'running' });
  // bob's open socket heard the launch through the project.
  expect(bob.heard.filter(e => e.id === id).length).toBeGreaterThan(0);

  const seen = await as(tokens.bob, `/instances/${id}`);
  expect(seen.status).toBe(200);
  expect(await seen.json()).toMatchObject({ id, name: 'shared-run', project: 'genomics' });
  const stopByViewer = await as(tokens.bob, `/instances/${id}/stop`, 'POST');
  expect(stopByViewer.status).toBe(403);
  expect(await stopByViewer.json()).toMatchObject({ hint: expect.any(String) });
  const stranger = await as(tokens.carol, `/instances/${id}`);
  expect(stranger.status).toBe(404);

  expect((await as(tokens.alice, '/projects/genomics/members/bob', 'DELETE')).status).toBeLessThan(300);
  expect((await as(tokens.bob, `/instances/${id}`)).status).toBe(404);
  const bobHeardBefore = bob.heard.length;
  const aliceHeardBefore = alice.heard.length;
  const stopped = await as(tokens.alice, `/instances/${id}/stop`, 'POST');
  expect(stopped.status).toBe(200);
  await until(
    async () => alice.heard.slice(aliceHeardBefore),
    heard => heard.some(e => e.id === id && e.kind === 'state' && e.state === 'stopped'),
    30_000,
    'alice to hear the stop'
  );
  // The same emit reaches every room at once; give bob's connection a moment to show it was left out.
  await new Promise(resolve => setTimeout(resolve, 500));
  expect(bob.heard.slice(bobHeardBefore)).toEqual([]);
  expect((await as(tokens.alice, `/instances/${id}`, 'DELETE')).status).toBe(200);
}, 240_000);

it('signs a browser in through the hub’s OAuth: a page is sent to the hub, comes back with a cookie that then authorizes REST calls', async () => {
  const browser = new HubBrowser(hub.publicUrl);
  const fetched = await browser.fetch(`${PREFIX}api/v1/me`);
  expect(fetched.status).toBe(401);
  expect(JSON.parse(fetched.body)).toMatchObject({ code: 'UNAUTHENTICATED' });

  // Unsigned, the page goes to Prism's login, then the hub's authorize URL, then the hub's login form.
  const first = await browser.navigate(`${PREFIX}api/v1/me`);
  expect(first.path.map(u => new URL(u).pathname)).toEqual([`${PREFIX}api/v1/me`, `${PREFIX}login`, '/hub/api/oauth2/authorize', '/hub/login']);
  const form = first.page.body;
  const xsrf = /name="_xsrf" value="([^"]+)"/.exec(form)?.[1];
  expect(xsrf).toBeDefined();

  const loginUrl = first.path[first.path.length - 1];
  const posted = await browser.request(loginUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'text/html', 'Sec-Fetch-Mode': 'navigate' },
    body: new URLSearchParams({ username: 'alice', password: PASSWORD, _xsrf: xsrf as string }).toString()
  });
  expect(posted.status).toBe(302);
  const back = await browser.navigate(new URL(posted.headers.location as string, loginUrl).href);
  expect(back.path.map(u => new URL(u).pathname)).toEqual(['/hub/api/oauth2/authorize', `${PREFIX}oauth_callback`, `${PREFIX}api/v1/me`]);
  expect(back.page.status).toBe(200);
  expect(JSON.parse(back.page.body)).toMatchObject({ user: 'alice' });

  const session = browser.setCookies.find(c => c.startsWith('service-prism=') && !/max-age=0/i.test(c));
  expect(session).toMatch(new RegExp(`Path=${PREFIX}`));
  expect(session).toMatch(/HttpOnly/);
  expect(session).toMatch(/SameSite=Lax/);
  expect(session).not.toMatch(/Secure/);
  // Sealed: what the browser holds is not a hub token anyone could use.
  const held = (session as string).split(';')[0].slice('service-prism='.length);
  expect((await as(held, '/me')).status).toBe(401);

  // The cookie alone authorizes a script's call, and the socket's handshake.
  const listed = await browser.fetch(`${PREFIX}api/v1/projects`);
  expect(listed.status).toBe(200);
  expect(JSON.parse(listed.body)).toEqual([expect.objectContaining({ id: 'genomics', role: 'admin' })]);
  const cookieSocket: PrismClientSocket = connect(hub.publicUrl, {
    path: `${PREFIX}socket.io`,
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: { Cookie: (session as string).split(';')[0], Origin: hub.publicUrl }
  });
  sockets.push(cookieSocket);
  await new Promise<void>((resolve, reject) => {
    cookieSocket.on('connect', resolve);
    cookieSocket.on('connect_error', reject);
  });
  const signedIn = await browser.navigate(`${PREFIX}signed-in`);
  expect(signedIn.page.body).toContain('Signed in to Prism as alice.');

  // A callback that this browser did not start is refused.
  const forged = await new HubBrowser(hub.publicUrl).navigate(`${PREFIX}oauth_callback?code=x&state=y`);
  expect(forged.page.status).toBe(400);
  expect(JSON.parse(forged.page.body)).toMatchObject({ code: 'OAUTH_STATE_MISMATCH', hint: `Sign in again at ${PREFIX}login.` });
}, 60_000);
