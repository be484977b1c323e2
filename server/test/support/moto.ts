/**
 * Starts a real moto_server on loopback for integration tests and the demo.
 * Moto validates instance types, images and key pairs here, as AWS does
 * (DESIGN, "The emulator, honestly").
 */
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { EC2Client } from '@aws-sdk/client-ec2';

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const MOTO_SERVER = path.join(REPO_ROOT, '.venv', 'bin', 'moto_server');
const VENV_PYTHON = path.join(REPO_ROOT, '.venv', 'bin', 'python');
/** moto's images plus Ubuntu 24.04 (see moto-amis.py); beside the moto it is made from. */
const AMIS_FILE = path.join(REPO_ROOT, '.venv', 'prism-moto-amis.json');
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

const VALIDATION_ENV = {
  MOTO_EC2_ENABLE_INSTANCE_TYPE_VALIDATION: 'true',
  MOTO_ENABLE_AMI_VALIDATION: 'true',
  MOTO_ENABLE_KEYPAIR_VALIDATION: 'true'
};

/** The environment a Prism service needs to talk to moto at `endpoint` with no AWS account. */
export function emulatorEnv(endpoint: string): Record<string, string> {
  return {
    PRISM_AWS_ENDPOINT: endpoint,
    PRISM_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing'
  };
}

/** An EC2 client on the emulator at `endpoint`, with its test credentials; destroy it when done. */
export function emulatorEc2(endpoint: string): EC2Client {
  return new EC2Client({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
}

/** Writes the image list moto serves (MOTO_AMIS_PATH) and returns its path. */
export function writeMotoImages(): string {
  const result = spawnSync(VENV_PYTHON, [path.join(__dirname, 'moto-amis.py'), AMIS_FILE], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`moto-amis.py failed: ${result.error?.message ?? result.stderr}`);
  return AMIS_FILE;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(MOTO_SERVER, ['-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, ...VALIDATION_ENV, MOTO_AMIS_PATH: writeMotoImages() },
    stdio: ['ignore', 'ignore', 'pipe']
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>(resolve => child.once('exit', () => resolve()));

  try {
    await waitUntilAnswering(endpoint, () => child.exitCode !== null);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`moto_server did not start on ${endpoint}: ${(error as Error).message}\n${stderr}`);
  }

  return {
    endpoint,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(endpoint: string, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new Error('the process exited');
    try {
      const response = await fetch(`${endpoint}/moto-api/`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  throw new Error(`no answer within ${READY_TIMEOUT_MS} ms`);
}
