/**
 * Project budgets: thresholds that notify (50/80/100 %, once each per month)
 * and an optional hard stop that, at 100 %, refuses new launches in the
 * project and, after a warning and a grace period, hibernates (else stops)
 * its running workstations. A scheduler evaluates every budget each minute.
 */
import type { Workstation } from '../contract/api';
import type { BudgetEvent, BudgetSetting, BudgetStatus } from '../contract/projects';
import { armedEvents, budgetStatus } from './budget-status';
import { costReport, type CostPrices } from './costs';
import { notFound, PrismError } from './errors';
import type { Clock, DomainLogger, WorkstationRecord, WorkstationStore } from './ports';
import type { Projects, ProjectStore, StoredBudget } from './projects';
import type { Timeline } from './timeline';
import type { ProjectAccess } from './workstations';

export const DEFAULT_GRACE_MINUTES = 15;

/** The part of Workstations the hard stop uses, so it acts through the ordinary lifecycle. */
export interface WorkstationControl {
  stopWorkstation(owner: string, id: string, hibernate?: boolean): Promise<Workstation>;
}

/** How budget events reach the project's members (the project's socket room). */
export interface BudgetSink {
  publish(event: BudgetEvent): void;
}

export interface BudgetsDeps {
  projects: Projects;
  projectStore: ProjectStore;
  store: WorkstationStore;
  control: WorkstationControl;
  timeline: Timeline;
  sink: BudgetSink;
  clock: Clock;
  logger: DomainLogger;
  rootVolumeGiB: (record: WorkstationRecord) => number;
  /** Storage's price and the prices' date, as GET /costs has them; the shipped table when absent. */
  prices?: CostPrices;
}

export class Budgets {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: BudgetsDeps) {}

  /** Project admins; setting it again starts this month's notifications over. */
  setBudget(user: string, project: string, setting: BudgetSetting): BudgetStatus {
    this.deps.projects.require(user, project, 'admin');
    const budget: StoredBudget = {
      monthlyUsd: setting.monthlyUsd,
      hardStop: setting.hardStop,
      graceMinutes: setting.graceMinutes ?? DEFAULT_GRACE_MINUTES,
      setBy: user,
      setAt: this.deps.clock.now().toISOString()
    };
    this.deps.projectStore.setBudget(project, budget);
    this.deps.logger.info({ project, by: user, ...setting }, 'budget set');
    return this.statusOf(project, budget);
  }

  budgetOf(user: string, project: string): BudgetStatus {
    this.deps.projects.require(user, project, 'viewer');
    const budget = this.deps.projectStore.budget(project);
    if (!budget) {
      throw notFound('budget', project, `Project '${project}' has no budget; a project admin sets one with PUT /projects/${project}/budget (prism budget ${project} --set USD).`);
    }
    return this.statusOf(project, budget);
  }

  /** This month's figures without a role check, for the Prism admins' overview (which checks its caller itself); undefined without a budget. */
  figuresOf(project: string): BudgetStatus | undefined {
    const budget = this.deps.projectStore.budget(project);
    return budget && this.statusOf(project, budget);
  }

  /** The project's history: budget notifications and hard-stop actions, oldest first. */
  eventsOf(user: string, project: string): BudgetEvent[] {
    this.deps.projects.require(user, project, 'viewer');
    return this.deps.projectStore.events(project);
  }

  /** @throws {PrismError} 402 BUDGET_EXCEEDED when the project's hard stop holds. */
  checkLaunch(project: string): void {
    const budget = this.deps.projectStore.budget(project);
    if (!budget?.hardStop) return;
    const status = this.statusOf(project, budget);
    if (!status.exceeded) return;
    throw new PrismError(
      'BUDGET_EXCEEDED',
      402,
      'Project budget exceeded',
      `Project '${project}' has spent $${status.spend.toFixed(2)} of its $${budget.monthlyUsd.toFixed(2)} monthly budget (${status.percent} %); its hard stop refuses new workstations until ${status.period.end.slice(0, 10)}.`,
      `Ask a project admin (${this.deps.projects.admins(project).join(', ')}) to raise the budget (prism budget ${project} --set USD) or turn off the hard stop (--no-hard-stop).`
    );
  }

  /** Notifies thresholds newly reached and, past the hard stop's deadline, hibernates what still runs. */
  async evaluate(project: string): Promise<void> {
    const budget = this.deps.projectStore.budget(project);
    if (!budget) return;
    const status = this.statusOf(project, budget);
    const report = this.report(project);
    const notified = new Set(armedEvents(budget, report, this.deps.projectStore.events(project)).filter(e => e.status === 'reached').map(e => e.threshold));
    for (const threshold of status.thresholdsReached.filter(t => !notified.has(t))) {
      const hardStop = budget.hardStop && threshold === 100;
      this.record(status, {
        status: 'reached',
        threshold,
        ...(hardStop ? { action: 'hibernate' as const, actAt: new Date(this.now() + budget.graceMinutes * 60_000).toISOString() } : {})
      });
    }
    const deadline = this.statusOf(project, budget).hibernateAt;
    if (status.exceeded && deadline && this.now() >= Date.parse(deadline)) {
      await this.hibernateRunning(status);
    }
  }

  async tick(): Promise<void> {
    for (const project of this.deps.projectStore.budgetedProjects()) {
      await this.evaluate(project).catch(error => this.deps.logger.error({ project, err: error }, 'budget check failed'));
    }
  }

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async hibernateRunning(status: BudgetStatus): Promise<void> {
    const running = this.deps.store.listAll().filter(r => r.project === status.project && r.state === 'running' && r.instanceId);
    const done: string[] = [];
    for (const record of running) {
      const reason = `Project '${status.project}' spent $${status.spend.toFixed(2)} of its $${status.monthlyUsd.toFixed(2)} budget; its hard stop`;
      try {
        // Hibernation keeps the researcher's memory; where the workstation cannot, stopping still saves the money.
        await this.deps.control.stopWorkstation(record.owner, record.id, record.hibernation === true);
        this.deps.timeline.log(record.id, `${reason} ${record.hibernation ? 'hibernated' : 'stopped'} it.`);
        done.push(record.id);
      } catch (error) {
        this.deps.logger.warn({ workstation: record.id, project: status.project, err: error }, 'hard stop could not stop a workstation; the next check tries again');
      }
    }
    if (done.length) {
      this.record(status, { status: 'acted', threshold: 100, action: 'hibernate', actAt: new Date(this.now()).toISOString(), workstations: done });
    }
  }

  private record(status: BudgetStatus, event: Pick<BudgetEvent, 'status' | 'threshold' | 'action' | 'actAt' | 'workstations'>): void {
    const full: BudgetEvent = {
      kind: 'budget',
      project: status.project,
      ...event,
      percent: status.percent,
      spend: status.spend,
      monthlyUsd: status.monthlyUsd,
      at: new Date(this.now()).toISOString()
    };
    this.deps.projectStore.appendEvent(status.project, full);
    this.deps.sink.publish(full);
    this.deps.logger.info({ project: status.project, status: event.status, threshold: event.threshold, percent: status.percent }, 'budget event');
  }

  private statusOf(project: string, budget: StoredBudget): BudgetStatus {
    return budgetStatus(project, budget, this.report(project), this.deps.projectStore.events(project));
  }

  private report(project: string) {
    const { store, clock, rootVolumeGiB, prices } = this.deps;
    return costReport(store, store.listAll().filter(r => r.project === project), rootVolumeGiB, clock, prices);
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }
}

/** How Workstations asks projects and budgets: launching needs member and a budget not over its hard stop. */
export function projectAccess(projects: Projects, budgets: Budgets): ProjectAccess {
  return {
    roleOf: (user, project) => projects.roleOf(user, project),
    admitLaunch(user, project) {
      projects.require(user, project, 'member');
      budgets.checkLaunch(project);
    },
    checkBudget: project => budgets.checkLaunch(project)
  };
}
