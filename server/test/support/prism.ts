/**
 * Starts a real Prism service in this process against a real moto_server, the
 * way prism-server does, on a free loopback port with its own data folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/contract/events';
import { parseConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { startService, type RunningService } from '../../src/service';
import { emulatorEnv, startMoto, type Moto } from './moto';

export interface TestPrism {
  moto: Moto;
  service: RunningService;
  dataDir: string;
  /** fetch against the API with the service token unless `token` is given (null: none). */
  api(route: string, init?: RequestInit & { token?: string | null }): Promise<Response>;
  socket(options?: { token?: string | null; origin?: string }): PrismClientSocket;
  stop(): Promise<void>;
}

export type PrismClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The per-user and global rate limits off (docs/api.md, "Limits and security"). */
export const NO_RATE_LIMITS: Record<string, string> = {
  PRISM_RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
  PRISM_RATE_LIMIT_GLOBAL_PER_MINUTE: '0',
  PRISM_RATE_LIMIT_LAUNCHES_PER_MINUTE: '0',
  PRISM_RATE_LIMIT_GLOBAL_LAUNCHES_PER_MINUTE: '0',
  PRISM_RATE_LIMIT_SOCKET_EVENTS_PER_MINUTE: '0',
  PRISM_RATE_LIMIT_FAILED_SIGN_INS_PER_MINUTE: '0'
};

export const VENV_BIN = path.resolve(__dirname, '..', '..', '..', '.venv', 'bin');

/**
 * `options.moto`: an emulator the test started (say, behind a fault proxy named in `env`); stopped with the service.
 * `options.databaseUrl`: PostgreSQL instead of the data folder's SQLite (support/postgres.ts makes one).
 */
export async function startPrism(env: Record<string, string> = {}, options: { moto?: Moto; databaseUrl?: string } = {}): Promise<TestPrism> {
  const moto = options.moto ?? (await startMoto());
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-test-'));
  // The emulated workstation's Jupyter comes from the project's venv, as in the demo.
  process.env.PATH = `${VENV_BIN}${path.delimiter}${process.env.PATH}`;
  const config = parseConfig({
    ...emulatorEnv(moto.endpoint),
    PRISM_PORT: '0',
    PRISM_DATA_DIR: dataDir,
    PRISM_EMULATED_BOOT: '1',
    PRISM_TOKEN: 'test-token-for-prism',
    PRISM_LOG_LEVEL: process.env.PRISM_TEST_LOG_LEVEL ?? 'silent',
    // Tests poll as fast as they like; abuse.test.ts sets the limits it tests.
    ...NO_RATE_LIMITS,
    ...(options.databaseUrl ? { PRISM_DATABASE_URL: options.databaseUrl } : {}),
    ...env
  });
  Object.assign(process.env, emulatorEnv(moto.endpoint));
  const service = await startService(config, createLogger(config.logLevel));
  await service.settled;
  const sockets: PrismClientSocket[] = [];
  return {
    moto,
    service,
    dataDir,
    api(route, init = {}) {
      const { token = service.token, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token) {
        headers.set('Authorization', `Bearer ${token}`);
      }
      if (rest.body && !headers.has('Content-Type')) {
        headers.set('Content-Type', 'application/json');
      }
      return fetch(`${service.url}api/v1${route}`, { ...rest, headers });
    },
    socket({ token = service.token, origin } = {}) {
      const url = new URL(service.url);
      const socket: PrismClientSocket = connect(url.origin, {
        path: `${url.pathname}socket.io`,
        transports: ['websocket'],
        reconnection: false,
        auth: token ? { token } : {},
        extraHeaders: origin ? { Origin: origin } : {}
      });
      sockets.push(socket);
      return socket;
    },
    async stop() {
      sockets.forEach(s => s.disconnect());
      await service.stop(2000);
      await moto.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  };
}

/** A team's users file (PRISM_USERS_FILE) in a temporary folder; returns its path. Roles default to `user`. */
export function writeUsersFile(users: { user: string; token: string; roles?: ('admin' | 'user')[] }[]): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'prism-users-')), 'users.json');
  fs.writeFileSync(file, JSON.stringify(users.map(u => ({ roles: ['user'], ...u }))));
  return file;
}

/** A JSON request as the user holding `token`. */
export function requestAs(prism: TestPrism, token: string, route: string, method = 'GET', body?: unknown): Promise<Response> {
  return prism.api(route, { token, method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}
