/**
 * Projects with several owners: roles decide who sees, launches, stops and
 * manages; a stranger is told the project does not exist.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProjectRole } from '../contract/projects';
import { SqlProjectStore } from '../store/project-store';
import type { SqlDatabase } from '../store/sql-database';
import { openTestDatabase } from '../store/testing/test-database';
import { SqlWorkstationStore } from '../store/workstation-store';
import { Budgets, projectAccess } from './budgets';
import { Projects } from './projects';
import {
  bootedReports,
  network,
  report,
  request,
  settled,
  silentLogger,
  startDomain,
  stopDomains,
  type Domain
} from './testing/harness';
import { Workstations } from './workstations';

let dir: string;
let domain: Domain;
let database: SqlDatabase;
let projectStore: SqlProjectStore;
let projects: Projects;
let workstations: Workstations;
let joined: [string, string, ProjectRole | null][];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-projects-'));
  const file = path.join(dir, 'prism.sqlite');
  database = openTestDatabase(file);
  domain = startDomain({ store: new SqlWorkstationStore(database) });
  projectStore = new SqlProjectStore(database);
  joined = [];
  const logger = silentLogger();
  projects = new Projects({ store: projectStore, clock: domain.clock, logger, onMembershipChange: (...change) => joined.push(change) });
  const budgets = new Budgets({
    projects,
    projectStore,
    store: domain.store,
    control: { stopWorkstation: (owner, id, hibernate) => workstations.stopWorkstation(owner, id, hibernate) },
    timeline: domain.timeline,
    sink: { publish: () => undefined },
    clock: domain.clock,
    logger,
    rootVolumeGiB: () => 30
  });
  workstations = new Workstations({
    store: domain.store,
    cloud: domain.cloud,
    catalog: domain.catalog,
    timeline: domain.timeline,
    runner: domain.runner,
    network,
    clock: domain.clock,
    logger,
    region: 'eu-west-1',
    projects: projectAccess(projects, budgets)
  });
  projects.createProject('ada', 'Genomics Lab', 'Sequencing runs');
  projects.setMember('ada', 'genomics-lab', 'bob', 'member');
  projects.setMember('ada', 'genomics-lab', 'carol', 'viewer');
});

afterEach(() => {
  stopDomains();
  database.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function launchedBy(user: string, name: string): Promise<string> {
  const { id } = workstations.launchWorkstation(user, request({ name, project: 'genomics-lab' }));
  report(domain, id, bootedReports());
  expect((await settled(domain, id)).phase).toBe('ready');
  return id;
}

describe('projects', () => {
  it('makes the creator its admin, and lists it with each caller’s role', () => {
    expect(projects.listProjects('ada')).toEqual([expect.objectContaining({ id: 'genomics-lab', name: 'Genomics Lab', role: 'admin', createdBy: 'ada' })]);
    expect(projects.listProjects('carol')).toEqual([expect.objectContaining({ id: 'genomics-lab', role: 'viewer' })]);
    expect(projects.listProjects('mallory')).toEqual([]);
    expect(projects.getProject('bob', 'genomics-lab').members).toEqual([
      { user: 'ada', role: 'admin' },
      { user: 'bob', role: 'member' },
      { user: 'carol', role: 'viewer' }
    ]);
    expect(joined).toEqual([
      ['genomics-lab', 'ada', 'admin'],
      ['genomics-lab', 'bob', 'member'],
      ['genomics-lab', 'carol', 'viewer']
    ]);
    expect(() => projects.createProject('bob', 'genomics lab')).toThrow(expect.objectContaining({ code: 'PROJECT_EXISTS', status: 409 }));
  });

  it('lets only admins manage members, and keeps the last admin', () => {
    expect(() => projects.setMember('bob', 'genomics-lab', 'dan', 'member')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', status: 403, hint: 'Ask a project admin (ada) to make you an admin.' })
    );
    expect(() => projects.getProject('mallory', 'genomics-lab')).toThrow(expect.objectContaining({ code: 'PROJECT_NOT_FOUND', status: 404 }));
    expect(() => projects.removeMember('ada', 'genomics-lab', 'ada')).toThrow(expect.objectContaining({ code: 'LAST_ADMIN', status: 409 }));
    expect(() => projects.setMember('ada', 'genomics-lab', 'ada', 'member')).toThrow(expect.objectContaining({ code: 'LAST_ADMIN' }));
    projects.setMember('ada', 'genomics-lab', 'bob', 'admin');
    projects.removeMember('bob', 'genomics-lab', 'ada');
    expect(projects.roleOf('ada', 'genomics-lab')).toBeNull();
    expect(joined.at(-1)).toEqual(['genomics-lab', 'ada', null]);
  });

  it('launches in a project for members only, tagged with the project', async () => {
    expect(() => workstations.launchWorkstation('carol', request({ project: 'genomics-lab' }))).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', status: 403, hint: 'Ask a project admin (ada) to make you a member.' })
    );
    expect(() => workstations.launchWorkstation('mallory', request({ project: 'genomics-lab' }))).toThrow(
      expect.objectContaining({ code: 'PROJECT_NOT_FOUND', status: 404 })
    );
    const id = await launchedBy('bob', 'bobs-run');
    expect(workstations.getWorkstation('bob', id).project).toBe('genomics-lab');
    expect([...domain.cloud.instances.values()].find(i => i.launchId === id)?.tags).toMatchObject({
      'prism:project': 'genomics-lab',
      'prism:owner': 'bob'
    });
  });

  it('shows the project’s workstations to everyone in it; members stop them, viewers cannot, strangers see nothing', async () => {
    const id = await launchedBy('bob', 'bobs-run');
    expect(workstations.listWorkstations('carol', 'genomics-lab').map(w => w.id)).toEqual([id]);
    expect(workstations.listWorkstations('carol')).toEqual([]);
    expect(workstations.getWorkstation('carol', id).owner).toBe('bob');
    expect(workstations.canWatch('carol', id)).toBe(true);
    expect(workstations.canWatch('mallory', id)).toBe(false);
    expect(() => workstations.listWorkstations('mallory', 'genomics-lab')).toThrow(expect.objectContaining({ code: 'PROJECT_NOT_FOUND' }));
    expect(() => workstations.getWorkstation('mallory', id)).toThrow(expect.objectContaining({ code: 'WORKSTATION_NOT_FOUND', status: 404 }));
    await expect(workstations.stopWorkstation('carol', id)).rejects.toMatchObject({
      code: 'FORBIDDEN',
      status: 403,
      hint: 'Ask its owner (bob) or a project admin to stop it, or to make you a member.'
    });
    // Keeping it running is an action too, so a viewer may not postpone an idle stop.
    expect(() => workstations.requireControl('carol', id, 'keep running')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN', status: 403 })
    );
    expect(() => workstations.requireControl('mallory', id, 'keep running')).toThrow(
      expect.objectContaining({ code: 'WORKSTATION_NOT_FOUND' })
    );
    // The connection holds the owner's Jupyter token: for the owner only.
    expect(() => workstations.connectionOf('ada', id)).toThrow(expect.objectContaining({ code: 'WORKSTATION_NOT_FOUND' }));

    expect((await workstations.stopWorkstation('ada', id)).state).toBe('stopped');
    expect(domain.store.events(id)).toContainEqual(expect.objectContaining({ kind: 'log', line: 'stop asked by ada (project admin of genomics-lab)' }));
    projects.removeMember('ada', 'genomics-lab', 'carol');
    expect(() => workstations.getWorkstation('carol', id)).toThrow(expect.objectContaining({ code: 'WORKSTATION_NOT_FOUND' }));
  });
});
