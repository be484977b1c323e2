import type { DatasetRequest } from '../contract/api';
import type { Dataset } from '../contract/datasets';
import type { ProjectRole } from '../contract/projects';
import { PrismError } from './errors';
import { Datasets, type DatasetStore, type UploadRecord } from './datasets';
import type { WorkstationRecord } from './ports';

class MemoryDatasets implements DatasetStore {
  readonly datasets = new Map<string, Dataset>();
  readonly uploads = new Map<string, UploadRecord>();
  insertDataset(dataset: Dataset): boolean {
    if (this.datasets.has(dataset.name)) return false;
    this.datasets.set(dataset.name, dataset);
    return true;
  }
  dataset(name: string): Dataset | undefined {
    return this.datasets.get(name);
  }
  visibleDatasets(projects: string[]): Dataset[] {
    return [...this.datasets.values()].filter(d => d.project === null || projects.includes(d.project));
  }
  removeDataset(name: string): void {
    this.datasets.delete(name);
  }
  insertUpload(upload: UploadRecord): void {
    this.uploads.set(upload.id, upload);
  }
  upload(id: string): UploadRecord | undefined {
    return this.uploads.get(id);
  }
  uploadsOf(dataset: string): UploadRecord[] {
    return [...this.uploads.values()].filter(u => u.dataset === dataset);
  }
  removeUpload(id: string): void {
    this.uploads.delete(id);
  }
}

const ROLES: Record<string, Record<string, ProjectRole>> = { genomics: { alice: 'admin', bob: 'member', dave: 'viewer' } };
const ADMIN = { user: 'root', roles: ['admin'] };
const as = (user: string) => ({ user, roles: ['user'] });

function setUp(options: { buckets?: string[]; workstations?: Partial<WorkstationRecord>[] } = {}) {
  const store = new MemoryDatasets();
  const buckets = new Set(options.buckets ?? ['lab-data']);
  const aborted: string[] = [];
  const datasets = new Datasets({
    store,
    objects: {
      bucketExists: async bucket => buckets.has(bucket),
      abortUpload: async (_bucket, _key, uploadId) => void aborted.push(uploadId)
    },
    workstations: { listAll: () => (options.workstations ?? []) as WorkstationRecord[] },
    projects: {
      roleOf: (user, project) => ROLES[project]?.[user] ?? null,
      require: (user, project, needed) => {
        const role = ROLES[project]?.[user];
        if (!role) throw new PrismError('PROJECT_NOT_FOUND', 404, 'No such project', project, 'hint');
        if (needed === 'admin' && role !== 'admin') throw new PrismError('FORBIDDEN', 403, 'Not allowed', project, 'Ask alice');
        return role;
      },
      listProjects: user => Object.keys(ROLES).filter(p => ROLES[p][user]).map(id => ({ id }) as never)
    },
    clock: { now: () => new Date('2026-11-27T12:00:00Z') },
    logger: { info: () => undefined, warn: () => undefined, error: () => undefined }
  });
  return { store, datasets, aborted };
}

describe('named datasets', () => {
  it('registers with the prefix made "" or ending in /, read-only unless told, mounted at /data/<name>', async () => {
    const { datasets } = setUp();
    expect(await datasets.registerDataset(ADMIN, { name: 'ref', bucket: 'lab-data', prefix: '/genomes/hg38' })).toEqual({
      name: 'ref',
      description: '',
      bucket: 'lab-data',
      prefix: 'genomes/hg38/',
      readOnly: true,
      project: null,
      registeredBy: 'root',
      registeredAt: '2026-11-27T12:00:00.000Z',
      mountPath: '/data/ref',
      s3Uri: 's3://lab-data/genomes/hg38/'
    });
    expect(await datasets.registerDataset(ADMIN, { name: 'all', bucket: 'lab-data', readOnly: false })).toMatchObject({ prefix: '', readOnly: false });
  });

  it.each([
    ['a name that is no mount point', { name: 'Ref_1', bucket: 'lab-data' }, 'NAME_INVALID'],
    ['a bucket given as a URL', { name: 'ref', bucket: 's3://lab-data' }, 'INVALID_REQUEST'],
    ['a prefix that climbs', { name: 'ref', bucket: 'lab-data', prefix: 'a/../b' }, 'INVALID_REQUEST'],
    ['a bucket that does not exist', { name: 'ref', bucket: 'gone-bucket' }, 'DATASET_BUCKET_NOT_FOUND']
  ])('refuses %s and records nothing', async (_what, request, code) => {
    const { datasets, store } = setUp();
    await expect(datasets.registerDataset(ADMIN, request)).rejects.toMatchObject({ code, hint: expect.any(String) });
    expect(store.datasets.size).toBe(0);
  });

  it("lets only a Prism admin register globally, and only the project's admins for a project", async () => {
    const { datasets } = setUp();
    await expect(datasets.registerDataset(as('alice'), { name: 'ref', bucket: 'lab-data' })).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
    await expect(datasets.registerDataset(as('bob'), { name: 'ref', bucket: 'lab-data', project: 'genomics' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(datasets.registerDataset(as('carol'), { name: 'ref', bucket: 'lab-data', project: 'genomics' })).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND' });
    await expect(datasets.registerDataset(as('alice'), { name: 'ref', bucket: 'lab-data', project: 'genomics' })).resolves.toMatchObject({ project: 'genomics' });
    await expect(datasets.registerDataset(ADMIN, { name: 'ref', bucket: 'lab-data' })).rejects.toMatchObject({ code: 'DATASET_EXISTS', status: 409 });
  });

  it("shows a project's dataset to its people only; to anyone else it does not exist", async () => {
    const { datasets } = setUp();
    await datasets.registerDataset(ADMIN, { name: 'public', bucket: 'lab-data' });
    await datasets.registerDataset(as('alice'), { name: 'private', bucket: 'lab-data', project: 'genomics' });
    expect(datasets.listDatasets('dave').map(d => d.name)).toEqual(['public', 'private']);
    expect(datasets.listDatasets('carol').map(d => d.name)).toEqual(['public']);
    expect(() => datasets.namedDataset('carol', 'private')).toThrow(expect.objectContaining({ code: 'DATASET_NOT_FOUND', status: 404 }));
    expect(datasets.namedDataset('bob', 'private')).toEqual({ name: 'private', bucket: 'lab-data', prefix: '', readOnly: true, mountPath: '/data/private' });
  });

  it("takes uploads only into a read-write dataset, and not from a project's viewer", async () => {
    const { datasets } = setUp();
    await datasets.registerDataset(ADMIN, { name: 'public', bucket: 'lab-data' });
    await datasets.registerDataset(as('alice'), { name: 'scratch', bucket: 'lab-data', project: 'genomics', readOnly: false });
    expect(() => datasets.writableDataset('carol', 'public')).toThrow(expect.objectContaining({ code: 'DATASET_READ_ONLY', status: 403, hint: expect.stringContaining('readOnly') }));
    expect(() => datasets.writableDataset('dave', 'scratch')).toThrow(expect.objectContaining({ code: 'FORBIDDEN', hint: expect.stringContaining('member') }));
    expect(() => datasets.writableDataset('carol', 'scratch')).toThrow(expect.objectContaining({ code: 'DATASET_NOT_FOUND' }));
    expect(datasets.writableDataset('bob', 'scratch')).toMatchObject({ name: 'scratch' });
  });

  it('refuses to delete while a workstation that is not terminated has it, and aborts its open uploads after', async () => {
    const attached = (state: WorkstationRecord['state']): Partial<WorkstationRecord> => ({ name: `ws-${state}`, state, datasets: [{ dataset: 'ref' } as DatasetRequest] });
    const busy = setUp({ workstations: [attached('terminated'), attached('stopped')] });
    await busy.datasets.registerDataset(ADMIN, { name: 'ref', bucket: 'lab-data' });
    await expect(busy.datasets.deleteDataset(ADMIN, 'ref')).rejects.toMatchObject({ code: 'DATASET_IN_USE', detail: expect.stringContaining('ws-stopped') });
    expect(busy.store.datasets.has('ref')).toBe(true);

    const idle = setUp({ workstations: [attached('terminated')] });
    await idle.datasets.registerDataset(ADMIN, { name: 'ref', bucket: 'lab-data', readOnly: false });
    idle.store.insertUpload({ id: 'up-1', dataset: 'ref', s3UploadId: 's3-up-1' } as UploadRecord);
    await expect(idle.datasets.deleteDataset(as('alice'), 'ref')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await idle.datasets.deleteDataset(ADMIN, 'ref');
    expect(idle.store.datasets.size).toBe(0);
    expect(idle.store.uploads.size).toBe(0);
    expect(idle.aborted).toEqual(['s3-up-1']);
  });
});
