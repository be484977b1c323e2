/**
 * Who may call each API route: the one table that server/test/access-matrix.test.ts
 * checks against the running service (every route in the Express router stack
 * must have a row) and that docs/access.md prints (the test fails when they differ).
 *
 * The people (the test's users file):
 * - anonymous: no token;
 * - stranger: a user with no part in the objects;
 * - owner: made the workstation and the volume (and is a plain member of the project);
 * - viewer, member, projectAdmin: their roles in the project the objects are in;
 * - admin: a Prism admin (global role), in no project.
 *
 * A cell is the status that role gets. Where the probe is made harmless on
 * purpose (so the test launches once and touches no real AWS settings), a
 * cell `{ allowed, probe }` says the role is allowed (`allowed` is the answer
 * to a real request) and the probe got `probe` after the access check: the
 * row's `probe.why` says how.
 */

export const ROLES = ['anonymous', 'stranger', 'owner', 'viewer', 'member', 'projectAdmin', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_TITLES: Record<Role, string> = {
  anonymous: 'anonymous',
  stranger: 'stranger',
  owner: 'owner',
  viewer: 'project viewer',
  member: 'project member',
  projectAdmin: 'project admin',
  admin: 'Prism admin'
};

/** The objects the routes act on, made by the test before probing. */
export interface Fixture {
  workstation: string;
  project: string;
  volume: string;
  /** A volume of the owner's in the project, made anew before each probe that deletes one. */
  freshVolume: string;
  /** The owner's sync in the project, from a dataset the project registered into \`volume\`. */
  sync: string;
  /** A sync of the owner's in the project, made anew before each probe that deletes one. */
  freshSync: string;
  /** A snapshot of \`workstation\`, taken by its owner. */
  snapshot: string;
  /** A snapshot of \`workstation\`, taken anew by its owner before each probe that deletes one. */
  freshSnapshot: string;
  template: string;
  templateVersion: string;
  catalogTemplate: string;
  /** A notebook the project admin shared in the project, in two versions. */
  notebook: string;
}

export type Cell = number | { allowed: number; probe: number };

export interface Probe {
  /** The request path under /api/v1, query included. */
  path: (f: Fixture, role: Role) => string;
  body?: (f: Fixture, role: Role) => unknown;
  /** The body's media type when it is not JSON; `body` then gives the text sent as it is. */
  contentType?: string;
  /** State the workstation is put in (by its owner) before each role's request. */
  workstation?: 'running' | 'stopped';
  /** Make `freshVolume` before each role's request. */
  freshVolume?: true;
  /** Make `freshSync` before each role's request. */
  freshSync?: true;
  /** Take `freshSnapshot` before each role's request. */
  freshSnapshot?: true;
  /** The owner sets the workstation's snapshot schedule before each role's request. */
  snapshotSchedule?: true;
  /** Why an allowed role's probe gets something else than the real answer. */
  why?: string;
}

export interface MatrixRow {
  /** `METHOD /pattern`, as Express has it. */
  route: string;
  /** When one route has several rows: what differs (shown beside the route). */
  variant?: string;
  probe: Probe;
  cells: Record<Role, Cell>;
}

const signedIn = (status: Cell): Record<Role, Cell> => ({
  anonymous: 401,
  stranger: status,
  owner: status,
  viewer: status,
  member: status,
  projectAdmin: status,
  admin: status
});

const adminsOnly = (status: Cell): Record<Role, Cell> => ({
  anonymous: 401,
  stranger: 403,
  owner: 403,
  viewer: 403,
  member: 403,
  projectAdmin: 403,
  admin: status
});

/** The owner, and anyone in its project, sees it; the rest do not know it exists. */
const seenThroughProject = (status: Cell): Record<Role, Cell> => ({
  anonymous: 401,
  stranger: 404,
  owner: status,
  viewer: status,
  member: status,
  projectAdmin: status,
  admin: 404
});

/** The owner and the project's members and admins act on it; a viewer sees it but may not. */
const controlledThroughProject = (status: Cell): Record<Role, Cell> => ({ ...seenThroughProject(status), viewer: 403 });

/** The owner alone: to everyone else, project or not, it does not exist. */
const ownerOnly = (status: Cell): Record<Role, Cell> => ({
  anonymous: 401,
  stranger: 404,
  owner: status,
  viewer: 404,
  member: 404,
  projectAdmin: 404,
  admin: 404
});

/** The project's admins change it; its other people see it, 403; outsiders 404. */
const projectAdmins = (status: Cell): Record<Role, Cell> => ({
  ...seenThroughProject(403),
  projectAdmin: status
});

/** A template in the matrix test's own templates folder, different for each role. */
const templateYaml = (name: string, role: Role): string =>
  `name: ${name}-${role.toLowerCase()}\ntitle: Matrix ${role}\ndescription: Saved by the access matrix test.\nversion: 1.0.0\ninherits: amazon-linux\n`;

const NO_SUCH_SIZE = 'a size the template does not have (400 SIZE_UNKNOWN), refused after the access check and before anything is recorded or launched';
const NO_SUCH_ORPHAN = 'an instance id no orphan has (404 ORPHAN_NOT_FOUND), after the admin check';
/** The matrix test's catalog bucket; its project registers `templates/` of it as the dataset `matrix-set`. */
const MATRIX_BUCKET = 'prism-matrix-catalog';
const MATRIX_FILE = 'matrix-catalog-tool.yaml';
const READ_ONLY_UPLOAD = 'an upload into `matrix-set`, which is read-only (403 DATASET_READ_ONLY), after the access check, so nothing is written';
const NOBODYS_UPLOAD =
  'an upload id of nobody\'s into the read-only `matrix-set` (403 DATASET_READ_ONLY) after the access check; only whoever started an upload may continue it, to anyone else it is 404 UPLOAD_NOT_FOUND';
const NOT_THIS_VOLUMES_POINT = 'arn:aws:backup:us-east-1:123456789012:recovery-point:not-this-volumes';
const NO_RECOVERY_POINT =
  'a recovery point ARN that is not one of the volume\'s (404 RECOVERY_POINT_NOT_FOUND) after the access check, so no restore starts (moto has no AWS Backup recovery points or restore jobs, docs/decisions.md)';
const NOT_RESTORED =
  'a volume no restore made (404 RESTORE_NOT_FOUND) after the access check: moto has no AWS Backup restore jobs, so no volume is ever made by one (docs/decisions.md)';
/** A notebook as the matrix's people share it. */
export const MATRIX_NOTEBOOK = JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }, null, 1);
const BAD_AWS_BODY = 'an empty body (400 INVALID_REQUEST) after the admin check, so the service keeps its AWS settings';

export const MATRIX: MatrixRow[] = [
  { route: 'GET /health', probe: { path: () => '/health' }, cells: { ...signedIn(200), anonymous: 200 } },
  { route: 'GET /openapi.json', probe: { path: () => '/openapi.json' }, cells: { ...signedIn(200), anonymous: 200 } },
  {
    route: 'POST /boot/:id/reports',
    probe: { path: f => `/boot/${f.workstation}/reports`, body: () => [] },
    // A workstation's boot token, not a person's, opens it; no user token does.
    cells: { ...signedIn(401), anonymous: 401 }
  },
  { route: 'GET /me', probe: { path: () => '/me' }, cells: signedIn(200) },

  { route: 'GET /templates', probe: { path: () => '/templates' }, cells: signedIn(200) },
  {
    route: 'POST /templates/validate',
    probe: { path: () => '/templates/validate', body: () => ({ yaml: 'name: x\n' }) },
    cells: signedIn(200)
  },
  { route: 'GET /templates/:name', probe: { path: f => `/templates/${f.template}` }, cells: signedIn(200) },
  { route: 'GET /templates/:name/versions', probe: { path: f => `/templates/${f.template}/versions` }, cells: signedIn(200) },
  {
    route: 'GET /templates/:name/diff',
    probe: { path: f => `/templates/${f.template}/diff?from=${f.templateVersion}&to=${f.templateVersion}` },
    cells: signedIn(200)
  },
  {
    route: 'PUT /templates/:name/current',
    probe: { path: f => `/templates/${f.template}/current`, body: f => ({ version: f.templateVersion }) },
    cells: adminsOnly(200)
  },
  {
    route: 'POST /templates',
    variant: 'into the library',
    probe: { path: () => '/templates', body: (_f, role) => ({ yaml: templateYaml('matrix-library', role) }) },
    cells: adminsOnly(201)
  },
  {
    route: 'POST /templates',
    variant: 'into a project',
    probe: { path: () => '/templates', body: (f, role) => ({ yaml: templateYaml('matrix-project', role), scope: { project: f.project } }) },
    cells: controlledThroughProject(201)
  },

  { route: 'GET /instances', variant: 'own', probe: { path: () => '/instances' }, cells: signedIn(200) },
  {
    route: 'GET /instances',
    variant: '?project=',
    probe: { path: f => `/instances?project=${f.project}` },
    cells: seenThroughProject(200)
  },
  {
    route: 'POST /instances',
    variant: 'own',
    probe: {
      path: () => '/instances',
      body: () => ({ name: 'probe', template: 'amazon-linux', arch: 'arm64', size: 'no-such-size' }),
      why: NO_SUCH_SIZE
    },
    cells: signedIn({ allowed: 202, probe: 400 })
  },
  {
    route: 'POST /instances',
    variant: 'in a project',
    probe: {
      path: () => '/instances',
      body: f => ({ name: 'probe', template: 'amazon-linux', arch: 'arm64', size: 'no-such-size', project: f.project }),
      why: NO_SUCH_SIZE
    },
    cells: controlledThroughProject({ allowed: 202, probe: 400 })
  },
  { route: 'GET /instances/:id', probe: { path: f => `/instances/${f.workstation}` }, cells: seenThroughProject(200) },
  { route: 'GET /instances/:id/events', probe: { path: f => `/instances/${f.workstation}/events` }, cells: seenThroughProject(200) },
  { route: 'GET /instances/:id/metrics', probe: { path: f => `/instances/${f.workstation}/metrics` }, cells: seenThroughProject(200) },
  {
    route: 'GET /instances/:id/connection',
    // It holds the workstation's Jupyter token: no project role opens it.
    probe: { path: f => `/instances/${f.workstation}/connection`, workstation: 'running' },
    cells: ownerOnly(200)
  },
  {
    route: 'POST /instances/:id/stop',
    probe: { path: f => `/instances/${f.workstation}/stop`, workstation: 'running' },
    cells: controlledThroughProject(200)
  },
  {
    route: 'POST /instances/:id/start',
    probe: { path: f => `/instances/${f.workstation}/start`, workstation: 'stopped' },
    cells: controlledThroughProject(200)
  },
  {
    route: 'POST /instances/:id/hibernate',
    probe: { path: f => `/instances/${f.workstation}/hibernate`, workstation: 'running' },
    cells: controlledThroughProject(200)
  },
  {
    route: 'POST /instances/:id/keep-running',
    probe: { path: f => `/instances/${f.workstation}/keep-running`, body: () => ({ hours: 1 }), workstation: 'running' },
    cells: controlledThroughProject(200)
  },
  {
    route: 'POST /instances/:id/resize',
    probe: {
      path: f => `/instances/${f.workstation}/resize`,
      body: () => ({ instanceType: 'm7i.large' }),
      workstation: 'stopped',
      why: 'an x86_64 type for an arm64 workstation (400 ARCH_MISMATCH) after the access check, so nothing is resized'
    },
    cells: ownerOnly({ allowed: 200, probe: 400 })
  },

  { route: 'POST /keys/rotate', probe: { path: () => '/keys/rotate' }, cells: signedIn(200) },
  {
    route: 'GET /keys/private',
    // Each person's own key, once: the rotation above made one for each.
    probe: { path: () => '/keys/private' },
    cells: signedIn(200)
  },
  { route: 'GET /me/ssh-keys', probe: { path: () => '/me/ssh-keys' }, cells: signedIn(200) },
  {
    route: 'POST /me/ssh-keys',
    probe: {
      path: () => '/me/ssh-keys',
      body: () => ({ publicKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----' }),
      why: 'a private key (422 SSH_KEY_INVALID), refused after sign-in and before anything is kept'
    },
    cells: signedIn({ allowed: 201, probe: 422 })
  },
  {
    route: 'DELETE /me/ssh-keys/:fingerprint',
    probe: { path: () => `/me/ssh-keys/${encodeURIComponent('SHA256:no-such-key')}`, why: 'a fingerprint the caller has no key with (404 SSH_KEY_NOT_FOUND): each person only ever reaches their own keys' },
    cells: signedIn({ allowed: 204, probe: 404 })
  },
  { route: 'GET /users/:user/ssh-keys', probe: { path: () => '/users/someone/ssh-keys' }, cells: adminsOnly(200) },

  { route: 'GET /orphans', probe: { path: () => '/orphans' }, cells: adminsOnly(200) },
  {
    route: 'POST /orphans/:instanceId/adopt',
    probe: { path: () => '/orphans/i-0123456789abcdef0/adopt', why: NO_SUCH_ORPHAN },
    cells: adminsOnly({ allowed: 201, probe: 404 })
  },
  {
    route: 'DELETE /orphans/:instanceId',
    probe: { path: () => '/orphans/i-0123456789abcdef0', why: NO_SUCH_ORPHAN },
    cells: adminsOnly({ allowed: 200, probe: 404 })
  },

  { route: 'GET /costs', probe: { path: () => '/costs' }, cells: signedIn(200) },

  { route: 'GET /projects', probe: { path: () => '/projects' }, cells: signedIn(200) },
  {
    route: 'POST /projects',
    probe: { path: () => '/projects', body: (_f, role) => ({ name: `Probe ${role}` }) },
    cells: signedIn(201)
  },
  { route: 'GET /projects/:id', probe: { path: f => `/projects/${f.project}` }, cells: seenThroughProject(200) },
  { route: 'GET /admin/projects', probe: { path: () => '/admin/projects' }, cells: adminsOnly(200) },
  { route: 'GET /projects/:id/events', probe: { path: f => `/projects/${f.project}/events` }, cells: seenThroughProject(200) },
  {
    route: 'PUT /projects/:id/members/:user',
    probe: { path: f => `/projects/${f.project}/members/newcomer`, body: () => ({ role: 'viewer' }) },
    cells: projectAdmins(200)
  },
  {
    route: 'DELETE /projects/:id/members/:user',
    probe: { path: f => `/projects/${f.project}/members/newcomer` },
    cells: projectAdmins(204)
  },
  { route: 'GET /projects/:id/budget', probe: { path: f => `/projects/${f.project}/budget` }, cells: seenThroughProject(200) },
  {
    route: 'PUT /projects/:id/budget',
    probe: { path: f => `/projects/${f.project}/budget`, body: () => ({ monthlyUsd: 1000, hardStop: false }) },
    cells: projectAdmins(200)
  },
  { route: 'GET /projects/:id/idle', probe: { path: f => `/projects/${f.project}/idle` }, cells: seenThroughProject(200) },
  {
    route: 'PUT /projects/:id/idle',
    probe: { path: f => `/projects/${f.project}/idle`, body: () => ({ afterMinutes: 240 }) },
    cells: projectAdmins(200)
  },
  { route: 'GET /projects/:id/policy', probe: { path: f => `/projects/${f.project}/policy` }, cells: seenThroughProject(200) },
  {
    route: 'PUT /projects/:id/policy',
    probe: { path: f => `/projects/${f.project}/policy`, body: () => ({ maxWorkstationsPerMember: 50 }) },
    cells: projectAdmins(200)
  },
  // The fixture's notebook is the project admin's own, so only the last probe (theirs) unpublishes it; the author's right is in shared-notebooks.test.ts.
  { route: 'GET /projects/:id/notebooks', probe: { path: f => `/projects/${f.project}/notebooks` }, cells: seenThroughProject(200) },
  {
    route: 'POST /projects/:id/notebooks/:name/versions',
    probe: { path: (f, role) => `/projects/${f.project}/notebooks/probe-${role.toLowerCase()}.ipynb/versions`, body: () => MATRIX_NOTEBOOK, contentType: 'application/x-ipynb+json' },
    cells: controlledThroughProject(201)
  },
  { route: 'GET /projects/:id/notebooks/:name/versions', probe: { path: f => `/projects/${f.project}/notebooks/${f.notebook}/versions` }, cells: seenThroughProject(200) },
  { route: 'GET /projects/:id/notebooks/:name/versions/:version', probe: { path: f => `/projects/${f.project}/notebooks/${f.notebook}/versions/1` }, cells: seenThroughProject(200) },
  { route: 'DELETE /projects/:id/notebooks/:name/versions/:version', probe: { path: f => `/projects/${f.project}/notebooks/${f.notebook}/versions/1` }, cells: projectAdmins(204) },
  { route: 'DELETE /projects/:id/notebooks/:name', probe: { path: f => `/projects/${f.project}/notebooks/${f.notebook}` }, cells: projectAdmins(204) },
  // The project admin's probe makes the space (EFS on moto); the next rows find it there.
  { route: 'POST /projects/:id/space', probe: { path: f => `/projects/${f.project}/space` }, cells: projectAdmins(201) },
  { route: 'GET /projects/:id/space', probe: { path: f => `/projects/${f.project}/space` }, cells: seenThroughProject(200) },
  {
    route: 'DELETE /projects/:id/space',
    probe: { path: f => `/projects/${f.project}/space`, why: "a delete while the project's workstation is not terminated (409 PROJECT_SPACE_IN_USE), so the space stays" },
    cells: projectAdmins({ allowed: 204, probe: 409 })
  },

  { route: 'GET /volumes', probe: { path: () => '/volumes' }, cells: signedIn(200) },
  {
    route: 'POST /volumes',
    probe: { path: () => '/volumes', body: (f, role) => ({ name: `probe-${role.toLowerCase()}`, project: f.project }) },
    cells: controlledThroughProject(201)
  },
  { route: 'GET /volumes/:id', probe: { path: f => `/volumes/${f.volume}` }, cells: seenThroughProject(200) },
  {
    route: 'DELETE /volumes/:id',
    probe: { path: f => `/volumes/${f.freshVolume}`, freshVolume: true },
    cells: { ...projectAdmins(204), owner: 204 }
  },

  {
    route: 'POST /instances/:id/datasets',
    // The first to attach gets 202; the same attach again is answered 200, unchanged.
    probe: { path: f => `/instances/${f.workstation}/datasets`, body: f => ({ efs: { volume: f.volume } }), workstation: 'running' },
    cells: { ...controlledThroughProject(200), owner: 202 }
  },
  {
    route: 'DELETE /instances/:id/datasets/:ref',
    probe: {
      path: f => `/instances/${f.workstation}/datasets/nothing-attached`,
      workstation: 'running',
      why: 'a ref nothing is attached as (404 ATTACHMENT_NOT_FOUND), after the access check, so the volume stays attached'
    },
    cells: controlledThroughProject({ allowed: 200, probe: 404 })
  },

  { route: 'GET /syncs', probe: { path: () => '/syncs' }, cells: signedIn(200) },
  {
    route: 'POST /syncs',
    probe: {
      path: () => '/syncs',
      body: f => ({ dataset: 'no-such-dataset', volume: f.volume, folder: 'in', everyMinutes: 60, project: f.project }),
      why: 'a dataset that does not exist (404 DATASET_NOT_FOUND), after the project check, so no sync is made'
    },
    cells: controlledThroughProject({ allowed: 201, probe: 404 })
  },
  { route: 'GET /syncs/:id', probe: { path: f => `/syncs/${f.sync}` }, cells: seenThroughProject(200) },
  { route: 'POST /syncs/:id/run', probe: { path: f => `/syncs/${f.sync}/run` }, cells: controlledThroughProject(202) },
  { route: 'DELETE /syncs/:id', probe: { path: f => `/syncs/${f.freshSync}`, freshSync: true }, cells: controlledThroughProject(204) },

  {
    route: 'POST /instances/:id/snapshots',
    probe: { path: f => `/instances/${f.workstation}/snapshots`, body: (_f, role) => ({ description: `Matrix probe by ${role}` }), workstation: 'running' },
    cells: controlledThroughProject(202)
  },
  {
    route: 'PUT /instances/:id/snapshot-schedule',
    probe: { path: f => `/instances/${f.workstation}/snapshot-schedule`, body: () => ({ everyHours: 24, keep: 3 }) },
    cells: controlledThroughProject(200)
  },
  {
    route: 'GET /instances/:id/snapshot-schedule',
    probe: { path: f => `/instances/${f.workstation}/snapshot-schedule`, snapshotSchedule: true },
    cells: seenThroughProject(200)
  },
  {
    route: 'DELETE /instances/:id/snapshot-schedule',
    probe: { path: f => `/instances/${f.workstation}/snapshot-schedule`, snapshotSchedule: true },
    cells: controlledThroughProject(204)
  },
  { route: 'GET /snapshots', probe: { path: () => '/snapshots' }, cells: signedIn(200) },
  { route: 'GET /snapshots/:id', probe: { path: f => `/snapshots/${f.snapshot}` }, cells: seenThroughProject(200) },
  { route: 'POST /snapshots/:id/restore', probe: { path: f => `/snapshots/${f.snapshot}/restore` }, cells: controlledThroughProject(201) },
  {
    route: 'DELETE /snapshots/:id',
    probe: { path: f => `/snapshots/${f.freshSnapshot}`, freshSnapshot: true, workstation: 'running' },
    cells: { ...projectAdmins(204), owner: 204 }
  },
  // moto answers with EFS's own backup policy in place and no recovery points to list: the list is empty, with a note.
  { route: 'GET /volumes/:id/recovery-points', probe: { path: f => `/volumes/${f.volume}/recovery-points` }, cells: seenThroughProject(200) },
  {
    route: 'POST /volumes/:id/restore',
    probe: { path: f => `/volumes/${f.volume}/restore`, body: () => ({ recoveryPoint: NOT_THIS_VOLUMES_POINT }), why: NO_RECOVERY_POINT },
    cells: controlledThroughProject({ allowed: 202, probe: 404 })
  },
  { route: 'GET /volumes/:id/restore', probe: { path: f => `/volumes/${f.volume}/restore`, why: NOT_RESTORED }, cells: seenThroughProject({ allowed: 200, probe: 404 }) },

  // Each person's report holds only what they may see; a cleanup answers 200 with one outcome per item, `refused` for what is not theirs to delete.
  { route: 'GET /storage', probe: { path: () => '/storage' }, cells: signedIn(200) },
  {
    route: 'POST /storage/cleanup',
    probe: { path: () => '/storage/cleanup', body: f => ({ items: [{ kind: 'volume', id: f.freshVolume }] }), freshVolume: true },
    cells: signedIn(200)
  },

  { route: 'GET /datasets', probe: { path: () => '/datasets' }, cells: signedIn(200) },
  {
    route: 'POST /datasets',
    variant: 'for everyone',
    probe: { path: () => '/datasets', body: (_f, role) => ({ name: `probe-${role.toLowerCase()}`, bucket: MATRIX_BUCKET }) },
    cells: adminsOnly(201)
  },
  {
    route: 'POST /datasets',
    variant: 'for the project',
    probe: { path: () => '/datasets', body: (f, role) => ({ name: `probe-${role.toLowerCase()}`, bucket: MATRIX_BUCKET, prefix: 'templates/', project: f.project }) },
    cells: projectAdmins(201)
  },
  { route: 'GET /datasets/:name', probe: { path: () => '/datasets/matrix-set' }, cells: seenThroughProject(200) },
  { route: 'GET /datasets/:name/objects', probe: { path: () => '/datasets/matrix-set/objects' }, cells: seenThroughProject(200) },
  { route: 'GET /datasets/:name/preview', probe: { path: () => `/datasets/matrix-set/preview?path=${MATRIX_FILE}` }, cells: seenThroughProject(200) },
  { route: 'GET /datasets/:name/download', probe: { path: () => `/datasets/matrix-set/download?path=${MATRIX_FILE}` }, cells: seenThroughProject(200) },
  {
    route: 'POST /datasets/:name/uploads',
    probe: { path: () => '/datasets/matrix-set/uploads', body: () => ({ path: 'probe.txt', size: 5 }), why: READ_ONLY_UPLOAD },
    cells: controlledThroughProject({ allowed: 201, probe: 403 })
  },
  {
    route: 'PUT /datasets/:name/uploads/:id/parts/:n',
    probe: { path: () => '/datasets/matrix-set/uploads/up-nobody/parts/1', body: () => ({}), why: NOBODYS_UPLOAD },
    cells: controlledThroughProject({ allowed: 200, probe: 403 })
  },
  {
    route: 'POST /datasets/:name/uploads/:id/complete',
    probe: { path: () => '/datasets/matrix-set/uploads/up-nobody/complete', why: NOBODYS_UPLOAD },
    cells: controlledThroughProject({ allowed: 200, probe: 403 })
  },
  {
    route: 'DELETE /datasets/:name/uploads/:id',
    probe: { path: () => '/datasets/matrix-set/uploads/up-nobody', why: NOBODYS_UPLOAD },
    cells: controlledThroughProject({ allowed: 204, probe: 403 })
  },

  { route: 'GET /catalog/templates', probe: { path: () => '/catalog/templates' }, cells: signedIn(200) },
  { route: 'PUT /catalog/allowed/:name', probe: { path: f => `/catalog/allowed/${f.catalogTemplate}` }, cells: adminsOnly(200) },
  {
    route: 'POST /catalog/templates/:name/install',
    probe: { path: f => `/catalog/templates/${f.catalogTemplate}/install` },
    cells: adminsOnly(201)
  },
  { route: 'DELETE /catalog/allowed/:name', probe: { path: f => `/catalog/allowed/${f.catalogTemplate}` }, cells: adminsOnly(200) },
  { route: 'GET /catalog/templates/:name/reviews', probe: { path: f => `/catalog/templates/${f.catalogTemplate}/reviews` }, cells: signedIn(200) },
  {
    route: 'POST /catalog/templates/:name/reviews',
    probe: { path: f => `/catalog/templates/${f.catalogTemplate}/reviews`, body: () => ({ rating: 4, text: 'Probe.' }) },
    cells: signedIn(201)
  },

  { route: 'GET /aws/profiles', probe: { path: () => '/aws/profiles' }, cells: adminsOnly(200) },
  { route: 'POST /aws/profiles', probe: { path: () => '/aws/profiles', body: () => ({}), why: BAD_AWS_BODY }, cells: adminsOnly({ allowed: 201, probe: 400 }) },
  {
    route: 'POST /aws/profiles/validate',
    probe: { path: () => '/aws/profiles/validate', body: () => ({}), why: BAD_AWS_BODY },
    cells: adminsOnly({ allowed: 200, probe: 400 })
  },
  { route: 'PUT /aws/settings', probe: { path: () => '/aws/settings', body: () => ({}), why: BAD_AWS_BODY }, cells: adminsOnly({ allowed: 200, probe: 400 }) },

  { route: 'GET /audit', probe: { path: () => '/audit' }, cells: adminsOnly(200) },
  { route: 'GET /audit.csv', probe: { path: () => '/audit.csv' }, cells: adminsOnly(200) },

  // After every row that uses matrix-set; its project's admin is probed last.
  { route: 'DELETE /datasets/:name', probe: { path: () => '/datasets/matrix-set' }, cells: projectAdmins(204) },

  // Last: it ends the workstation every row above used.
  {
    route: 'DELETE /instances/:id',
    probe: { path: f => `/instances/${f.workstation}` },
    cells: controlledThroughProject(200)
  }
];

/**
 * The socket (same token as REST). `instance:watch` is answered by its ack:
 * 200 for `{ data }`, the problem's status for `{ error }`, 401 when the
 * connection itself is refused. The pushed events (`instance:progress`, `log`,
 * `state`, `idle-warning`, `metrics`) go to the owner's room and the
 * project's: `yes` for those who receive the workstation's events.
 */
export interface SocketRow {
  event: string;
  what: string;
  cells: Record<Role, number | 'yes' | 'no'>;
}

export const SOCKET_MATRIX: SocketRow[] = [
  { event: 'instance:watch', what: 'ask to follow the workstation', cells: seenThroughProject(200) as Record<Role, number> },
  {
    event: 'instance:state',
    what: 'the workstation\'s pushed events (its stops, starts and end in the test)',
    cells: { anonymous: 'no', stranger: 'no', owner: 'yes', viewer: 'yes', member: 'yes', projectAdmin: 'yes', admin: 'no' }
  }
];

export const rowTitle = (row: MatrixRow): string => `\`${row.route}\`${row.variant ? ` (${row.variant})` : ''}`;

const cellText = (cell: Cell): string => (typeof cell === 'number' ? String(cell) : `${cell.allowed}*`);

/** The table docs/access.md holds between its markers, made from MATRIX. */
export function accessTable(rows: MatrixRow[] = MATRIX): string {
  const header = `| route | ${ROLES.map(r => ROLE_TITLES[r]).join(' | ')} |`;
  const rule = `|---|${ROLES.map(() => '---').join('|')}|`;
  const lines = rows.map(row => `| ${rowTitle(row)} | ${ROLES.map(r => cellText(row.cells[r])).join(' | ')} |`);
  const probes = rows
    .filter(row => row.probe.why)
    .map(row => `- ${rowTitle(row)}: the test sends ${row.probe.why}.`);
  const socketHeader = `| socket event | ${ROLES.map(r => ROLE_TITLES[r]).join(' | ')} |`;
  const socketLines = SOCKET_MATRIX.map(row => `| \`${row.event}\` (${row.what}) | ${ROLES.map(r => String(row.cells[r])).join(' | ')} |`);
  return [
    header,
    rule,
    ...lines,
    '',
    '\\* allowed; the test\'s request is made harmless and answers otherwise after the access check:',
    '',
    ...probes,
    '',
    socketHeader,
    rule,
    ...socketLines
  ].join('\n');
}

export const DOC_BEGIN = '<!-- access-matrix:begin (made from server/test/support/access-matrix.ts) -->';
export const DOC_END = '<!-- access-matrix:end -->';
