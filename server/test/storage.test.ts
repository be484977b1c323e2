/**
 * Storage housekeeping and EFS backups end to end against moto, as three
 * people (PRISM_USERS_FILE): alice is the admin of project `lab`, carol a
 * member, bob in neither. Alice has a volume a workstation mounts, one that
 * nothing mounts, and snapshots of a workstation that still runs and of one
 * she terminated; carol has a volume in the project. GET /storage prices
 * them from the price table and names the unused ones; the cleanup deletes
 * exactly what alice confirmed and is still unused (checked in moto), and
 * says why for the rest. Volumes get their backups: AWS Backup's vault and
 * plan are made in moto, and since moto has no backup selections, each
 * file system has EFS's own backup policy on (read back from moto).
 */
import {
  BackupClient,
  GetBackupPlanCommand,
  ListBackupPlansCommand,
  ListBackupVaultsCommand
} from '@aws-sdk/client-backup';
import { DescribeSnapshotsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { DescribeBackupPolicyCommand, DescribeFileSystemsCommand, EFSClient } from '@aws-sdk/client-efs';
import type { CostReport, Workstation } from '../src/contract/api';
import type { CleanupReport, RecoveryPointList, Snapshot, StorageReport } from '../src/contract/storage';
import type { VolumeRecord } from '../src/domain/volumes';
import { emulatorEc2 } from './support/moto';
import { requestAs, startPrism, writeUsersFile, type TestPrism } from './support/prism';

const ALICE = 'alice-token-for-storage-tests';
const BOB = 'bob-token-for-storage-tests';
const CAROL = 'carol-token-for-storage-tests';
const credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let prism: TestPrism;
let ec2: EC2Client;
let efs: EFSClient;
let backup: BackupClient;
let busy: VolumeRecord;
let scratch: VolumeRecord;
let notes: VolumeRecord;
let live: Workstation;
let gone: Workstation;
let liveSnapshot: Snapshot;
let orphan: Snapshot;

beforeAll(async () => {
  const usersFile = writeUsersFile([
    { user: 'alice', token: ALICE },
    { user: 'bob', token: BOB },
    { user: 'carol', token: CAROL }
  ]);
  prism = await startPrism({ PRISM_USERS_FILE: usersFile });
  ec2 = emulatorEc2(prism.moto.endpoint);
  efs = new EFSClient({ endpoint: prism.moto.endpoint, region: 'us-east-1', credentials });
  backup = new BackupClient({ endpoint: prism.moto.endpoint, region: 'us-east-1', credentials });
  expect((await as(ALICE, '/projects', 'POST', { name: 'Lab' })).status).toBe(201);
  expect((await as(ALICE, '/projects/lab/members/carol', 'PUT', { role: 'member' })).status).toBe(200);

  busy = await created(ALICE, { name: 'busy', project: 'lab' });
  scratch = await created(ALICE, { name: 'scratch' });
  notes = await created(CAROL, { name: 'notes', project: 'lab' });
  live = await running({ name: 'live', template: 'amazon-linux', arch: 'arm64', project: 'lab', datasets: [{ efs: { volume: busy.id } }] });
  gone = await running({ name: 'gone', template: 'amazon-linux', arch: 'arm64', project: 'lab' });
  liveSnapshot = await snapshotOf(live);
  orphan = await snapshotOf(gone);
  expect((await as(ALICE, `/instances/${gone.id}`, 'DELETE')).status).toBe(200);
  await until(async () => ((await (await as(ALICE, `/instances/${gone.id}`)).json()) as Workstation).state === 'terminated', 60_000, 'terminated');
}, 300_000);

afterAll(async () => {
  ec2?.destroy();
  efs?.destroy();
  backup?.destroy();
  await prism?.stop();
});

const as = (token: string, route: string, method = 'GET', body?: unknown): Promise<Response> => requestAs(prism, token, route, method, body);

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

async function created(token: string, body: { name: string; project?: string }): Promise<VolumeRecord> {
  const answer = await as(token, '/volumes', 'POST', body);
  expect(answer.status).toBe(201);
  return (await answer.json()) as VolumeRecord;
}

async function running(body: object): Promise<Workstation> {
  const launched = await as(ALICE, '/instances', 'POST', body);
  expect(launched.status).toBe(202);
  const { id } = (await launched.json()) as { id: string };
  let workstation: Workstation | undefined;
  await until(
    async () => {
      workstation = (await (await as(ALICE, `/instances/${id}`)).json()) as Workstation;
      return (workstation.state === 'running' && workstation.instanceId !== null) || workstation.phase === 'failed';
    },
    120_000,
    `${id} to run`
  );
  expect(workstation).toMatchObject({ state: 'running', error: null });
  return workstation as Workstation;
}

async function snapshotOf(workstation: Workstation): Promise<Snapshot> {
  const answer = await as(ALICE, `/instances/${workstation.id}/snapshots`, 'POST', {});
  expect(answer.status).toBe(202);
  return (await answer.json()) as Snapshot;
}

async function fileSystemIds(): Promise<string[]> {
  return ((await efs.send(new DescribeFileSystemsCommand({}))).FileSystems ?? []).map(fs => fs.FileSystemId as string);
}

async function ebsSnapshotIds(): Promise<string[]> {
  return ((await ec2.send(new DescribeSnapshotsCommand({ OwnerIds: ['self'], Filters: [{ Name: 'tag-key', Values: ['prism:snapshot'] }] }))).Snapshots ?? []).map(
    s => s.SnapshotId as string
  );
}

it('reports volumes, snapshots and the unused ones with monthly costs from the price table, and totals per user and project', async () => {
  const answer = await as(ALICE, '/storage');
  expect(answer.status).toBe(200);
  const report = (await answer.json()) as StorageReport;
  expect(report.prices).toEqual({ efsStandard: 0.3, efsInfrequentAccess: 0.016, ebsSnapshot: 0.05, gp3: 0.08 });

  expect(report.volumes.map(v => v.name).sort()).toEqual(['busy', 'notes', 'scratch']);
  expect(report.volumes.find(v => v.id === busy.id)?.attachedTo).toEqual([{ id: live.id, name: 'live', state: 'running' }]);
  // moto meters an empty file system: 0 bytes, so $0 a month at any price.
  for (const volume of report.volumes) {
    expect(volume.monthlyCost).toBe(Number(((volume.sizeBytes.standard / 1024 ** 3) * 0.3 + (volume.sizeBytes.infrequentAccess / 1024 ** 3) * 0.016).toFixed(2)));
  }
  expect(report.snapshots.map(s => [s.id, s.sizeGiB, s.monthlyCost, s.workstation.exists])).toEqual(
    expect.arrayContaining([
      [liveSnapshot.id, 30, 1.5, true],
      [orphan.id, 30, 1.5, false]
    ])
  );

  expect(report.unused.items.map(u => [u.kind, u.id, u.monthlyCost])).toEqual(
    expect.arrayContaining([
      ['volume', scratch.id, 0],
      ['volume', notes.id, 0],
      ['snapshot', orphan.id, 1.5]
    ])
  );
  expect(report.unused.items).toHaveLength(3);
  expect(report.unused.items.find(u => u.id === orphan.id)?.reason).toContain("'gone' is gone");
  expect(report.unused.monthlyCost).toBe(1.5);

  expect(report.byUser).toEqual({ alice: { monthlyCost: 3, unusedMonthlyCost: 1.5 }, carol: { monthlyCost: 0, unusedMonthlyCost: 0 } });
  expect(report.byProject).toEqual({ lab: { monthlyCost: 3, unusedMonthlyCost: 1.5 } });
  expect(report.total).toEqual({ monthlyCost: 3, unusedMonthlyCost: 1.5 });

  const bobs = (await (await as(BOB, '/storage')).json()) as StorageReport;
  expect(bobs).toMatchObject({ volumes: [], snapshots: [], ebsVolumes: [], unused: { items: [], monthlyCost: 0 }, byUser: {} });
});

it('adds the storage to GET /costs, by user and project', async () => {
  const costs = (await (await as(ALICE, '/costs')).json()) as CostReport;
  expect(costs.storage?.map(line => [line.kind, line.id, line.monthlyCost]).sort()).toEqual(
    [
      ['snapshot', liveSnapshot.id, 1.5],
      ['snapshot', orphan.id, 1.5],
      ['volume', busy.id, 0],
      ['volume', scratch.id, 0]
    ].sort()
  );
  expect(costs.storage?.find(line => line.id === orphan.id)?.workstationId).toBe(gone.id);
  const storageProjection = (costs.storage ?? []).reduce((sum, line) => sum + line.projectedMonthEnd, 0);
  const workstationProjection = costs.workstations.reduce((sum, w) => sum + w.projectedMonthEnd, 0);
  expect(costs.total.projectedMonthEnd).toBeCloseTo(workstationProjection + storageProjection, 1);
  expect(storageProjection).toBeGreaterThan(0);
});

it('refuses a stranger and a plain member, deleting nothing', async () => {
  const before = { fileSystems: await fileSystemIds(), snapshots: await ebsSnapshotIds() };
  const byBob = (await (await as(BOB, '/storage/cleanup', 'POST', { items: [{ kind: 'volume', id: scratch.id }, { kind: 'snapshot', id: orphan.id }] })).json()) as CleanupReport;
  expect(byBob.items).toEqual([
    expect.objectContaining({ kind: 'volume', id: scratch.id, result: 'refused', code: 'VOLUME_NOT_FOUND' }),
    expect.objectContaining({ kind: 'snapshot', id: orphan.id, result: 'refused', code: 'SNAPSHOT_NOT_FOUND' })
  ]);
  const byCarol = (await (await as(CAROL, '/storage/cleanup', 'POST', { items: [{ kind: 'snapshot', id: orphan.id }] })).json()) as CleanupReport;
  expect(byCarol.items).toEqual([expect.objectContaining({ result: 'refused', code: 'FORBIDDEN', hint: expect.stringContaining('project admin') })]);
  const bad = await as(ALICE, '/storage/cleanup', 'POST', { items: [{ kind: 'bucket', id: 'x' }] });
  expect(bad.status).toBe(400);
  expect(await bad.json()).toMatchObject({ code: 'INVALID_REQUEST', hint: expect.any(String) });
  expect({ fileSystems: await fileSystemIds(), snapshots: await ebsSnapshotIds() }).toEqual(before);
});

it('deletes exactly the confirmed unused items, and refuses the ones in use with the reason', async () => {
  const answer = await as(ALICE, '/storage/cleanup', 'POST', {
    items: [
      { kind: 'volume', id: scratch.id },
      { kind: 'snapshot', id: orphan.id },
      { kind: 'volume', id: busy.id },
      { kind: 'snapshot', id: liveSnapshot.id },
      { kind: 'volume', id: notes.id }
    ]
  });
  expect(answer.status).toBe(200);
  const { items } = (await answer.json()) as CleanupReport;
  expect(items).toEqual([
    { kind: 'volume', id: scratch.id, result: 'deleted' },
    { kind: 'snapshot', id: orphan.id, result: 'deleted' },
    expect.objectContaining({ kind: 'volume', id: busy.id, result: 'refused', code: 'VOLUME_IN_USE', hint: expect.stringContaining('Terminate') }),
    expect.objectContaining({ kind: 'snapshot', id: liveSnapshot.id, result: 'refused', code: 'SNAPSHOT_IN_USE' }),
    // alice is the project's admin: carol's unused project volume is hers to clean up.
    { kind: 'volume', id: notes.id, result: 'deleted' }
  ]);

  const fileSystems = await fileSystemIds();
  expect(fileSystems).toContain(busy.fileSystemId);
  expect(fileSystems).not.toContain(scratch.fileSystemId);
  expect(fileSystems).not.toContain(notes.fileSystemId);
  const snapshots = await ebsSnapshotIds();
  expect(snapshots).toContain(liveSnapshot.ebsSnapshotId);
  expect(snapshots).not.toContain(orphan.ebsSnapshotId);

  const after = (await (await as(ALICE, '/storage')).json()) as StorageReport;
  expect(after.unused).toEqual({ items: [], monthlyCost: 0 });
});

it('backs volumes up: the AWS Backup vault and daily plan in moto, and each file system with its backup policy on', async () => {
  const vaults = (await backup.send(new ListBackupVaultsCommand({}))).BackupVaultList ?? [];
  expect(vaults.map(v => v.BackupVaultName)).toContain('prism-efs');
  const plans = (await backup.send(new ListBackupPlansCommand({}))).BackupPlansList ?? [];
  const daily = plans.find(p => p.BackupPlanName === 'prism-efs-daily');
  expect(daily).toBeDefined();
  const plan = await backup.send(new GetBackupPlanCommand({ BackupPlanId: daily?.BackupPlanId }));
  expect(plan.BackupPlan?.Rules?.[0]).toMatchObject({ TargetBackupVaultName: 'prism-efs', ScheduleExpression: 'cron(0 5 ? * * *)', Lifecycle: { DeleteAfterDays: 35 } });

  const policy = await efs.send(new DescribeBackupPolicyCommand({ FileSystemId: busy.fileSystemId as string }));
  expect(policy.BackupPolicy?.Status).toBe('ENABLED');

  const points = (await (await as(ALICE, `/volumes/${busy.id}/recovery-points`)).json()) as RecoveryPointList;
  expect(points).toMatchObject({ volumeId: busy.id, backups: 'efs-policy', recoveryPoints: [], note: expect.stringContaining('automatic backups') });
  expect((await as(BOB, `/volumes/${busy.id}/recovery-points`)).status).toBe(404);

  const restore = await as(ALICE, `/volumes/${busy.id}/restore`, 'POST', { recoveryPoint: 'arn:aws:backup:us-east-1:123456789012:recovery-point:not-this-volumes' });
  expect(restore.status).toBe(404);
  expect(await restore.json()).toMatchObject({ code: 'RECOVERY_POINT_NOT_FOUND', hint: expect.any(String) });
  expect((await (await as(ALICE, '/volumes')).json()) as VolumeRecord[]).toEqual([expect.objectContaining({ id: busy.id })]);
});
