/**
 * prism-server as its own process (the built `server/dist`), so a test can
 * crash it with SIGKILL and start it again on the same data folder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { emulatorEnv, freePort } from './moto';
import { NO_RATE_LIMITS, VENV_BIN } from './prism';

const SERVER_BIN = path.resolve(__dirname, '..', '..', 'bin', 'prism-server.js');
const TOKEN = 'restart-test-token';

export interface PrismProcess {
  url: string;
  /** The service token, for clients other than `api` (the prism CLI). */
  token: string;
  api(route: string, init?: RequestInit): Promise<Response>;
  /** A crash: no shutdown, no drain. */
  kill(): Promise<void>;
  /** SIGTERM, as a process manager stops it; resolves with its exit code once it exited. */
  terminate(): Promise<number | null>;
}

/** `env` is laid over the emulator's environment (say, another user's AWS keys); `undefined` unsets a variable. */
/** `options.logFile`: the service's output (pino's JSON lines) goes there, appended, instead of the test's. */
/** `options.databaseUrl`: PostgreSQL instead of the data folder's SQLite (support/postgres.ts makes one). */
export async function spawnPrism(
  motoEndpoint: string,
  dataDir: string,
  env: Record<string, string | undefined> = {},
  options: { logFile?: string; databaseUrl?: string } = {}
): Promise<PrismProcess> {
  const log = options.logFile === undefined ? 'inherit' : fs.openSync(options.logFile, 'a');
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [SERVER_BIN], {
    env: {
      ...process.env,
      ...emulatorEnv(motoEndpoint),
      PATH: `${VENV_BIN}${path.delimiter}${process.env.PATH}`,
      PRISM_PORT: String(port),
      PRISM_DATA_DIR: dataDir,
      PRISM_EMULATED_BOOT: '1',
      PRISM_TOKEN: TOKEN,
      PRISM_LOG_LEVEL: 'warn',
      // Tests poll as fast as they like; abuse.test.ts sets the limits it tests.
      ...NO_RATE_LIMITS,
      ...(options.databaseUrl ? { PRISM_DATABASE_URL: options.databaseUrl } : {}),
      ...env
    },
    stdio: ['ignore', log, log]
  });
  if (typeof log === 'number') fs.closeSync(log);
  const url = `http://127.0.0.1:${port}/`;
  const exited = new Promise<number | null>(resolve => child.once('exit', code => resolve(code)));
  const api = (route: string, init: RequestInit = {}): Promise<Response> =>
    fetch(`${url}api/v1${route}`, {
      ...init,
      headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', ...init.headers }
    });
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error('prism-server exited at start');
    try {
      if ((await api('/health')).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 150) throw new Error('prism-server did not answer in 30 s');
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  return {
    url,
    token: TOKEN,
    api,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    terminate() {
      child.kill('SIGTERM');
      return exited;
    }
  };
}
