/**
 * The domain wired for unit tests: the real workstation store on SQLite in memory, the real
 * Timeline, LaunchRunner and Workstations, the FakeCloud, and small stubs
 * for the other ports. Nothing here listens or touches AWS.
 */
import type { LaunchRequest } from '../../contract/api';
import type { LaunchPhase, ProgressEvent, WorkstationEvent } from '../../contract/events';
import { openTestDatabase } from '../../store/testing/test-database';
import { SqlWorkstationStore } from '../../store/workstation-store';
import { LaunchRunner, type LaunchDeps, type LaunchSettings } from '../launch';
import type {
  BootReport,
  BootReportInbox,
  Clock,
  DomainLogger,
  EventSink,
  HealthProbe,
  TemplateCatalog,
  WorkstationNetwork,
  WorkstationRecord
} from '../ports';
import type { Template } from '../template';
import { Timeline } from '../timeline';
import { Workstations } from '../workstations';
import { FakeCloud } from './fake-cloud';

export function template(overrides: Partial<Template> = {}): Template {
  return {
    name: 'python-ml',
    title: 'Python for machine learning',
    description: 'Jupyter with the scientific Python stack',
    version: '1.2.0',
    arches: ['arm64', 'x86_64'],
    image: {
      arm64: { ssmParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64' },
      x86_64: { ssmParameter: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64' }
    },
    sizes: {
      small: { arm64: 't4g.medium', x86_64: 't3.medium' },
      large: { arm64: 'm7g.2xlarge', x86_64: 'm7i.2xlarge' },
      compute: { arm64: 'c7g.4xlarge' }
    },
    defaultSize: 'small',
    packages: { system: ['git'], conda: ['numpy'], pip: ['jupyterlab'] },
    archPackages: {},
    condaChannels: ['conda-forge'],
    services: [{ name: 'jupyter', port: 8888, healthPath: '/api' }],
    user: 'ec2-user',
    rootVolumeGiB: 40,
    source: { file: 'python-ml.yaml' },
    ...overrides
  };
}

export class StubCatalog implements TemplateCatalog {
  constructor(private readonly templates: Template[]) {}

  list(): Template[] {
    return this.templates;
  }

  get(name: string, version?: string): Template | undefined {
    const versions = this.templates.filter(t => t.name === name);
    return version === undefined ? versions[versions.length - 1] : versions.find(t => t.version === version);
  }

  validate(): [] {
    return [];
  }
}

export const defaultCatalog = (): StubCatalog =>
  new StubCatalog([
    template(),
    template({ name: 'r-rstudio', title: 'R and RStudio', arches: ['x86_64'], sizes: { small: { x86_64: 't3.large' } } })
  ]);

/** Records what the domain publishes, as the socket.io rooms would receive it. */
export class RecordingSink implements EventSink {
  readonly published: { owner: string; event: WorkstationEvent }[] = [];

  publish(owner: string, event: WorkstationEvent): void {
    this.published.push({ owner, event });
  }
}

/** A clock that moves one second each time it is read, so phases take time. */
export class TickingClock implements Clock {
  private t = Date.parse('2025-03-01T09:00:00Z');

  now(): Date {
    this.t += 1000;
    return new Date(this.t);
  }
}

export class StubProbe implements HealthProbe {
  readonly urls: string[] = [];
  /** How many checks fail before the service answers. */
  failuresLeft = 0;

  async check(url: string): Promise<boolean> {
    this.urls.push(url);
    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      return false;
    }
    return true;
  }
}

export const silentLogger = (): DomainLogger => ({ info: () => undefined, warn: () => undefined, error: () => undefined });

export const network: WorkstationNetwork = { addressOf: instance => instance.privateIp };

export const testSettings = (overrides: Partial<LaunchSettings> = {}): LaunchSettings => ({
  region: 'eu-west-1',
  reportUrl: () => 'http://prism.test/',
  reportBucket: async () => 'prism-123456789012-eu-west-1',
  bootTimeoutSeconds: 5,
  healthTimeoutSeconds: 2,
  reportPollSeconds: 0.05,
  ...overrides
});

export const OWNER = 'ada';

export const request = (overrides: Partial<LaunchRequest> = {}): LaunchRequest => ({
  name: 'thesis-analysis',
  template: 'python-ml',
  arch: 'arm64',
  ...overrides
});

/** The reports a healthy bootstrap sends: two steps, a log line, ready. */
export const bootedReports = (jupyterPort = 8888): BootReport[] => [
  { seq: 1, type: 'step', step: 'packages', index: 1, total: 2, message: 'Installing packages' },
  { seq: 2, type: 'log', line: 'Installed numpy' },
  { seq: 3, type: 'step', step: 'jupyter', index: 2, total: 2, message: 'Starting Jupyter' },
  { seq: 4, type: 'ready', services: [{ name: 'jupyter', port: jupyterPort }] }
];

export interface Domain {
  store: SqlWorkstationStore;
  cloud: FakeCloud;
  catalog: StubCatalog;
  sink: RecordingSink;
  clock: TickingClock;
  probe: StubProbe;
  timeline: Timeline;
  runner: LaunchRunner;
  workstations: Workstations;
}

/**
 * A Prism service process. Pass the `store` and `cloud` of an earlier one to
 * model a restart: new runner and timeline, same durable state, same cloud.
 */
export function startDomain(
  options: {
    store?: SqlWorkstationStore;
    cloud?: FakeCloud;
    catalog?: StubCatalog;
    settings?: Partial<LaunchSettings>;
    inbox?: BootReportInbox;
    onActivity?: LaunchDeps['onActivity'];
  } = {}
): Domain {
  const store = options.store ?? new SqlWorkstationStore(openTestDatabase(':memory:'));
  const cloud = options.cloud ?? new FakeCloud();
  const catalog = options.catalog ?? defaultCatalog();
  const sink = new RecordingSink();
  const clock = new TickingClock();
  const probe = new StubProbe();
  const logger = silentLogger();
  const timeline = new Timeline(store, sink, clock);
  const runner = new LaunchRunner({
    store,
    cloud,
    catalog,
    timeline,
    network,
    probe,
    inbox: options.inbox ?? null,
    onActivity: options.onActivity,
    logger,
    settings: testSettings(options.settings)
  });
  const workstations = new Workstations({
    store,
    cloud,
    catalog,
    timeline,
    runner,
    network,
    clock,
    logger,
    region: 'eu-west-1'
  });
  const domain = { store, cloud, catalog, sink, clock, probe, timeline, runner, workstations };
  started.push(domain);
  return domain;
}

const started: Domain[] = [];

/** Cancels the launches a test left running (their boot timers would outlive it); for `afterEach`. */
export function stopDomains(): void {
  for (const domain of started.splice(0)) {
    domain.store.listUnfinished().forEach(record => domain.runner.cancel(record.id));
  }
}

/** Reports as the booting workstation sends them, signed with its launch's token. */
export function report(domain: Domain, id: string, reports: BootReport[]): number {
  const record = domain.store.get(id) as WorkstationRecord;
  return domain.runner.acceptBootReports(id, record.bootToken, reports);
}

/** Waits (briefly) until `predicate` holds of the record. */
export async function until(
  domain: Domain,
  id: string,
  predicate: (record: WorkstationRecord) => boolean,
  timeoutMs = 1500
): Promise<WorkstationRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = domain.store.get(id) as WorkstationRecord;
    if (predicate(record)) {
      return record;
    }
    if (Date.now() > deadline) {
      throw new Error(`workstation ${id} stayed ${record.state}/${record.phase}`);
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

/** Waits until the launch settled (ready or failed) and its runner let go of it. */
export async function settled(domain: Domain, id: string): Promise<WorkstationRecord> {
  await until(domain, id, r => r.phase === 'ready' || r.phase === 'failed');
  const deadline = Date.now() + 1500;
  while (domain.runner.isLaunching(id) && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 5));
  }
  return domain.store.get(id) as WorkstationRecord;
}

export function progressOf(domain: Domain, id: string): ProgressEvent[] {
  return domain.store.events(id).filter((e): e is ProgressEvent => e.kind === 'progress' && e.id === id);
}

/** The phases a launch went through, each once, in the order it entered them. */
export function phasesOf(domain: Domain, id: string): LaunchPhase[] {
  return progressOf(domain, id)
    .map(e => e.phase)
    .filter((phase, i, all) => i === 0 || all[i - 1] !== phase);
}

/** Launches and drives the workstation to ready. */
export async function launchReady(domain: Domain, overrides: Partial<LaunchRequest> = {}, jupyterPort = 8888): Promise<WorkstationRecord> {
  const { id } = domain.workstations.launchWorkstation(OWNER, request(overrides));
  report(domain, id, bootedReports(jupyterPort));
  const record = await settled(domain, id);
  if (record.phase !== 'ready') {
    throw new Error(`launch failed: ${JSON.stringify(record.error)}`);
  }
  return record;
}

/** A stored workstation, for tests that start from a given state rather than a launch. */
export function workstationRecord(overrides: Partial<WorkstationRecord> = {}): WorkstationRecord {
  return {
    id: 'ws-00000000-0000-4000-8000-000000000001',
    name: 'thesis-analysis',
    owner: OWNER,
    project: null,
    template: 'python-ml',
    templateVersion: '1.2.0',
    arch: 'arm64',
    size: 'small',
    instanceType: 't4g.medium',
    state: 'running',
    phase: 'ready',
    percent: 100,
    instanceId: null,
    imageId: 'ami-arm64',
    pricePerHour: null,
    datasets: [],
    createdAt: '2025-03-01T09:00:00.000Z',
    updatedAt: '2025-03-01T09:05:00.000Z',
    error: null,
    bootToken: 'boot-token',
    jupyterToken: 'jupyter-token',
    lastReportSeq: 0,
    servicePorts: {},
    keyPath: null,
    address: null,
    ...overrides
  };
}
