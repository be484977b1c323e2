/**
 * What each API v1 route takes and answers, keyed by the route as Express has
 * it (`METHOD /path/:param`). Request schemas are the zod schemas the routes
 * parse with; answers name types of server/src/contract (their JSON Schema is
 * generated from the TypeScript: `npm run build:contract-schemas`).
 * server/test/openapi.test.ts fails when a mounted route has no entry here.
 */
import { z } from 'zod';
import { AttachSchema } from '../routes/attachments';
import { AuditQuerySchema } from '../routes/audit';
import { ChoiceSchema, NewProfileSchema } from '../routes/aws-setup';
import { BodySchema as BootReportsSchema } from '../routes/boot-reports';
import { BudgetSchema } from '../routes/budgets';
import { ListQuerySchema as CatalogQuerySchema, ReviewRequestSchema } from '../routes/catalog';
import { ListQuerySchema as ObjectsQuerySchema, PathQuerySchema, RegisterSchema, StartUploadSchema } from '../routes/datasets';
import { LaunchRequestSchema } from '../routes/instances';
import { KeepRunningSchema } from '../routes/keep-running';
import { ResizeRequestSchema } from '../routes/lifecycle';
import { QuerySchema as MetricsQuerySchema } from '../routes/metrics';
import { IdleSettingSchema } from '../routes/project-idle';
import { ProjectPolicySchema } from '../routes/project-policy';
import { CreateProjectSchema, MemberSchema } from '../routes/projects';
import { NOTEBOOK_MEDIA_TYPE, PublishQuerySchema } from '../routes/shared-notebooks';
import { AddSshKeySchema } from '../routes/team-keys';
import { ScheduleSchema, SnapshotRequestSchema, VolumeRestoreSchema } from '../routes/snapshots';
import { CleanupSchema } from '../routes/storage';
import { CreateSyncSchema } from '../routes/syncs';
import { SaveTemplateSchema } from '../routes/template-authoring';
import { DiffQuerySchema, SetCurrentSchema, ValidateRequestSchema } from '../routes/templates';
import { CreateVolumeSchema } from '../routes/volumes';

/** A JSON Schema; `{ $ref: 'Name' }` names a contract type. */
export type Schema = Record<string, unknown>;

/** An answer's body: a JSON schema, or another media type with its schema. */
export type Answer = Schema | { media: string; schema: Schema } | null;

export interface Operation {
  summary: string;
  tag: string;
  /** No caller needed (the boot reports carry a workstation's own token instead). */
  open?: true;
  query?: z.ZodObject;
  /** Query parameters the route reads without a zod schema. */
  queryParams?: string[];
  body?: z.ZodType;
  /** Other body media types the route takes, beside application/json. */
  bodyMedia?: Record<string, Schema>;
  /** Success statuses and their bodies (null: none). */
  answers: Record<number, Answer>;
  /** Error statuses beyond those every route can give (docs/api.md, "Errors"). */
  errors?: number[];
}

export const ref = (name: string): Schema => ({ $ref: name });
const list = (name: string): Schema => ({ type: 'array', items: ref(name) });
const object = (properties: Record<string, Schema>, required = Object.keys(properties)): Schema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false
});
const diagnostic: Schema = {
  type: 'object',
  required: ['line', 'message'],
  properties: { line: { type: 'integer' }, column: { type: 'integer' }, message: { type: 'string' }, hint: { type: 'string' } }
};

/** Statuses a cloud call can end in: AWS refused (403), failed (502) or has no capacity (503). */
const CLOUD = [403, 409, 502, 503];
/** A body that names a project can name one the caller is not in (404). */
const IN_PROJECT = [...CLOUD, 404];

export const OPERATIONS: Record<string, Operation> = {
  'GET /health': { summary: 'Service and cloud health', tag: 'service', open: true, answers: { 200: ref('Health') } },
  'GET /openapi.json': { summary: 'This document', tag: 'service', open: true, answers: { 200: { type: 'object', required: ['openapi', 'paths'] } } },
  'POST /boot/:id/reports': {
    summary: "A workstation's boot reports (its boot token, not a person's)",
    tag: 'service',
    open: true,
    body: BootReportsSchema,
    answers: { 200: { type: 'object', required: ['accepted'], properties: { accepted: { type: 'integer' }, desired: { type: 'object' } } } },
    errors: [401]
  },
  'GET /me': { summary: 'The caller', tag: 'service', answers: { 200: ref('Me') } },

  'GET /templates': { summary: 'Templates the caller can launch', tag: 'templates', answers: { 200: list('TemplateSummary') } },
  'POST /templates': {
    summary: 'Save a template version (library: admins; a project: its members)',
    tag: 'templates',
    body: SaveTemplateSchema,
    answers: { 201: ref('TemplateSummary') },
    errors: [403, 404, 409, 422]
  },
  'POST /templates/validate': {
    summary: 'Check a template without saving it',
    tag: 'templates',
    body: ValidateRequestSchema,
    bodyMedia: { 'text/plain': { type: 'string' }, 'application/yaml': { type: 'string' } },
    answers: { 200: object({ valid: { type: 'boolean' }, diagnostics: { type: 'array', items: diagnostic } }) }
  },
  'GET /templates/:name': {
    summary: 'A template, resolved, with its summary',
    tag: 'templates',
    queryParams: ['version'],
    answers: { 200: { type: 'object', required: ['name', 'summary'], properties: { name: { type: 'string' }, summary: ref('TemplateSummary') } } }
  },
  'GET /templates/:name/versions': { summary: "A template's versions", tag: 'templates', answers: { 200: list('TemplateVersion') } },
  'PUT /templates/:name/current': {
    summary: 'Choose the version offered by default (admins)',
    tag: 'templates',
    body: SetCurrentSchema,
    answers: { 200: list('TemplateVersion') },
    errors: [403]
  },
  'GET /templates/:name/diff': { summary: 'Two versions compared', tag: 'templates', query: DiffQuerySchema, answers: { 200: ref('TemplateDiff') } },

  'GET /instances': { summary: 'Workstations the caller sees', tag: 'workstations', queryParams: ['project'], answers: { 200: list('Workstation') }, errors: [404] },
  'POST /instances': {
    summary: 'Launch a workstation',
    tag: 'workstations',
    body: LaunchRequestSchema,
    answers: { 202: object({ id: { type: 'string' }, workstation: ref('Workstation') }) },
    errors: [403, 404, 409]
  },
  'GET /instances/:id': { summary: 'A workstation', tag: 'workstations', answers: { 200: ref('Workstation') } },
  'DELETE /instances/:id': { summary: 'Terminate a workstation', tag: 'workstations', answers: { 200: ref('Workstation') }, errors: CLOUD },
  'POST /instances/:id/stop': { summary: 'Stop a workstation', tag: 'workstations', answers: { 200: ref('Workstation') }, errors: CLOUD },
  'POST /instances/:id/hibernate': { summary: 'Hibernate a workstation', tag: 'workstations', answers: { 200: ref('Workstation') }, errors: CLOUD },
  'POST /instances/:id/start': { summary: 'Start a workstation', tag: 'workstations', answers: { 200: ref('Workstation') }, errors: CLOUD },
  'GET /instances/:id/events': { summary: "A workstation's history", tag: 'workstations', answers: { 200: list('WorkstationEvent') } },
  'GET /instances/:id/connection': { summary: 'How to reach a workstation', tag: 'workstations', answers: { 200: ref('Connection') }, errors: [403, 409] },
  'POST /instances/:id/keep-running': {
    summary: 'Postpone the idle rule',
    tag: 'workstations',
    body: KeepRunningSchema,
    answers: { 200: ref('IdleEvent') },
    errors: [403, 409]
  },
  'POST /instances/:id/resize': { summary: 'Change the instance type', tag: 'workstations', body: ResizeRequestSchema, answers: { 200: ref('Workstation') }, errors: CLOUD },
  'GET /instances/:id/metrics': { summary: 'Activity and spend over time', tag: 'workstations', query: MetricsQuerySchema, answers: { 200: ref('WorkstationMetrics') } },
  'POST /instances/:id/datasets': {
    summary: 'Attach a dataset or volume to a running workstation',
    tag: 'workstations',
    body: AttachSchema,
    answers: { 200: ref('Workstation'), 202: ref('Workstation') },
    errors: CLOUD
  },
  'DELETE /instances/:id/datasets/:ref': { summary: 'Detach a dataset or volume', tag: 'workstations', answers: { 200: ref('Workstation') }, errors: CLOUD },

  'GET /orphans': { summary: 'Instances Prism launched but does not know (admins)', tag: 'orphans', answers: { 200: list('Orphan') }, errors: CLOUD },
  'POST /orphans/:instanceId/adopt': { summary: 'Adopt an orphan (admins)', tag: 'orphans', answers: { 201: ref('Workstation') }, errors: CLOUD },
  'DELETE /orphans/:instanceId': {
    summary: 'Terminate an orphan (admins)',
    tag: 'orphans',
    answers: { 200: object({ instanceId: { type: 'string' }, launchId: { type: 'string' }, state: { const: 'terminated' } }) },
    errors: CLOUD
  },

  'POST /keys/rotate': { summary: "Replace the caller's key pair", tag: 'keys', answers: { 200: ref('KeyRotation') }, errors: CLOUD },
  'GET /keys/private': { summary: "The caller's private key", tag: 'keys', answers: { 200: { media: 'text/plain', schema: { type: 'string' } } }, errors: [404, 409, 410] },
  'GET /costs': { summary: "The caller's spend", tag: 'costs', answers: { 200: ref('CostReport') } },
  'GET /me/ssh-keys': { summary: "The caller's SSH public keys", tag: 'keys', answers: { 200: list('SshKey') } },
  'POST /me/ssh-keys': { summary: 'Add an SSH public key (installed on every workstation the caller may reach)', tag: 'keys', body: AddSshKeySchema, answers: { 201: ref('SshKey') }, errors: [409, 422] },
  'DELETE /me/ssh-keys/:fingerprint': { summary: 'Remove an SSH public key (by its URL-encoded fingerprint)', tag: 'keys', answers: { 204: null } },
  'GET /users/:user/ssh-keys': { summary: "Someone's SSH public keys (Prism admins)", tag: 'keys', answers: { 200: list('SshKey') }, errors: [403] },

  'GET /projects': { summary: "The caller's projects", tag: 'projects', answers: { 200: list('Project') } },
  'POST /projects': { summary: 'Make a project', tag: 'projects', body: CreateProjectSchema, answers: { 201: ref('ProjectDetail') }, errors: [409] },
  'GET /projects/:id': { summary: 'A project and its members', tag: 'projects', answers: { 200: ref('ProjectDetail') } },
  'GET /admin/projects': { summary: "Every project's overview, counts only (Prism admins)", tag: 'projects', answers: { 200: list('ProjectOverview') }, errors: [403] },
  'PUT /projects/:id/members/:user': { summary: 'Add a member or change a role', tag: 'projects', body: MemberSchema, answers: { 200: ref('ProjectDetail') }, errors: [403, 409] },
  'DELETE /projects/:id/members/:user': { summary: 'Remove a member', tag: 'projects', answers: { 204: null }, errors: [403, 409] },
  'GET /projects/:id/events': { summary: "A project's budget history", tag: 'projects', answers: { 200: list('BudgetEvent') } },
  'GET /projects/:id/idle': { summary: "A project's idle rule", tag: 'projects', answers: { 200: ref('ProjectIdle') } },
  'PUT /projects/:id/idle': { summary: "Set a project's idle rule", tag: 'projects', body: IdleSettingSchema, answers: { 200: ref('ProjectIdle') }, errors: [403] },
  'GET /projects/:id/policy': { summary: "A project's allowed templates, sizes and allocation", tag: 'projects', answers: { 200: ref('ProjectPolicy') } },
  'PUT /projects/:id/policy': { summary: "Set a project's allowed templates, sizes and allocation", tag: 'projects', body: ProjectPolicySchema, answers: { 200: ref('ProjectPolicy') }, errors: [403] },
  'POST /projects/:id/space': { summary: "Make the project's shared EFS space", tag: 'projects', answers: { 200: ref('ProjectSpace'), 201: ref('ProjectSpace') }, errors: CLOUD },
  'GET /projects/:id/space': { summary: "The project's shared EFS space", tag: 'projects', answers: { 200: ref('ProjectSpace') } },
  'DELETE /projects/:id/space': { summary: "Delete the project's shared EFS space", tag: 'projects', answers: { 204: null }, errors: CLOUD },
  'GET /projects/:id/budget': { summary: "A project's budget", tag: 'projects', answers: { 200: ref('BudgetStatus') } },
  'PUT /projects/:id/budget': { summary: "Set a project's budget", tag: 'projects', body: BudgetSchema, answers: { 200: ref('BudgetStatus') }, errors: [403] },
  'GET /projects/:id/notebooks': { summary: "The project's shared notebooks, each at its latest version", tag: 'shared notebooks', answers: { 200: list('SharedNotebook') } },
  'POST /projects/:id/notebooks/:name/versions': {
    summary: 'Publish a version of a notebook (its file, byte for byte)',
    tag: 'shared notebooks',
    query: PublishQuerySchema,
    bodyMedia: { [NOTEBOOK_MEDIA_TYPE]: { type: 'string', contentMediaType: NOTEBOOK_MEDIA_TYPE } },
    answers: { 201: ref('SharedNotebookVersion') },
    errors: [400, 409, 413, 415, ...CLOUD]
  },
  'GET /projects/:id/notebooks/:name/versions': { summary: "A shared notebook's versions, newest first", tag: 'shared notebooks', answers: { 200: list('SharedNotebookVersion') } },
  'GET /projects/:id/notebooks/:name/versions/:version': {
    summary: 'The bytes of one version, exactly as published',
    tag: 'shared notebooks',
    answers: { 200: { media: NOTEBOOK_MEDIA_TYPE, schema: { type: 'string', contentMediaType: NOTEBOOK_MEDIA_TYPE } } },
    errors: [400, ...CLOUD]
  },
  'DELETE /projects/:id/notebooks/:name': { summary: 'Unpublish a notebook, all its versions', tag: 'shared notebooks', answers: { 204: null }, errors: [403] },
  'DELETE /projects/:id/notebooks/:name/versions/:version': { summary: 'Unpublish one version', tag: 'shared notebooks', answers: { 204: null }, errors: [400, 403] },

  'GET /catalog/templates': { summary: 'The community catalog', tag: 'catalog', query: CatalogQuerySchema, answers: { 200: ref('CatalogListing') }, errors: [502] },
  'POST /catalog/templates/:name/install': {
    summary: 'Install a community template',
    tag: 'catalog',
    answers: { 200: ref('CatalogInstallResult'), 201: ref('CatalogInstallResult') },
    errors: [403, 409, 422, 502]
  },
  'PUT /catalog/allowed/:name': {
    summary: 'Allow a community template (admins)',
    tag: 'catalog',
    answers: { 200: object({ name: { type: 'string' }, allowed: { const: true } }) },
    errors: [403, 502]
  },
  'DELETE /catalog/allowed/:name': {
    summary: 'No longer allow a community template (admins)',
    tag: 'catalog',
    answers: { 200: object({ name: { type: 'string' }, allowed: { const: false } }) },
    errors: [403, 502]
  },
  'GET /catalog/templates/:name/reviews': { summary: "A community template's reviews", tag: 'catalog', answers: { 200: list('Review') }, errors: [502] },
  'POST /catalog/templates/:name/reviews': {
    summary: 'Review a community template',
    tag: 'catalog',
    body: ReviewRequestSchema,
    answers: { 200: ref('Review'), 201: ref('Review') },
    errors: [502]
  },

  'GET /audit': { summary: 'The audit log, a page at a time', tag: 'audit', query: AuditQuerySchema, answers: { 200: ref('AuditPage') }, errors: [403] },
  'GET /audit.csv': { summary: 'The audit log as CSV', tag: 'audit', query: AuditQuerySchema, answers: { 200: { media: 'text/csv', schema: { type: 'string' } } }, errors: [403] },

  'GET /datasets': { summary: 'Datasets the caller sees', tag: 'datasets', answers: { 200: list('Dataset') } },
  'POST /datasets': { summary: 'Register a dataset', tag: 'datasets', body: RegisterSchema, answers: { 201: ref('Dataset') }, errors: IN_PROJECT },
  'GET /datasets/:name': { summary: 'A dataset', tag: 'datasets', answers: { 200: ref('Dataset') } },
  'DELETE /datasets/:name': { summary: 'Forget a dataset', tag: 'datasets', answers: { 204: null }, errors: [403, 409] },
  'GET /datasets/:name/objects': { summary: "A dataset's folder", tag: 'datasets', query: ObjectsQuerySchema, answers: { 200: ref('DatasetListing') }, errors: CLOUD },
  'GET /datasets/:name/preview': { summary: 'The start of a file', tag: 'datasets', query: PathQuerySchema, answers: { 200: ref('DatasetPreview') }, errors: CLOUD },
  'GET /datasets/:name/download': {
    summary: 'A file',
    tag: 'datasets',
    query: PathQuerySchema,
    answers: { 200: { media: 'application/octet-stream', schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
    errors: CLOUD
  },
  'POST /datasets/:name/uploads': { summary: 'Start an upload', tag: 'datasets', body: StartUploadSchema, answers: { 201: ref('Upload') }, errors: CLOUD },
  'PUT /datasets/:name/uploads/:id/parts/:n': {
    summary: "One part of an upload's file",
    tag: 'datasets',
    bodyMedia: { 'application/octet-stream': { type: 'string', contentMediaType: 'application/octet-stream' } },
    answers: { 200: object({ etag: { type: 'string' } }) },
    errors: CLOUD
  },
  'POST /datasets/:name/uploads/:id/complete': { summary: 'Finish an upload', tag: 'datasets', answers: { 200: ref('DatasetObject') }, errors: CLOUD },
  'DELETE /datasets/:name/uploads/:id': { summary: 'Abandon an upload', tag: 'datasets', answers: { 204: null }, errors: CLOUD },

  'GET /volumes': { summary: 'Volumes the caller sees', tag: 'volumes', answers: { 200: list('Volume') } },
  'POST /volumes': { summary: 'Make an EFS volume', tag: 'volumes', body: CreateVolumeSchema, answers: { 201: ref('Volume') }, errors: IN_PROJECT },
  'GET /volumes/:id': { summary: 'A volume', tag: 'volumes', answers: { 200: ref('Volume') } },
  'DELETE /volumes/:id': { summary: 'Delete a volume', tag: 'volumes', answers: { 204: null }, errors: CLOUD },
  'GET /volumes/:id/recovery-points': { summary: "A volume's backups", tag: 'storage', answers: { 200: ref('RecoveryPointList') }, errors: CLOUD },
  'POST /volumes/:id/restore': { summary: 'Restore a volume from a backup', tag: 'storage', body: VolumeRestoreSchema, answers: { 202: ref('VolumeRestore') }, errors: CLOUD },
  'GET /volumes/:id/restore': { summary: "A volume's restore", tag: 'storage', answers: { 200: ref('VolumeRestore') } },

  'GET /syncs': { summary: 'Syncs the caller sees', tag: 'syncs', answers: { 200: list('Sync') } },
  'POST /syncs': { summary: 'Sync a dataset into a volume on a schedule', tag: 'syncs', body: CreateSyncSchema, answers: { 201: ref('Sync') }, errors: [403, 404, 409] },
  'GET /syncs/:id': { summary: 'A sync and its runs', tag: 'syncs', answers: { 200: ref('SyncDetail') } },
  'POST /syncs/:id/run': { summary: 'Run a sync now', tag: 'syncs', answers: { 202: ref('SyncRun') }, errors: [403, 409] },
  'DELETE /syncs/:id': { summary: 'Delete a sync', tag: 'syncs', answers: { 204: null }, errors: [403] },

  'POST /instances/:id/snapshots': {
    summary: "Snapshot a workstation's root volume",
    tag: 'storage',
    body: SnapshotRequestSchema,
    answers: { 202: ref('Snapshot') },
    errors: CLOUD
  },
  'GET /instances/:id/snapshot-schedule': { summary: "A workstation's snapshot schedule", tag: 'storage', answers: { 200: ref('SnapshotSchedule') } },
  'PUT /instances/:id/snapshot-schedule': {
    summary: "Set a workstation's snapshot schedule",
    tag: 'storage',
    body: ScheduleSchema,
    answers: { 200: ref('SnapshotSchedule') },
    errors: [403, 409]
  },
  'DELETE /instances/:id/snapshot-schedule': { summary: 'Stop scheduled snapshots', tag: 'storage', answers: { 204: null }, errors: [403] },
  'GET /snapshots': { summary: 'Snapshots the caller sees', tag: 'storage', answers: { 200: list('Snapshot') } },
  'GET /snapshots/:id': { summary: 'A snapshot', tag: 'storage', answers: { 200: ref('Snapshot') } },
  'DELETE /snapshots/:id': { summary: 'Delete a snapshot', tag: 'storage', answers: { 204: null }, errors: CLOUD },
  'POST /snapshots/:id/restore': { summary: 'A new volume from a snapshot', tag: 'storage', answers: { 201: ref('RestoredVolume') }, errors: CLOUD },
  'GET /storage': { summary: "The caller's storage and its cost", tag: 'storage', answers: { 200: ref('StorageReport') }, errors: CLOUD },
  'POST /storage/cleanup': {
    summary: 'Delete unused storage',
    tag: 'storage',
    body: CleanupSchema,
    answers: { 200: object({ items: { type: 'array', items: ref('CleanupOutcome') } }) },
    errors: CLOUD
  },

  'GET /aws/profiles': { summary: 'AWS profiles on this machine (admins)', tag: 'aws', answers: { 200: list('AwsProfile') }, errors: [403] },
  'POST /aws/profiles': { summary: 'Save an AWS profile (admins)', tag: 'aws', body: NewProfileSchema, answers: { 201: ref('AwsProfile') }, errors: [403, 409] },
  'POST /aws/profiles/validate': { summary: 'Check an AWS profile (admins)', tag: 'aws', body: ChoiceSchema, answers: { 200: ref('AwsAccount') }, errors: [403, 404, 422, 502, 503] },
  'PUT /aws/settings': { summary: 'Choose the AWS profile and region (admins)', tag: 'aws', body: ChoiceSchema, answers: { 200: ref('AwsSettingsApplied') }, errors: [403, 404, 422, 502, 503] }
};
