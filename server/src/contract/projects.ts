/**
 * Projects (team spaces with roles) and their budgets: the REST resources and
 * the `project:budget` socket event. Part of API v1 (docs/api.md).
 */

/** viewer: sees the project's workstations; member: also launches, stops and terminates them; admin: also manages members and the budget. */
export type ProjectRole = 'viewer' | 'member' | 'admin';

export interface ProjectMember {
  user: string;
  role: ProjectRole;
}

/** A project as one caller sees it: `role` is the caller's own. */
export interface Project {
  /** Stable id, made from the name (lower case, digits, dashes); the value of the `prism:project` tag. */
  id: string;
  name: string;
  description: string;
  role: ProjectRole;
  createdBy: string;
  createdAt: string;
}

/** `GET /projects/:id`: the project and everyone in it. */
export interface ProjectDetail extends Project {
  members: ProjectMember[];
}

export interface CreateProjectRequest {
  name: string;
  description?: string;
}

/** What a project admin sets: `PUT /projects/:id/budget`. */
export interface BudgetSetting {
  /** USD per calendar month (UTC). */
  monthlyUsd: number;
  /** At 100 %: refuse new launches and hibernate (else stop) running workstations after `graceMinutes`. */
  hardStop: boolean;
  /** Minutes between the hard-stop warning and hibernation; default 15. */
  graceMinutes?: number;
}

/** The percentages of the budget that notify, once each per month. */
export const BUDGET_THRESHOLDS = [50, 80, 100] as const;

/** `GET /projects/:id/budget`: the setting and this month's figures (the arithmetic of `GET /costs`). */
export interface BudgetStatus {
  project: string;
  monthlyUsd: number;
  hardStop: boolean;
  graceMinutes: number;
  setBy: string;
  setAt: string;
  /** USD spent this month by the project's workstations. */
  spend: number;
  /** USD by the month's end if nothing changes. */
  projectedMonthEnd: number;
  /** spend / monthlyUsd × 100, one decimal. */
  percent: number;
  /** Thresholds (50, 80, 100) the spend has reached this month. */
  thresholdsReached: number[];
  /** Hard stop reached: new launches are refused. */
  exceeded: boolean;
  /** When running workstations are (or were) hibernated by the hard stop; null when none is due. */
  hibernateAt: string | null;
  period: { start: string; end: string; asOf: string };
}

/**
 * An entry of the project's history (`GET /projects/:id/events`), and the
 * socket's `project:budget`: `reached` when spend reached `threshold` % (with
 * `action: "hibernate"` and `actAt` when the hard stop will act), `acted` when
 * the hard stop hibernated or stopped `workstations`.
 */
export interface BudgetEvent {
  kind: 'budget';
  project: string;
  status: 'reached' | 'acted';
  threshold: number;
  percent: number;
  spend: number;
  monthlyUsd: number;
  action?: 'hibernate';
  /** ISO 8601: when the hard stop acts (acted: when it did). */
  actAt?: string;
  /** For `acted`: the workstation ids it hibernated or stopped. */
  workstations?: string[];
  at: string;
}

/**
 * `PUT /projects/:id/idle` (admins): some of the idle rule (docs/idle.md) for
 * the project's workstations, over each template's; `{ disabled: true }` for
 * never; `{}` for the templates' rules as they are.
 */
export type ProjectIdleSetting =
  | { afterMinutes?: number; warnMinutes?: number; action?: 'stop' | 'hibernate'; cpuPercentBelow?: number }
  | { disabled: true };

/** `GET /projects/:id/idle`: the project's override and who set it; `override: null` when none was ever set. */
export interface ProjectIdle {
  project: string;
  override: ProjectIdleSetting | null;
  setBy: string | null;
  setAt: string | null;
}

/**
 * `PUT /projects/:id/policy` (admins): what the project's workstations may be.
 * A limit left out or null is no limit; the PUT replaces the whole policy.
 * `sizes` and `instanceTypes` together list what may run (a size by its
 * template's instance type, or an instance type by name).
 */
export interface ProjectPolicySetting {
  templates?: string[] | null;
  /** Workstations of the project at once; every one not terminated or failed counts, stopped and hibernated included. */
  maxWorkstations?: number | null;
  /** The same, per owner. */
  maxWorkstationsPerMember?: number | null;
  sizes?: string[] | null;
  instanceTypes?: string[] | null;
}

/** `GET /projects/:id/policy`: every limit (null: none), how many workstations count now, and who set it. */
export interface ProjectPolicy {
  project: string;
  templates: string[] | null;
  maxWorkstations: number | null;
  maxWorkstationsPerMember: number | null;
  sizes: string[] | null;
  instanceTypes: string[] | null;
  /** The project's workstations that count against `maxWorkstations` now. */
  workstations: number;
  /** The caller's own among them: what counts against `maxWorkstationsPerMember` for them. */
  yourWorkstations: number;
  setBy: string | null;
  setAt: string | null;
}

/**
 * `GET /admin/projects` (Prism admins): one project as the service's
 * overview has it, counts and names of whom to ask only. It grants no right
 * in the project and shows none of its workstations, notebooks or data.
 */
export interface ProjectOverview {
  id: string;
  name: string;
  createdBy: string;
  createdAt: string;
  /** How many people hold each role. */
  members: { viewers: number; members: number; admins: number };
  /** The project admins' user names: whom to ask about the project. */
  admins: string[];
  /** null when the project has no budget. */
  budget: ProjectOverviewBudget | null;
  workstations: WorkstationCounts;
}

/** A budget's limit and this month's spend (the arithmetic of `GET /projects/:id/budget`). */
export interface ProjectOverviewBudget {
  monthlyUsd: number;
  /** USD spent this month by the project's workstations. */
  spend: number;
  /** spend / monthlyUsd × 100, one decimal. */
  percent: number;
  hardStop: boolean;
  /** ok: under 80 %; near: 80 % or more; over: 100 % or more (with a hard stop, new launches are refused). */
  status: 'ok' | 'near' | 'over';
}

/** How many of a project's workstations are in each state; terminated ones are gone and not counted. */
export interface WorkstationCounts {
  pending: number;
  running: number;
  stopping: number;
  stopped: number;
  hibernated: number;
  failed: number;
  /** Every one above. */
  total: number;
}
