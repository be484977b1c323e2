/**
 * The Prism admins' overview of every project: who to ask, the budget's
 * figures and how many workstations are in each state. A Prism admin runs
 * the service for a whole hub, so they see that projects exist and how big
 * they are; nothing here names a workstation, its owner or anything inside.
 */
import type { BudgetStatus, ProjectOverview, ProjectOverviewBudget, WorkstationCounts } from '../contract/projects';
import type { Budgets } from './budgets';
import { PrismError } from './errors';
import type { Caller, WorkstationRecord, WorkstationStore } from './ports';
import type { ProjectRecord, ProjectStore } from './projects';

export interface ProjectOverviewDeps {
  projects: ProjectStore;
  workstations: WorkstationStore;
  budgets: Pick<Budgets, 'figuresOf'>;
}

export class ProjectOverviews {
  constructor(private readonly deps: ProjectOverviewDeps) {}

  /** @throws {PrismError} FORBIDDEN for anyone but a Prism admin. */
  list(caller: Caller): ProjectOverview[] {
    if (!caller.roles.includes('admin')) {
      throw new PrismError(
        'FORBIDDEN',
        403,
        'Admins only',
        'The overview of every project is for the Prism admins who run the service.',
        'Your own projects are at GET /projects (prism projects list).'
      );
    }
    const records = this.deps.workstations.listAll();
    return this.deps.projects.allProjects().map(project => this.overview(project, records.filter(r => r.project === project.id)));
  }

  private overview(project: ProjectRecord, records: WorkstationRecord[]): ProjectOverview {
    const members = this.deps.projects.members(project.id);
    const count = (role: string): number => members.filter(m => m.role === role).length;
    const figures = this.deps.budgets.figuresOf(project.id);
    return {
      id: project.id,
      name: project.name,
      createdBy: project.createdBy,
      createdAt: project.createdAt,
      members: { viewers: count('viewer'), members: count('member'), admins: count('admin') },
      admins: members.filter(m => m.role === 'admin').map(m => m.user),
      budget: figures ? budgetOverview(figures) : null,
      workstations: countByState(records)
    };
  }
}

function budgetOverview(figures: BudgetStatus): ProjectOverviewBudget {
  const status = figures.percent >= 100 ? 'over' : figures.percent >= 80 ? 'near' : 'ok';
  return { monthlyUsd: figures.monthlyUsd, spend: figures.spend, percent: figures.percent, hardStop: figures.hardStop, status };
}

function countByState(records: WorkstationRecord[]): WorkstationCounts {
  const counts: WorkstationCounts = { pending: 0, running: 0, stopping: 0, stopped: 0, hibernated: 0, failed: 0, total: 0 };
  for (const record of records) {
    if (record.state === 'terminated') continue;
    counts[record.state] += 1;
    counts.total += 1;
  }
  return counts;
}
