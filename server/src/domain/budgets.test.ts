/**
 * Project budgets on a clock the test moves: two m7g.large ($0.0816/h, 30 GiB
 * gp3 disks at $0.08/GiB-month) run in project "genomics" from the first of
 * the month, so each costs $0.0848877/h; the figures are those of GET /costs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Workstation } from '../contract/api';
import type { BudgetEvent } from '../contract/projects';
import { SqlProjectStore } from '../store/project-store';
import type { SqlDatabase } from '../store/sql-database';
import { openTestDatabase } from '../store/testing/test-database';
import { SqlWorkstationStore } from '../store/workstation-store';
import { Budgets, projectAccess } from './budgets';
import { PrismError } from './errors';
import type { Clock } from './ports';
import { Projects } from './projects';
import { RecordingSink, silentLogger, workstationRecord } from './testing/harness';
import { Timeline } from './timeline';
import { toWorkstation } from './workstations';

const MONTH_START = Date.parse('2026-11-01T00:00:00Z');

class ManualClock implements Clock {
  t = MONTH_START;

  now(): Date {
    return new Date(this.t);
  }

  at(hours: number, minutes = 0): void {
    this.t = MONTH_START + hours * 3_600_000 + minutes * 60_000;
  }
}

let dir: string;
let database: SqlDatabase;
let store: SqlWorkstationStore;
let projectStore: SqlProjectStore;
let clock: ManualClock;
let budgets: Budgets;
let projects: Projects;
let published: BudgetEvent[];
let stopped: { id: string; hibernate: boolean }[];
let timeline: Timeline;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-budgets-'));
  const file = path.join(dir, 'prism.sqlite');
  database = openTestDatabase(file);
  store = new SqlWorkstationStore(database);
  projectStore = new SqlProjectStore(database);
  clock = new ManualClock();
  timeline = new Timeline(store, new RecordingSink(), clock);
  projects = new Projects({ store: projectStore, clock, logger: silentLogger() });
  projects.createProject('ada', 'Genomics');
  projects.setMember('ada', 'genomics', 'bob', 'member');
  const running = { project: 'genomics', instanceType: 'm7g.large', pricePerHour: 0.0816, createdAt: '2026-11-01T00:00:00.000Z' };
  store.insert(workstationRecord({ ...running, id: 'ws-ada', owner: 'ada', instanceId: 'i-ada', hibernation: true }));
  store.insert(workstationRecord({ ...running, id: 'ws-bob', owner: 'bob', instanceId: 'i-bob', hibernation: false }));
  ['ws-ada', 'ws-bob'].forEach(id => store.appendEvent({ kind: 'state', id, state: 'running', at: '2026-11-01T00:00:00.000Z' }));
  published = [];
  stopped = [];
  budgets = new Budgets({
    projects,
    projectStore,
    store,
    // Stands in for Workstations: the cloud call is not what this test is about.
    control: {
      async stopWorkstation(_owner, id, hibernate = false): Promise<Workstation> {
        stopped.push({ id, hibernate });
        return toWorkstation(timeline.state(id, hibernate ? 'hibernated' : 'stopped'));
      }
    },
    timeline,
    sink: { publish: event => published.push(event) },
    clock,
    logger: silentLogger(),
    rootVolumeGiB: () => 30
  });
});

afterEach(() => {
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const thresholds = (): number[] => published.map(e => e.threshold);

describe('budgets', () => {
  it('reaches 50 % of $10 between the 29th and the 30th hour, with the figures of GET /costs', () => {
    budgets.setBudget('ada', 'genomics', { monthlyUsd: 10, hardStop: false });
    clock.at(29);
    // Each: 29 h × $0.0848877 = $2.4617 → $2.46.
    expect(budgets.budgetOf('bob', 'genomics')).toMatchObject({ spend: 4.92, percent: 49.2, thresholdsReached: [], exceeded: false });
    clock.at(30);
    // Each: $2.5466 → $2.55; projected: $2.5466 + 690 h × $0.0848877 = $61.12.
    expect(budgets.budgetOf('bob', 'genomics')).toMatchObject({
      monthlyUsd: 10,
      spend: 5.1,
      percent: 51,
      projectedMonthEnd: 122.24,
      thresholdsReached: [50],
      graceMinutes: 15,
      hibernateAt: null
    });
  });

  it('notifies 50, 80 and 100 % once each, to the project and in its history, and again next month', async () => {
    budgets.setBudget('ada', 'genomics', { monthlyUsd: 10, hardStop: false });
    clock.at(30);
    await budgets.evaluate('genomics');
    await budgets.evaluate('genomics');
    expect(published).toEqual([
      { kind: 'budget', project: 'genomics', status: 'reached', threshold: 50, percent: 51, spend: 5.1, monthlyUsd: 10, at: '2026-11-02T06:00:00.000Z' }
    ]);
    clock.at(47);
    await budgets.evaluate('genomics');
    expect(thresholds()).toEqual([50]);
    clock.at(48);
    await budgets.tick();
    clock.at(59);
    await budgets.tick();
    expect(published.map(e => [e.threshold, e.spend, e.percent])).toEqual([
      [50, 5.1, 51],
      [80, 8.14, 81.4],
      [100, 10.02, 100.2]
    ]);
    // No hard stop: nothing is announced or stopped.
    expect(published[2].action).toBeUndefined();
    expect(stopped).toEqual([]);
    expect(budgets.eventsOf('bob', 'genomics')).toEqual(published);

    // December: its own spend ($0 at first), its own thresholds.
    clock.t = Date.parse('2026-12-02T06:00:00Z');
    await budgets.tick();
    expect(budgets.budgetOf('ada', 'genomics')).toMatchObject({ spend: 5.1, thresholdsReached: [50] });
    expect(thresholds()).toEqual([50, 80, 100, 50]);
  });

  it('with a hard stop, refuses launches at 100 % with the figures and who to ask', () => {
    budgets.setBudget('ada', 'genomics', { monthlyUsd: 10, hardStop: true });
    const access = projectAccess(projects, budgets);
    clock.at(58);
    expect(() => access.admitLaunch('bob', 'genomics')).not.toThrow();
    clock.at(59);
    let refusal: unknown;
    try {
      access.admitLaunch('bob', 'genomics');
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(PrismError);
    expect(refusal).toMatchObject({
      code: 'BUDGET_EXCEEDED',
      status: 402,
      detail: "Project 'genomics' has spent $10.02 of its $10.00 monthly budget (100.2 %); its hard stop refuses new workstations until 2026-12-01.",
      hint: 'Ask a project admin (ada) to raise the budget (prism budget genomics --set USD) or turn off the hard stop (--no-hard-stop).'
    });
    // Raising the budget lifts it at once.
    budgets.setBudget('ada', 'genomics', { monthlyUsd: 20, hardStop: true });
    expect(() => access.admitLaunch('bob', 'genomics')).not.toThrow();
  });

  it('with a hard stop, warns at 100 % and hibernates (else stops) what runs after the grace period', async () => {
    budgets.setBudget('ada', 'genomics', { monthlyUsd: 10, hardStop: true, graceMinutes: 15 });
    clock.at(59);
    await budgets.evaluate('genomics');
    expect(published.at(-1)).toMatchObject({ threshold: 100, action: 'hibernate', actAt: '2026-11-03T11:15:00.000Z' });
    expect(budgets.budgetOf('ada', 'genomics')).toMatchObject({ exceeded: true, hibernateAt: '2026-11-03T11:15:00.000Z' });
    clock.at(59, 14);
    await budgets.tick();
    expect(stopped).toEqual([]);
    clock.at(59, 15);
    await budgets.tick();
    expect(stopped).toEqual([
      { id: 'ws-ada', hibernate: true },
      { id: 'ws-bob', hibernate: false }
    ]);
    expect(published.at(-1)).toMatchObject({ status: 'acted', workstations: ['ws-ada', 'ws-bob'], actAt: '2026-11-03T11:15:00.000Z' });
    // By then each has cost 59.25 h × $0.0848877 = $5.03.
    expect(store.events('ws-bob').at(-1)).toMatchObject({
      kind: 'log',
      line: "Project 'genomics' spent $10.06 of its $10.00 budget; its hard stop stopped it."
    });
    await budgets.tick();
    expect(stopped).toHaveLength(2);
  });

  it('lets only project admins set the budget, and anyone in the project read it', () => {
    projects.setMember('ada', 'genomics', 'carol', 'viewer');
    expect(() => budgets.setBudget('bob', 'genomics', { monthlyUsd: 5, hardStop: true })).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', status: 403, hint: 'Ask a project admin (ada) to make you an admin.' })
    );
    expect(() => budgets.budgetOf('carol', 'genomics')).toThrow(expect.objectContaining({ code: 'BUDGET_NOT_FOUND', status: 404 }));
    budgets.setBudget('ada', 'genomics', { monthlyUsd: 5, hardStop: true });
    expect(budgets.budgetOf('carol', 'genomics')).toMatchObject({ monthlyUsd: 5, hardStop: true, setBy: 'ada' });
    expect(() => budgets.budgetOf('mallory', 'genomics')).toThrow(expect.objectContaining({ code: 'PROJECT_NOT_FOUND', status: 404 }));
  });
});
