/**
 * A real JupyterHub (from PyPI, in the venv) on loopback, with its real
 * configurable-http-proxy (from node_modules): DummyAuthenticator users, one
 * group, and Prism registered as an external service at a URL the test gives.
 */
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './moto';
import { VENV_BIN } from './prism';

const NODE_BIN = path.resolve(__dirname, '..', '..', '..', 'node_modules', '.bin');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export interface HubOptions {
  users: string[];
  /** Group name to members. */
  groups: Record<string, string[]>;
  password: string;
}

export interface Hub {
  /** Where browsers and scripts reach the hub and its services, e.g. http://127.0.0.1:5000 */
  publicUrl: string;
  /** The hub's REST API, e.g. http://127.0.0.1:5001/hub/api */
  apiUrl: string;
  /** The token Prism is registered with (JUPYTERHUB_API_TOKEN of the service). */
  serviceToken: string;
  /** An admin's API call (a test-only service with the hub's admin role). */
  admin(route: string, init?: RequestInit): Promise<Response>;
  /** A new API token for `user` with exactly `scopes`. */
  tokenFor(user: string, scopes: string[]): Promise<string>;
  /** Registers Prism at `url` and starts the hub; call once. */
  start(prismUrl: string): Promise<void>;
  stop(): Promise<void>;
}

/** Ports and tokens are chosen first, so Prism can be started with its hub environment before the hub itself. */
export async function prepareHub(options: HubOptions): Promise<Hub> {
  const [proxyPort, proxyApiPort, hubPort] = [await freePort(), await freePort(), await freePort()];
  const publicUrl = `http://127.0.0.1:${proxyPort}`;
  const apiUrl = `http://127.0.0.1:${hubPort}/hub/api`;
  const serviceToken = crypto.randomBytes(24).toString('hex');
  const adminToken = crypto.randomBytes(24).toString('hex');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-hub-'));
  let child: ReturnType<typeof spawn> | undefined;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const admin = (route: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${apiUrl}${route}`, { ...init, headers: { Authorization: `token ${adminToken}`, 'Content-Type': 'application/json', ...init.headers } });

  return {
    publicUrl,
    apiUrl,
    serviceToken,
    admin,
    async tokenFor(user, scopes) {
      const response = await admin(`/users/${user}/tokens`, { method: 'POST', body: JSON.stringify({ scopes, note: 'prism test' }) });
      if (response.status !== 201) throw new Error(`the hub made no token for ${user}: ${response.status} ${await response.text()}`);
      return ((await response.json()) as { token: string }).token;
    },
    async start(prismUrl) {
      const config = {
        bind_url: publicUrl,
        hub_bind_url: `http://127.0.0.1:${hubPort}`,
        proxy_api_url: `http://127.0.0.1:${proxyApiPort}`,
        users: options.users,
        groups: options.groups,
        password: options.password,
        prism_url: prismUrl,
        service_token: serviceToken,
        admin_token: adminToken
      };
      fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify(config));
      fs.writeFileSync(path.join(dir, 'jupyterhub_config.py'), HUB_CONFIG);
      child = spawn(path.join(VENV_BIN, 'jupyterhub'), ['-f', 'jupyterhub_config.py'], {
        cwd: dir,
        env: {
          ...process.env,
          PATH: `${NODE_BIN}${path.delimiter}${VENV_BIN}${path.delimiter}${process.env.PATH}`,
          CONFIGPROXY_AUTH_TOKEN: crypto.randomBytes(24).toString('hex')
        },
        stdio: ['ignore', 'pipe', 'pipe']
      });
      const keep = (chunk: Buffer): void => {
        output = (output + chunk.toString()).slice(-8000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      const started = child;
      exited = new Promise(resolve => started.once('exit', () => resolve()));
      const deadline = Date.now() + READY_TIMEOUT_MS;
      for (;;) {
        if (started.exitCode !== null) throw new Error(`jupyterhub exited at start:\n${output}`);
        try {
          // Through the proxy: both the hub and its routes are up.
          if ((await fetch(`${publicUrl}/hub/api/`)).ok) return;
        } catch {
          // not listening yet
        }
        if (Date.now() > deadline) throw new Error(`jupyterhub did not answer in ${READY_TIMEOUT_MS / 1000} s:\n${output}`);
        await new Promise(resolve => setTimeout(resolve, 300));
      }
    },
    async stop() {
      if (child && child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child?.kill('SIGKILL'), STOP_TIMEOUT_MS);
        await exited;
        clearTimeout(timer);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** The hub's configuration, read from settings.json beside it. */
const HUB_CONFIG = `
import json
s = json.load(open('settings.json'))
c = get_config()  # noqa
c.JupyterHub.bind_url = s['bind_url']
c.JupyterHub.hub_bind_url = s['hub_bind_url']
c.ConfigurableHTTPProxy.api_url = s['proxy_api_url']
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = 'sqlite:///jupyterhub.sqlite'
c.JupyterHub.cookie_secret_file = 'jupyterhub_cookie_secret'
c.JupyterHub.authenticator_class = 'dummy'
c.DummyAuthenticator.password = s['password']
c.Authenticator.allowed_users = set(s['users'])
c.JupyterHub.load_groups = {name: {'users': users} for name, users in s['groups'].items()}
c.JupyterHub.services = [
    {'name': 'prism', 'url': s['prism_url'], 'api_token': s['service_token'], 'oauth_no_confirm': True},
    {'name': 'test-admin', 'api_token': s['admin_token']},
]
c.JupyterHub.load_roles = [
    {'name': 'user', 'scopes': ['self', 'access:services!service=prism']},
    {'name': 'prism', 'scopes': ['read:users', 'read:groups'], 'services': ['prism']},
    {'name': 'admin', 'services': ['test-admin']},
]
`;
