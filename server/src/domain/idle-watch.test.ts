/**
 * Idle rules driven by the agent's reports, on a clock the test moves: a
 * workstation is stopped only after an unbroken idle hour, with a warning
 * ten minutes before and its reason in the history.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { IdleEvent } from '../contract/events';
import type { ProjectIdleSetting } from '../contract/projects';
import { SqlProjectStore } from '../store/project-store';
import type { SqlDatabase } from '../store/sql-database';
import { openTestDatabase } from '../store/testing/test-database';
import { SqlWorkstationStore } from '../store/workstation-store';
import type { Activity, IdleSetting } from './idle';
import { IdleWatch, type IdleWatchDeps } from './idle-watch';
import type { Clock, WorkstationRecord } from './ports';
import { ProjectIdleRules } from './project-idle';
import { Projects } from './projects';
import {
  bootedReports,
  defaultCatalog,
  OWNER,
  report,
  request,
  settled,
  silentLogger,
  startDomain,
  StubCatalog,
  stopDomains,
  template,
  type Domain
} from './testing/harness';

class ManualClock implements Clock {
  private t = Date.parse('2025-03-03T09:00:00Z');

  now(): Date {
    return new Date(this.t);
  }

  advanceMinutes(minutes: number): void {
    this.t += minutes * 60_000;
  }
}

const QUIET: Activity = {
  busyKernels: 0,
  kernels: 1,
  terminals: 0,
  sshSessions: 0,
  cpuPercent: 1,
  loadAverage: 0.05,
  runningJobs: 0,
  intervalSeconds: 60
};

let domain: Domain;
let clock: ManualClock;
let idle: IdleWatch;
let id: string;

async function readyWorkstation(idleSetting?: IdleSetting): Promise<void> {
  const catalog = idleSetting === undefined ? defaultCatalog() : new StubCatalog([template({ idle: idleSetting })]);
  domain = startDomain({ catalog });
  await launchReady();
}

let projectDir: string | undefined;
let projectDatabase: SqlDatabase | undefined;

/** Launched in project 'genomics' whose admin set `setting`, with IdleWatch wired to the project as app.ts wires it. */
async function readyInProject(setting: ProjectIdleSetting): Promise<void> {
  projectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-project-idle-'));
  const file = path.join(projectDir, 'prism.sqlite');
  projectDatabase = openTestDatabase(file);
  domain = startDomain({ store: new SqlWorkstationStore(projectDatabase) });
  const projectStore = new SqlProjectStore(projectDatabase);
  const projects = new Projects({ store: projectStore, clock: domain.clock, logger: silentLogger() });
  projects.createProject(OWNER, 'Genomics');
  const rules = new ProjectIdleRules({ projects, store: projectStore, clock: domain.clock, logger: silentLogger() });
  rules.setIdle(OWNER, 'genomics', setting);
  await launchReady(record => rules.overrideFor(record.project), 'genomics');
}

async function launchReady(overrideFor?: IdleWatchDeps['overrideFor'], project?: string): Promise<void> {
  clock = new ManualClock();
  idle = new IdleWatch({ ...domain, clock, logger: silentLogger(), overrideFor });
  id = domain.workstations.launchWorkstation(OWNER, request(project === undefined ? {} : { project })).id;
  await until(() => domain.cloud.instances.size === 1);
  report(domain, id, bootedReports());
  await settled(domain, id);
}

/** One report a minute for `minutes` minutes, as the agent sends them. */
async function reportFor(minutes: number, activity: Activity = QUIET): Promise<void> {
  for (let i = 0; i < minutes; i++) {
    clock.advanceMinutes(1);
    await idle.observe(id, activity);
    await idle.tick();
  }
}

const idleEvents = (): IdleEvent[] => domain.store.events(id).filter((e): e is IdleEvent => e.kind === 'idle');
const record = (): WorkstationRecord => domain.store.get(id) as WorkstationRecord;

async function until(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 1500;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

afterEach(() => {
  stopDomains();
  projectDatabase?.close();
  projectDatabase = undefined;
  if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true });
  projectDir = undefined;
});

describe('idle rules', () => {
  it('never calls a workstation with a busy kernel idle, however long', async () => {
    await readyWorkstation();
    await reportFor(180, { ...QUIET, busyKernels: 1, cpuPercent: 0 });
    expect(idleEvents()).toEqual([]);
    expect(record().state).toBe('running');
  });

  it('warns once, ten minutes before acting, to the owner', async () => {
    await readyWorkstation();
    await reportFor(49);
    expect(idleEvents()).toEqual([]);
    await reportFor(5);
    const warnings = idleEvents().filter(e => e.status === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ action: 'stop', actAt: '2025-03-03T10:00:00.000Z' });
    expect(warnings[0].reason).toContain('stopping in 10 min unless kept running');
    expect(domain.sink.published).toContainEqual({ owner: OWNER, event: warnings[0] });
  });

  it('stops the workstation at 60 idle minutes through the lifecycle, with the reason recorded', async () => {
    await readyWorkstation();
    await reportFor(60);
    expect(record().state).toBe('stopped');
    expect(domain.cloud.callsOf('stopInstance')).toEqual([[record().instanceId, false]]);
    const acted = idleEvents().find(e => e.status === 'acted');
    expect(acted).toMatchObject({ action: 'stop', reason: 'idle 60 min: no busy kernel, no terminal, no SSH, no running job, CPU 1%' });
    const states = domain.store.events(id).flatMap(e => (e.kind === 'state' ? [e.state] : []));
    expect(states.slice(-2)).toEqual(['stopping', 'stopped']);
  });

  it('keeps running for the hours asked, records who asked and why, and warns again after', async () => {
    await readyWorkstation();
    await reportFor(52);
    const kept = idle.keepRunning(OWNER, id, 2, 'training overnight');
    expect(kept).toMatchObject({ status: 'postponed', by: OWNER, reason: 'ada kept it running for 2 h: training overnight' });
    await reportFor(119);
    expect(record().state).toBe('running');
    expect(idleEvents().filter(e => e.status === 'warning')).toHaveLength(1);
    await reportFor(2);
    expect(idleEvents().filter(e => e.status === 'warning')).toHaveLength(2);
    await reportFor(10);
    expect(record().state).toBe('stopped');
  });

  it('starts counting again when the CPU goes above the threshold', async () => {
    await readyWorkstation();
    await reportFor(45);
    await reportFor(1, { ...QUIET, cpuPercent: 40 });
    await reportFor(59);
    expect(record().state).toBe('running');
    await reportFor(1);
    expect(record().state).toBe('stopped');
  });

  it('does not act on silence: a quiet agent is not proof of idleness', async () => {
    await readyWorkstation();
    await reportFor(55);
    clock.advanceMinutes(30);
    await idle.tick();
    expect(record().state).toBe('running');
    // Reports resume: the idle run starts again from here.
    await reportFor(59);
    expect(record().state).toBe('running');
    await reportFor(1);
    expect(record().state).toBe('stopped');
  });

  it('never acts with idle: false', async () => {
    await readyWorkstation(false);
    await reportFor(300);
    expect(idleEvents()).toEqual([]);
    expect(record().state).toBe('running');
  });

  it('follows the template rule: hibernate after 30 minutes, CPU under 20% is quiet', async () => {
    await readyWorkstation({ afterMinutes: 30, action: 'hibernate', cpuPercentBelow: 20 });
    await reportFor(30, { ...QUIET, cpuPercent: 15 });
    expect(record().state).toBe('hibernated');
    expect(idleEvents().find(e => e.status === 'acted')?.action).toBe('hibernate');
  });

  it('refuses keep-running on a stopped workstation, and another owner finds none', async () => {
    await readyWorkstation();
    await domain.workstations.stopWorkstation(OWNER, id);
    expect(() => idle.keepRunning(OWNER, id, 1)).toThrow(expect.objectContaining({ code: 'INVALID_STATE' }));
    expect(() => idle.keepRunning('grace', id, 1)).toThrow(expect.objectContaining({ code: 'WORKSTATION_NOT_FOUND' }));
  });
});

describe('idle rules with a project override', () => {
  it('never acts in a project that turned idle stops off', async () => {
    await readyInProject({ disabled: true });
    await reportFor(300);
    expect(idleEvents()).toEqual([]);
    expect(record().state).toBe('running');
  });

  it("acts sooner in a project with a shorter afterMinutes, keeping the template's other settings", async () => {
    await readyInProject({ afterMinutes: 20 });
    expect(record().project).toBe('genomics');
    await reportFor(19);
    expect(record().state).toBe('running');
    expect(idleEvents().filter(e => e.status === 'warning')).toHaveLength(1);
    await reportFor(1);
    expect(record().state).toBe('stopped');
    expect(idleEvents().find(e => e.status === 'acted')).toMatchObject({ action: 'stop', reason: expect.stringMatching(/^idle 20 min/) });
  });
});
