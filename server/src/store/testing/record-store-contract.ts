/**
 * The stores beside the workstation store, as describeStoreContract runs
 * them on each database: what goes in comes back out, with its types (numbers,
 * flags, JSON) and its order.
 */
import type { Dataset } from '../../contract/datasets';
import type { UploadRecord } from '../../domain/datasets';
import type { SnapshotRecord } from '../../domain/snapshots';
import type { SyncRecord, SyncRunRecord } from '../../domain/sync';
import { SqlAuditStore } from '../audit-store';
import { SqlCatalogStore } from '../catalog-store';
import { SqlDatasetStore } from '../dataset-store';
import { SqlMetricsStore } from '../metrics-store';
import { SqlProjectStore } from '../project-store';
import { SqlSnapshotStore } from '../snapshot-store';
import type { SqlDatabase } from '../sql-database';
import { SqlSyncStore } from '../sync-store';
import { SqlTemplateVersions } from '../template-version-store';
import { SqlVolumeStore } from '../volume-store';

const DATASET: Dataset = {
  name: 'ref',
  description: 'Genomes',
  bucket: 'lab-data',
  prefix: 'genomes/',
  readOnly: true,
  project: 'genomics',
  registeredBy: 'alice',
  registeredAt: '2026-11-27T12:00:00.000Z',
  mountPath: '/data/ref',
  s3Uri: 's3://lab-data/genomes/'
};

const UPLOAD: UploadRecord = {
  id: 'up-1',
  dataset: 'ref',
  path: 'runs/a.bin',
  bucket: 'lab-data',
  key: 'genomes/runs/a.bin',
  s3UploadId: 'S3-UPLOAD-ID',
  owner: 'bob',
  // Past 2^31: a multi-gigabyte upload.
  size: 12_000_000_000,
  partSize: 8_388_608,
  parts: 1431,
  contentType: 'application/octet-stream',
  createdAt: '2026-11-27T12:00:01.000Z'
};

const SNAPSHOT: SnapshotRecord = {
  id: 'snap-1',
  workstationId: 'ws-1',
  workstationName: 'thesis',
  owner: 'ada',
  project: null,
  ebsSnapshotId: null,
  sizeGiB: null,
  description: 'before the upgrade',
  trigger: 'request',
  state: 'pending',
  progress: null,
  availabilityZone: null,
  createdAt: '2026-11-27T12:00:00.000Z'
};

const SYNC: SyncRecord = {
  id: 'sync-1',
  owner: 'ada',
  project: 'genomics',
  dataset: 'ref',
  path: 'runs/',
  volume: 'vol-1',
  folder: 'ref',
  everyMinutes: 60,
  createdAt: '2026-11-27T12:00:00.000Z',
  nextRunAt: '2026-11-27T13:00:00.000Z'
};

const run = (id: string, at: string, status: SyncRunRecord['status']): SyncRunRecord => ({
  id,
  sync: 'sync-1',
  at,
  status,
  workstation: 'ws-1',
  files: [],
  bytes: 0,
  finishedAt: null,
  source: 's3://lab-data/genomes/runs/',
  destination: '/mnt/vol-1/ref'
});

export function describeRecordStores(dialect: SqlDatabase['dialect'], openDatabase: () => SqlDatabase): void {
  describe(`the record stores on ${dialect}`, () => {
    it('keeps datasets and open uploads, a name once, and shows a project’s datasets to its members only', () => {
      const store = new SqlDatasetStore(openDatabase());
      expect(store.insertDataset(DATASET)).toBe(true);
      expect(store.insertDataset({ ...DATASET, bucket: 'other' })).toBe(false);
      store.insertUpload(UPLOAD);
      expect(store.dataset('ref')).toEqual(DATASET);
      expect(store.upload('up-1')).toEqual(UPLOAD);
      expect(store.uploadsOf('ref')).toEqual([UPLOAD]);
      expect(store.visibleDatasets([])).toEqual([]);
      expect(store.visibleDatasets(['genomics', 'physics'])).toEqual([DATASET]);
      store.removeUpload('up-1');
      store.removeDataset('ref');
      expect(store.upload('up-1')).toBeUndefined();
      expect(store.dataset('ref')).toBeUndefined();
    });

    it('keeps the audit log in order, filters it (action and object without regard to case), and refuses to change or delete it', () => {
      const db = openDatabase();
      const audit = new SqlAuditStore(db);
      const entry = (user: string | null, action: string, object: string | null, status: number) => ({
        at: '2026-11-27T12:00:00.000Z',
        user,
        action,
        object,
        result: { status, code: status >= 400 ? 'FORBIDDEN' : null },
        address: '127.0.0.1'
      });
      audit.append(entry('ada', 'POST /instances', 'ws-1', 202));
      audit.append(entry('bob', 'POST /instances/:id/stop', 'ws-1', 403));
      audit.append(entry(null, 'GET /projects/:id', 'Genomics/bob', 401));
      expect(audit.find({}, 10).map(e => e.seq)).toEqual([3, 2, 1]);
      expect(audit.find({ user: 'ada' }, 10)).toEqual([{ seq: 1, ...entry('ada', 'POST /instances', 'ws-1', 202) }]);
      expect(audit.find({ action: 'post /INSTANCES' }, 10).map(e => e.seq)).toEqual([2, 1]);
      expect(audit.find({ object: 'genomics' }, 10).map(e => e.seq)).toEqual([3]);
      expect(audit.find({ statusClass: 4 }, 10).map(e => e.seq)).toEqual([3, 2]);
      expect(audit.find({ before: 3 }, 1).map(e => e.seq)).toEqual([2]);
      expect(() => db.run('UPDATE audit_log SET status = 200')).toThrow(/append-only/);
      expect(() => db.run('DELETE FROM audit_log')).toThrow(/append-only/);
      expect(audit.find({}, 10)).toHaveLength(3);
    });

    it('keeps allowed catalog templates and one review per user, averaging ratings', () => {
      const store = new SqlCatalogStore(openDatabase());
      store.allowTemplate('rnaseq', 'admin', new Date('2026-11-27T12:00:00.000Z'));
      store.allowTemplate('rnaseq', 'admin', new Date('2026-11-27T12:00:00.000Z'));
      store.allowTemplate('qiime', 'admin', new Date('2026-11-27T12:00:00.000Z'));
      store.disallowTemplate('qiime');
      expect([...store.allowedTemplates()]).toEqual(['rnaseq']);
      expect(store.saveReview({ template: 'rnaseq', user: 'ada', rating: 5, text: 'fast', at: '2026-11-27T12:00:00.000Z' })).toBe('created');
      expect(store.saveReview({ template: 'rnaseq', user: 'ada', rating: 4, text: 'fine', at: '2026-11-27T12:01:00.000Z' })).toBe('replaced');
      store.saveReview({ template: 'rnaseq', user: 'bob', rating: 1, text: '', at: '2026-11-27T12:00:30.000Z' });
      expect(store.reviews('rnaseq').map(r => [r.user, r.rating, r.text])).toEqual([
        ['ada', 4, 'fine'],
        ['bob', 1, '']
      ]);
      expect(store.ratings().get('rnaseq')).toEqual({ average: 2.5, count: 2 });
    });

    it('keeps monitoring points with millisecond times, the latest last, and forgets old ones', () => {
      const store = new SqlMetricsStore(openDatabase());
      const point = (at: number, cpuPercent: number) => ({
        workstationId: 'ws-1',
        at,
        cpuPercent,
        memoryPercent: 41.5,
        memoryUsedMiB: 3321.25,
        diskPercent: null,
        networkRxBytes: 9_876_543_210,
        networkTxBytes: null,
        networkRxBps: 1234.5,
        networkTxBps: null
      });
      const t = Date.parse('2026-11-27T12:00:00.000Z');
      [point(t, 12.5), point(t + 60_000, 80.25), point(t + 120_000, 3)].forEach(p => store.append(p));
      expect(store.since('ws-1', t + 60_000)).toEqual([point(t + 60_000, 80.25), point(t + 120_000, 3)]);
      expect(store.latest('ws-1')).toEqual(point(t + 120_000, 3));
      expect(store.latest('ws-2')).toBeUndefined();
      store.forget(t + 120_000);
      expect(store.since('ws-1', 0)).toEqual([point(t + 120_000, 3)]);
    });

    it('keeps projects with their members, budget, history, idle rule and policy', () => {
      const store = new SqlProjectStore(openDatabase());
      const project = { id: 'genomics', name: 'Genomics', description: '', createdBy: 'ada', createdAt: '2026-11-27T12:00:00.000Z' };
      expect(store.createProject(project, 'ada')).toBe(true);
      expect(store.createProject({ ...project, name: 'Again' }, 'bob')).toBe(false);
      store.setRole('genomics', 'carol', 'viewer');
      store.setRole('genomics', 'carol', 'member');
      store.setRole('genomics', 'bob', 'viewer');
      store.removeMember('genomics', 'bob');
      expect(store.members('genomics')).toEqual([
        { user: 'ada', role: 'admin' },
        { user: 'carol', role: 'member' }
      ]);
      expect(store.roleOf('genomics', 'carol')).toBe('member');
      expect(store.roleOf('genomics', 'bob')).toBeUndefined();
      expect(store.projectsOf('carol')).toEqual([{ ...project, role: 'member' }]);
      expect(store.allProjects()).toEqual([project]);
      const budget = { monthlyUsd: 250.5, hardStop: true, graceMinutes: 7.5, setBy: 'ada', setAt: '2026-11-27T12:00:00.000Z' };
      store.setBudget('genomics', budget);
      store.setBudget('genomics', { ...budget, hardStop: false });
      expect(store.budget('genomics')).toEqual({ ...budget, hardStop: false });
      expect(store.budgetedProjects()).toEqual(['genomics']);
      const event = { kind: 'budget' as const, project: 'genomics', status: 'reached' as const, threshold: 80, percent: 81.5, spend: 204.2, monthlyUsd: 250.5, at: '2026-11-27T12:00:00.000Z' };
      store.appendEvent('genomics', event);
      expect(store.events('genomics')).toEqual([event]);
      store.setProjectIdle('genomics', { setting: false, setBy: 'ada', setAt: '2026-11-27T12:00:00.000Z' });
      expect(store.projectIdle('genomics')?.setting).toBe(false);
      const limits = { templates: ['rnaseq'], maxWorkstations: 2, maxWorkstationsPerMember: null, sizes: null, instanceTypes: null };
      store.setProjectPolicy('genomics', { limits, setBy: 'ada', setAt: '2026-11-27T12:00:00.000Z' });
      expect(store.projectPolicy('genomics')?.limits).toEqual(limits);
    });

    it('keeps snapshots, their schedules and restores, and shows them to their owner and project', () => {
      const db = openDatabase();
      const store = new SqlSnapshotStore(db);
      store.insertSnapshot(SNAPSHOT);
      store.insertSnapshot({ ...SNAPSHOT, id: 'snap-2', owner: 'bob', project: 'genomics', trigger: 'schedule', createdAt: '2026-11-27T12:05:00.000Z' });
      store.updateSnapshot('snap-1', { ebsSnapshotId: 'snap-0abc', sizeGiB: 30, progress: '42%' });
      expect(store.snapshot('snap-1')).toEqual({ ...SNAPSHOT, ebsSnapshotId: 'snap-0abc', sizeGiB: 30, progress: '42%' });
      expect(store.visibleSnapshots('ada', []).map(s => s.id)).toEqual(['snap-1']);
      expect(store.visibleSnapshots('ada', ['genomics']).map(s => s.id)).toEqual(['snap-1', 'snap-2']);
      expect(store.pendingSnapshots()).toHaveLength(2);
      store.removeSnapshot('snap-2');
      expect(store.snapshotsOf('ws-1').map(s => s.id)).toEqual(['snap-1']);

      store.putSchedule({ workstationId: 'ws-1', everyHours: 12, keep: 3, setBy: 'ada', setAt: '2026-11-27T12:00:00.000Z', lastRunAt: null });
      store.setLastRun('ws-1', '2026-11-27T13:00:00.000Z');
      store.putSchedule({ workstationId: 'ws-1', everyHours: 1.5, keep: 5, setBy: 'ada', setAt: '2026-11-27T14:00:00.000Z', lastRunAt: null });
      expect(store.schedule('ws-1')).toEqual({ workstationId: 'ws-1', everyHours: 1.5, keep: 5, setBy: 'ada', setAt: '2026-11-27T14:00:00.000Z', lastRunAt: '2026-11-27T13:00:00.000Z' });
      store.removeSchedule('ws-1');
      expect(store.schedules()).toEqual([]);

      const restore = { id: 'rst-1', volumeId: null, snapshotId: 'snap-1', workstationId: 'ws-1', owner: 'ada', project: null, availabilityZone: 'eu-west-1a', sizeGiB: 30, createdAt: '2026-11-27T12:00:00.000Z' };
      store.insertRestore(restore);
      store.setRestoredVolume('rst-1', 'vol-0abc');
      expect(store.restoreByVolume('vol-0abc')).toEqual({ ...restore, volumeId: 'vol-0abc' });
      expect(store.visibleRestores('bob', [])).toEqual([]);

      const efs = { volumeId: 'vol-1', sourceVolumeId: 'vol-0', recoveryPoint: 'arn:aws:backup:rp', jobId: 'job-1', state: 'running' as const, message: null, startedAt: '2026-11-27T12:00:00.000Z' };
      store.insertVolumeRestore(efs);
      expect(store.runningVolumeRestores()).toEqual([efs]);
      store.finishVolumeRestore('vol-1', 'failed', 'no space');
      expect(store.volumeRestore('vol-1')).toEqual({ ...efs, state: 'failed', message: 'no space' });
      expect(store.runningVolumeRestores()).toEqual([]);

      const volumes = new SqlVolumeStore(db);
      volumes.insertVolume({ id: 'vol-1', name: 'shared', owner: 'ada', project: 'genomics', fileSystemId: null, createdAt: '2026-11-27T12:00:00.000Z' });
      volumes.insertVolume({ id: 'vol-2', name: 'mine', owner: 'bob', project: null, fileSystemId: null, createdAt: '2026-11-27T12:01:00.000Z' });
      volumes.setFileSystem('vol-1', 'fs-0abc');
      expect(store.fileSystemIds()).toEqual(['fs-0abc']);
      expect(volumes.visibleVolumes('bob', ['genomics']).map(v => [v.id, v.fileSystemId])).toEqual([
        ['vol-1', 'fs-0abc'],
        ['vol-2', null]
      ]);
      expect(volumes.visibleVolumes('carol', [])).toEqual([]);
      volumes.removeVolume('vol-2');
      expect(volumes.volume('vol-2')).toBeUndefined();
    });

    it('keeps syncs in the order made and their runs newest first, and removes a sync with its runs', () => {
      const store = new SqlSyncStore(openDatabase());
      store.insertSync(SYNC);
      store.insertSync({ ...SYNC, id: 'sync-0', owner: 'bob', project: null });
      expect(store.allSyncs().map(s => s.id)).toEqual(['sync-1', 'sync-0']);
      expect(store.visibleSyncs('carol', ['genomics']).map(s => s.id)).toEqual(['sync-1']);
      store.setNextRun('sync-1', '2026-11-27T14:00:00.000Z');
      expect(store.sync('sync-1')?.nextRunAt).toBe('2026-11-27T14:00:00.000Z');
      store.insertRun(run('run-1', '2026-11-27T13:00:00.000Z', 'running'));
      store.insertRun(run('run-2', '2026-11-27T13:00:00.000Z', 'skipped'));
      store.updateRun({ ...run('run-1', '2026-11-27T13:00:00.000Z', 'ok'), bytes: 5_000_000_000 });
      expect(store.runs('sync-1', 10).map(r => r.id)).toEqual(['run-2', 'run-1']);
      expect(store.run('run-1')?.bytes).toBe(5_000_000_000);
      expect(store.runningRuns()).toEqual([]);
      store.removeSync('sync-1');
      expect(store.sync('sync-1')).toBeUndefined();
      expect(store.runs('sync-1', 10)).toEqual([]);
    });

    it('keeps each template version once, notices an edited one, and the version an admin chose', () => {
      const store = new SqlTemplateVersions(openDatabase());
      const version = { name: 'rnaseq', version: '1.0.0', template: { name: 'rnaseq', version: '1.0.0' } as never, sourceYaml: 'name: rnaseq\n', loadedAt: '2026-11-27T12:00:00.000Z' };
      expect(store.keep(version)).toBe('new');
      expect(store.keep(version)).toBe('same');
      expect(store.keep({ ...version, sourceYaml: 'name: rnaseq # edited\n', loadedAt: '2026-11-28T12:00:00.000Z' })).toBe('changed');
      expect(store.find('rnaseq', '1.0.0')).toEqual({ ...version, sourceYaml: 'name: rnaseq # edited\n' });
      expect(store.list('rnaseq')).toHaveLength(1);
      expect(store.currentVersion('rnaseq')).toBeUndefined();
      store.setCurrentVersion('rnaseq', '1.0.0');
      store.setCurrentVersion('rnaseq', '0.9.0');
      expect(store.currentVersion('rnaseq')).toBe('0.9.0');
    });
  });
}
