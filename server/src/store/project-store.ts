/** Projects, members, budgets, policies and project history on the SQL seam (SQLite or PostgreSQL). */
import type { BudgetEvent, ProjectMember, ProjectRole } from '../contract/projects';
import type { IdleSetting } from '../domain/idle';
import type { ProjectIdleStore, StoredProjectIdle } from '../domain/project-idle';
import type { PolicyLimits, ProjectPolicyStore, StoredProjectPolicy } from '../domain/project-policy';
import type { ProjectRecord, ProjectStore, StoredBudget } from '../domain/projects';
import type { SqlDatabase } from './sql-database';

interface ProjectRow {
  id: string;
  name: string;
  description: string;
  created_by: string;
  created_at: string;
}

const toRecord = (row: ProjectRow): ProjectRecord => ({
  id: row.id,
  name: row.name,
  description: row.description,
  createdBy: row.created_by,
  createdAt: row.created_at
});

export class SqlProjectStore implements ProjectStore, ProjectIdleStore, ProjectPolicyStore {
  constructor(private readonly db: SqlDatabase) {}

  createProject(project: ProjectRecord, admin: string): boolean {
    return this.db.transaction(() => {
      const inserted = this.db.run('INSERT INTO projects (id, name, description, created_by, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING', project.id, project.name, project.description, project.createdBy, project.createdAt);
      if (inserted === 0) return false;
      this.setRole(project.id, admin, 'admin');
      return true;
    });
  }

  project(id: string): ProjectRecord | undefined {
    const row = this.db.get('SELECT * FROM projects WHERE id = ?', id) as ProjectRow | undefined;
    return row && toRecord(row);
  }

  members(id: string): ProjectMember[] {
    return this.db.all('SELECT "user", role FROM project_members WHERE project_id = ? ORDER BY "user"', id) as ProjectMember[];
  }

  roleOf(id: string, user: string): ProjectRole | undefined {
    const row = this.db.get('SELECT role FROM project_members WHERE project_id = ? AND "user" = ?', id, user) as
      | { role: ProjectRole }
      | undefined;
    return row?.role;
  }

  setRole(id: string, user: string, role: ProjectRole): void {
    this.db.run('INSERT INTO project_members (project_id, "user", role) VALUES (?, ?, ?) ON CONFLICT (project_id, "user") DO UPDATE SET role = excluded.role', id, user, role);
  }

  removeMember(id: string, user: string): void {
    this.db.run('DELETE FROM project_members WHERE project_id = ? AND "user" = ?', id, user);
  }

  projectsOf(user: string): (ProjectRecord & { role: ProjectRole })[] {
    const rows = this.db.all('SELECT p.*, m.role FROM projects p JOIN project_members m ON m.project_id = p.id WHERE m."user" = ? ORDER BY p.id', user) as (ProjectRow & { role: ProjectRole })[];
    return rows.map(row => ({ ...toRecord(row), role: row.role }));
  }

  allProjects(): ProjectRecord[] {
    return (this.db.all('SELECT * FROM projects ORDER BY id') as ProjectRow[]).map(toRecord);
  }

  budget(id: string): StoredBudget | undefined {
    const row = this.db.get('SELECT * FROM project_budgets WHERE project_id = ?', id) as
      | { monthly_usd: number; hard_stop: number; grace_minutes: number; set_by: string; set_at: string }
      | undefined;
    return (
      row && {
        monthlyUsd: row.monthly_usd,
        hardStop: row.hard_stop === 1,
        graceMinutes: row.grace_minutes,
        setBy: row.set_by,
        setAt: row.set_at
      }
    );
  }

  setBudget(id: string, budget: StoredBudget): void {
    this.db.run(`INSERT INTO project_budgets (project_id, monthly_usd, hard_stop, grace_minutes, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (project_id) DO UPDATE SET monthly_usd = excluded.monthly_usd, hard_stop = excluded.hard_stop,
           grace_minutes = excluded.grace_minutes, set_by = excluded.set_by, set_at = excluded.set_at`, id, budget.monthlyUsd, budget.hardStop ? 1 : 0, budget.graceMinutes, budget.setBy, budget.setAt);
  }

  budgetedProjects(): string[] {
    return (this.db.all('SELECT project_id FROM project_budgets ORDER BY project_id') as { project_id: string }[]).map(r => r.project_id);
  }

  appendEvent(id: string, event: BudgetEvent): void {
    this.db.run('INSERT INTO project_events (project_id, body) VALUES (?, ?)', id, JSON.stringify(event));
  }

  events(id: string): BudgetEvent[] {
    const rows = this.db.all('SELECT body FROM project_events WHERE project_id = ? ORDER BY seq', id) as { body: string }[];
    return rows.map(r => JSON.parse(r.body) as BudgetEvent);
  }

  projectIdle(id: string): StoredProjectIdle | undefined {
    const row = this.db.get('SELECT setting, set_by, set_at FROM project_idle WHERE project_id = ?', id) as
      | { setting: string; set_by: string; set_at: string }
      | undefined;
    return row && { setting: JSON.parse(row.setting) as IdleSetting, setBy: row.set_by, setAt: row.set_at };
  }

  setProjectIdle(id: string, stored: StoredProjectIdle): void {
    this.db.run(`INSERT INTO project_idle (project_id, setting, set_by, set_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (project_id) DO UPDATE SET setting = excluded.setting, set_by = excluded.set_by, set_at = excluded.set_at`, id, JSON.stringify(stored.setting), stored.setBy, stored.setAt);
  }

  projectPolicy(id: string): StoredProjectPolicy | undefined {
    const row = this.db.get('SELECT limits, set_by, set_at FROM project_policy WHERE project_id = ?', id) as
      | { limits: string; set_by: string; set_at: string }
      | undefined;
    return row && { limits: JSON.parse(row.limits) as PolicyLimits, setBy: row.set_by, setAt: row.set_at };
  }

  setProjectPolicy(id: string, stored: StoredProjectPolicy): void {
    this.db.run(`INSERT INTO project_policy (project_id, limits, set_by, set_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (project_id) DO UPDATE SET limits = excluded.limits, set_by = excluded.set_by, set_at = excluded.set_at`, id, JSON.stringify(stored.limits), stored.setBy, stored.setAt);
  }
}
