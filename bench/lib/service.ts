/**
 * The real prism-server (the built server/dist) as its own process, as
 * server/test/support/prism-process.ts starts it, but with its pid at hand
 * for /proc and its log in a file rather than on the bench's table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { emulatorEnv, freePort } from '../../server/test/support/moto';

const VENV_BIN = path.resolve(__dirname, '..', '..', '.venv', 'bin');
const SERVER_BIN = path.resolve(__dirname, '..', '..', 'server', 'bin', 'prism-server.js');
/** A `jupyter` that only answers HTTP (see fleet/jupyter). */
const FLEET_BIN = path.resolve(__dirname, '..', 'fleet');
export const BENCH_TOKEN = 'bench-token';

export interface BenchService {
  pid: number;
  url: string;
  dataDir: string;
  api(route: string, init?: RequestInit & { token?: string }): Promise<Response>;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Where the AWS SDK goes: moto, or the fault proxy in front of it. */
  awsEndpoint: string;
  /** Run emulated workstations with the stand-in Jupyter instead of a real one (scale runs). */
  standInJupyter?: boolean;
  /** A data folder to reuse (a seeded one); default: a new empty one. */
  dataDir?: string;
  env?: Record<string, string>;
  /** Node options before the script (`--cpu-prof`, `--heapsnapshot-signal=SIGUSR2`: NODE_OPTIONS refuses them). */
  nodeArgs?: string[];
  /** Another build of prism-server to start (an A/B comparison); default the repository's. */
  serverBin?: string;
}

export async function startService(options: ServiceOptions): Promise<BenchService> {
  const port = await freePort();
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'prism-bench-'));
  const logFile = path.join(dataDir, 'service.log');
  const log = fs.openSync(logFile, 'a');
  const pathDirs = [...(options.standInJupyter ? [FLEET_BIN] : []), VENV_BIN, process.env.PATH ?? ''];
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), options.serverBin ?? SERVER_BIN], {
    env: {
      ...process.env,
      ...emulatorEnv(options.awsEndpoint),
      PATH: pathDirs.join(path.delimiter),
      PRISM_PORT: String(port),
      PRISM_DATA_DIR: dataDir,
      PRISM_EMULATED_BOOT: '1',
      PRISM_TOKEN: BENCH_TOKEN,
      PRISM_LOG_LEVEL: 'warn',
      // The limiter stays in the path (its cost is measured) with limits no benchmark reaches:
      // 100 launches at once from one user is the load asked for, not abuse.
      PRISM_RATE_LIMIT_REQUESTS_PER_MINUTE: '600000',
      PRISM_RATE_LIMIT_BURST: '100000',
      PRISM_RATE_LIMIT_GLOBAL_PER_MINUTE: '6000000',
      PRISM_RATE_LIMIT_GLOBAL_BURST: '1000000',
      PRISM_RATE_LIMIT_LAUNCHES_PER_MINUTE: '100000',
      PRISM_RATE_LIMIT_GLOBAL_LAUNCHES_PER_MINUTE: '1000000',
      // Above the launches any benchmark has in flight: with the default 16, 16 RunInstances each hold
      // a slot while their look-first DescribeInstances waits for one, and the launches stall for good
      // (aws/call-queue.ts with aws/instances.ts lookingFirst; see README, "Found while measuring").
      PRISM_AWS_MAX_CONCURRENCY: '1000',
      // moto is one process on the same loaded cores: with 100 launches calling at once it can take
      // longer than the default 5 s to accept a connection, which fails a launch (AWS does not).
      PRISM_AWS_CONNECT_TIMEOUT_SECONDS: '30',
      ...options.env
    },
    stdio: ['ignore', log, log]
  });
  fs.closeSync(log);
  const url = `http://127.0.0.1:${port}/`;
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));
  const api = (route: string, init: RequestInit & { token?: string } = {}): Promise<Response> => {
    const { token = BENCH_TOKEN, ...rest } = init;
    return fetch(`${url}api/v1${route}`, {
      ...rest,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...rest.headers }
    });
  };
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`prism-server exited at start; see ${logFile}`);
    try {
      if ((await api('/health')).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error(`prism-server did not answer in 60 s; see ${logFile}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  return {
    pid: child.pid as number,
    url,
    dataDir,
    api,
    async stop() {
      if (child.exitCode !== null) return;
      // SIGTERM: the service halts its emulated workstations on the way out.
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
  };
}
