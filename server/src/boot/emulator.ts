/**
 * The boot emulator (DESIGN, "The emulator, honestly"): moto boots no
 * machines, so for each new instance this reads the user data back from the
 * cloud API, as a real instance does, and runs its bootstrap on this machine
 * in a sandbox folder, in dry run. Its reports reach the service by the same
 * path as a real workstation's, and its Jupyter really answers on loopback.
 * Wired in by `service.ts` only when PRISM_EMULATED_BOOT=1.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parse } from 'yaml';
import { BOOTSTRAP_PATH } from '../domain/bootstrap';
import type { Cloud, CloudInstance } from '../domain/ports';
import type { Logger } from '../logger';

export interface BootEmulator {
  /** Runs the instance's bootstrap in its sandbox; resolves once it has started, not finished. */
  boot(instanceId: string, launchId: string): Promise<void>;
  /** Stops the bootstrap and the Jupyter it started (on stop or terminate). */
  halt(launchId: string): Promise<void>;
  /** Halts every workstation this emulator booted. */
  shutdown(): Promise<void>;
}

export interface BootEmulatorOptions {
  cloud: Cloud;
  /** One folder per workstation is made under it. */
  sandboxRoot: string;
  logger: Logger;
  /** Where PATH (to find `jupyter` and `python3`) and AWS settings come from. */
  env?: NodeJS.ProcessEnv;
  /**
   * Where the service listens now. A real workstation reaches a stable
   * PRISM_REPORT_URL; an emulated one must follow a service restarted on another port.
   */
  reportUrl?: () => string | null;
  /**
   * PRISM_REPORT_URL is set: a machine still running keeps reporting there, whichever
   * replica booted it, so it is left running rather than booted again.
   */
  stableReportUrl?: boolean;
}

/** What the sandboxed script may see of the service's environment: never its token; the idle agent's interval, which tests shorten. */
const PASSED_ENV = /^(PATH|LANG|LC_[A-Z]+|TMPDIR|TZ|AWS_[A-Z_]+|PRISM_AWS_ENDPOINT|PRISM_AGENT_INTERVAL_SECONDS)$/;
const HALT_GRACE_MS = 10_000;

export function createBootEmulator({
  cloud,
  sandboxRoot,
  logger,
  env = process.env,
  reportUrl = () => null,
  stableReportUrl = false
}: BootEmulatorOptions): BootEmulator {
  const booted = new Set<string>();

  async function boot(instanceId: string, launchId: string): Promise<void> {
    try {
      const sandbox = sandboxOf(sandboxRoot, launchId);
      if (stableReportUrl && stillRunning(sandbox)) {
        booted.add(launchId);
        logger.info({ launchId, instanceId }, 'emulated machine still running; left as it is');
        return;
      }
      await halt(launchId);
      const script = bootstrapScript(await cloud.readUserData(instanceId));
      const root = path.join(sandbox, 'root');
      const home = path.join(root, 'home', workstationUser(script));
      fs.mkdirSync(home, { recursive: true });
      const scriptPath = path.join(sandbox, 'bootstrap.sh');
      fs.writeFileSync(scriptPath, script, { mode: 0o700 });
      const port = await freeLoopbackPort();
      const output = fs.openSync(path.join(sandbox, 'bootstrap.log'), 'a');
      const child = spawn('bash', [scriptPath], {
        cwd: sandbox,
        detached: true,
        stdio: ['ignore', output, output],
        env: {
          ...Object.fromEntries(Object.entries(env).filter(([name]) => PASSED_ENV.test(name))),
          HOME: home,
          PRISM_DRY_RUN: '1',
          PRISM_ROOT: root,
          PRISM_JUPYTER_PORT: String(port),
          ...(reportUrl() ? { PRISM_REPORT_URL: reportUrl() as string } : {})
        }
      });
      fs.closeSync(output);
      child.unref();
      fs.writeFileSync(path.join(sandbox, 'bootstrap.pid'), String(child.pid));
      booted.add(launchId);
      child.on('exit', code => logger.info({ launchId, code }, 'emulated bootstrap finished'));
      logger.info({ launchId, instanceId, sandbox, jupyterPort: port }, 'emulated bootstrap started');
    } catch (error) {
      logger.error({ err: error, launchId, instanceId }, 'could not start the emulated bootstrap');
      throw error;
    }
  }

  async function halt(launchId: string): Promise<void> {
    const sandbox = sandboxOf(sandboxRoot, launchId);
    // The script leads its own process group, which Jupyter and the idle agent share; once
    // the script has finished its pid no longer names the group, so each is also stopped by its own pid.
    const group = readPid(path.join(sandbox, 'bootstrap.pid'), 'bash');
    const daemons = (['jupyter', 'agent'] as const).map(name => ({
      file: path.join(sandbox, 'root', 'run', `${name}.pid`),
      pid: readPid(path.join(sandbox, 'root', 'run', `${name}.pid`), name === 'agent' ? 'agent.py' : 'jupyter')
    }));
    signal(group === null ? null : -group, 'SIGTERM');
    daemons.forEach(d => signal(d.pid, 'SIGTERM'));
    const deadline = Date.now() + HALT_GRACE_MS;
    while ((alive(group) || daemons.some(d => alive(d.pid))) && Date.now() < deadline) await sleep(100);
    signal(group === null ? null : -group, 'SIGKILL');
    daemons.forEach(d => signal(d.pid, 'SIGKILL'));
    fs.rmSync(path.join(sandbox, 'bootstrap.pid'), { force: true });
    daemons.forEach(d => fs.rmSync(d.file, { force: true }));
    if (booted.delete(launchId)) logger.info({ launchId }, 'emulated workstation halted');
  }

  return {
    boot,
    halt,
    async shutdown() {
      await Promise.all([...booted].map(halt));
    }
  };
}

/**
 * The cloud, with the boot emulator standing in for the machines: a new
 * instance and a started one boot; a stopped or terminated one halts. A
 * machine keeps running while the service restarts, so one found running
 * that this process has not booted yet is booted (its bootstrap is idempotent).
 */
export interface EmulatedCloud extends Cloud {
  /** Boots every running workstation this process has not booted yet (on service start). */
  powerOnRunning(): Promise<number>;
}

export function withEmulatedBoot(cloud: Cloud, emulator: BootEmulator): EmulatedCloud {
  const launchOf = new Map<string, string>();
  const bootInBackground = (instanceId: string, launchId: string): void => {
    launchOf.set(instanceId, launchId);
    // The emulator logs its own failures; the launch then times out in bootstrap, as on AWS.
    emulator.boot(instanceId, launchId).catch(() => undefined);
  };
  const bootOnce = (instance: CloudInstance): void => {
    if (!launchOf.has(instance.instanceId)) bootInBackground(instance.instanceId, instance.launchId);
  };
  const launchIdOf = async (instanceId: string): Promise<string | undefined> =>
    launchOf.get(instanceId) ?? (await cloud.findInstances()).find(i => i.instanceId === instanceId)?.launchId;

  return {
    identity: () => cloud.identity(),
    resolveImage: (source, arch) => cloud.resolveImage(source, arch),
    describeInstanceType: instanceType => cloud.describeInstanceType(instanceType),
    ensureSecurityGroup: () => cloud.ensureSecurityGroup(),
    ensureKeyPair: owner => cloud.ensureKeyPair(owner),
    rotateKeyPair: owner => cloud.rotateKeyPair(owner),
    takePrivateKey: owner => cloud.takePrivateKey(owner),
    changeInstanceType: (instanceId, instanceType) => cloud.changeInstanceType(instanceId, instanceType),
    growRootVolume: (instanceId, sizeGiB) => cloud.growRootVolume(instanceId, sizeGiB),
    findInstances: filter => cloud.findInstances(filter),
    readUserData: instanceId => cloud.readUserData(instanceId),
    ensureWorkstationRole: spec => cloud.ensureWorkstationRole(spec),
    createFileSystem: spec => cloud.createFileSystem(spec),
    ensureMountTargets: fileSystemId => cloud.ensureMountTargets(fileSystemId),
    ensureAccessPoint: spec => cloud.ensureAccessPoint(spec),
    deleteFileSystem: fileSystemId => cloud.deleteFileSystem(fileSystemId),
    removeWorkstationRole: launchId => cloud.removeWorkstationRole(launchId),
    async runInstance(spec) {
      const instance = await cloud.runInstance(spec);
      bootOnce(instance);
      return instance;
    },
    async waitUntilRunning(instanceId) {
      const instance = await cloud.waitUntilRunning(instanceId);
      bootOnce(instance);
      return instance;
    },
    async startInstance(instanceId) {
      await cloud.startInstance(instanceId);
      const launchId = await launchIdOf(instanceId);
      if (launchId) bootInBackground(instanceId, launchId);
    },
    async stopInstance(instanceId, hibernate) {
      await cloud.stopInstance(instanceId, hibernate);
      const launchId = await launchIdOf(instanceId);
      if (launchId) await emulator.halt(launchId);
    },
    async terminateInstance(instanceId) {
      await cloud.terminateInstance(instanceId);
      const launchId = await launchIdOf(instanceId);
      if (launchId) await emulator.halt(launchId);
    },
    async powerOnRunning() {
      const instances = await cloud.findInstances();
      // Stopped or terminated behind the service's back while it was down: that machine is off.
      await Promise.all(instances.filter(i => i.state !== 'running').map(i => emulator.halt(i.launchId)));
      const running = instances.filter(i => i.state === 'running' && !launchOf.has(i.instanceId));
      running.forEach(bootOnce);
      return running.length;
    }
  };
}

/** Its bootstrap or its Jupyter is alive: the machine was booted by another replica, or before a restart. */
function stillRunning(sandbox: string): boolean {
  return readPid(path.join(sandbox, 'bootstrap.pid'), 'bash') !== null || readPid(path.join(sandbox, 'root', 'run', 'jupyter.pid'), 'jupyter') !== null;
}

function sandboxOf(sandboxRoot: string, launchId: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(launchId)) throw new Error(`unsafe launch id for a sandbox folder: ${launchId}`);
  return path.join(sandboxRoot, launchId);
}

/** The bootstrap script out of the cloud-config, as cloud-init's write_files would write it. */
function bootstrapScript(userData: string): string {
  const text = userData.startsWith('#') ? userData : Buffer.from(userData, 'base64').toString('utf8');
  const config = parse(text) as { write_files?: { path?: string; content?: string }[] } | null;
  const file = config?.write_files?.find(entry => entry.path === BOOTSTRAP_PATH);
  if (typeof file?.content !== 'string') throw new Error(`the user data writes no ${BOOTSTRAP_PATH}`);
  return file.content;
}

function workstationUser(script: string): string {
  return /^readonly WORKSTATION_USER='([a-z_][a-z0-9_-]*)'$/m.exec(script)?.[1] ?? 'ec2-user';
}

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A recorded pid, only while it still names our process (pids are reused after a restart). */
function readPid(file: string, command: string): number | null {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(file, 'utf8').trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1) return null;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(command) ? pid : null;
  } catch {
    return alive(pid) ? pid : null;
  }
}

function signal(pid: number | null, name: NodeJS.Signals): void {
  if (pid === null) return;
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

function alive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
