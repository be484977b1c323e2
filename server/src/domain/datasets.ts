/**
 * Named S3 datasets (docs/api.md, "Datasets"): a bucket and prefix an admin
 * registers once under a name, so researchers attach it by name, browse it
 * and mount it at `/data/<name>`. A global dataset is everyone's; a project's
 * is its people's, and to anyone else it does not exist (404). Registering
 * checks the bucket exists; deleting forgets the name and never touches the bucket.
 */
import type { Dataset, RegisterDatasetRequest } from '../contract/datasets';
import { normalPrefix } from './bootstrap-steps';
import { invalidRequest, notFound, PrismError } from './errors';
import type { DatasetObjects } from './dataset-objects';
import type { Clock, DomainLogger, WorkstationStore } from './ports';
import type { Projects } from './projects';

/** An upload through the service, kept so that a restart does not lose it; only `owner` may continue it. */
export interface UploadRecord {
  id: string;
  dataset: string;
  /** Relative to the dataset's prefix. */
  path: string;
  bucket: string;
  key: string;
  /** S3's UploadId: never shown to the browser. */
  s3UploadId: string;
  owner: string;
  size: number;
  partSize: number;
  parts: number;
  contentType: string;
  createdAt: string;
}

export interface DatasetStore {
  /** False when the name is taken. */
  insertDataset(dataset: Dataset): boolean;
  dataset(name: string): Dataset | undefined;
  /** Global ones and those of the given projects, by name. */
  visibleDatasets(projects: string[]): Dataset[];
  removeDataset(name: string): void;
  insertUpload(upload: UploadRecord): void;
  upload(id: string): UploadRecord | undefined;
  uploadsOf(dataset: string): UploadRecord[];
  removeUpload(id: string): void;
}

/** Who asks: their name and service roles (`admin` registers global datasets). */
export interface DatasetCaller {
  user: string;
  roles: string[];
}

/** A registered dataset as a workstation mounts it. */
export interface NamedDataset {
  name: string;
  bucket: string;
  /** `""` or ending in `/`. */
  prefix: string;
  readOnly: boolean;
  mountPath: string;
}

export interface DatasetsDeps {
  store: DatasetStore;
  objects: Pick<DatasetObjects, 'bucketExists' | 'abortUpload'>;
  workstations: Pick<WorkstationStore, 'listAll'>;
  projects: Pick<Projects, 'require' | 'listProjects' | 'roleOf'>;
  clock: Clock;
  logger: DomainLogger;
}

const NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Where a dataset is mounted on every workstation that attaches it. */
export function datasetMountPath(name: string): string {
  return `/data/${name}`;
}

export class Datasets {
  constructor(private readonly deps: DatasetsDeps) {}

  /**
   * Admins register for everyone; a project's admins with `project`.
   * @throws {PrismError} NAME_INVALID, INVALID_REQUEST, FORBIDDEN, PROJECT_NOT_FOUND, DATASET_EXISTS, DATASET_BUCKET_NOT_FOUND.
   */
  async registerDataset(caller: DatasetCaller, request: RegisterDatasetRequest): Promise<Dataset> {
    const { store, clock, logger } = this.deps;
    if (!NAME.test(request.name)) {
      throw new PrismError(
        'NAME_INVALID',
        400,
        'Invalid dataset name',
        `'${request.name}' is not a dataset name.`,
        'Use lower-case letters, digits and dashes, up to 63, starting and ending with a letter or digit (it becomes /data/<name>).'
      );
    }
    if (!BUCKET.test(request.bucket)) {
      throw invalidRequest(`'${request.bucket}' is not an S3 bucket name.`, 'Give the bucket name alone (3 to 63 lower-case letters, digits, dots and dashes), without s3:// or a path.');
    }
    const prefix = datasetPrefix(request.prefix ?? '');
    this.requireRegistrar(caller, request.project ?? null);
    if (store.dataset(request.name)) throw exists(request.name);
    if (!(await this.deps.objects.bucketExists(request.bucket))) {
      throw new PrismError(
        'DATASET_BUCKET_NOT_FOUND',
        404,
        'No such bucket',
        `The bucket '${request.bucket}' does not exist, or not in this account's reach.`,
        'Check the bucket name (S3 console or `aws s3 ls`); a bucket in another account needs a bucket policy that lets Prism list it.'
      );
    }
    const dataset: Dataset = {
      name: request.name,
      description: request.description ?? '',
      bucket: request.bucket,
      prefix,
      readOnly: request.readOnly ?? true,
      project: request.project ?? null,
      registeredBy: caller.user,
      registeredAt: clock.now().toISOString(),
      mountPath: datasetMountPath(request.name),
      s3Uri: `s3://${request.bucket}/${prefix}`
    };
    // Two registrations of one name at once: the database keeps one.
    if (!store.insertDataset(dataset)) throw exists(request.name);
    logger.info({ dataset: dataset.name, bucket: dataset.bucket, prefix, project: dataset.project, by: caller.user }, 'dataset registered');
    return dataset;
  }

  listDatasets(user: string): Dataset[] {
    return this.deps.store.visibleDatasets(this.deps.projects.listProjects(user).map(p => p.id));
  }

  /** @throws {PrismError} DATASET_NOT_FOUND when there is none the user may see. */
  getDataset(user: string, name: string): Dataset {
    const dataset = this.deps.store.dataset(name);
    if (!dataset || !this.canSee(user, dataset)) {
      throw notFound('dataset', name, 'List the datasets you can use with GET /datasets.');
    }
    return dataset;
  }

  /**
   * A dataset the user may upload into: registered read-write, and for a
   * project's, the user a member or admin of it (a viewer only looks).
   * @throws {PrismError} DATASET_NOT_FOUND, FORBIDDEN, DATASET_READ_ONLY.
   */
  writableDataset(user: string, name: string): Dataset {
    const dataset = this.getDataset(user, name);
    if (dataset.project !== null && this.deps.projects.roleOf(user, dataset.project) === 'viewer') {
      throw new PrismError(
        'FORBIDDEN',
        403,
        'Not allowed',
        `You are a viewer of project '${dataset.project}'; uploading into its datasets needs a member.`,
        'Ask a project admin to make you a member.'
      );
    }
    if (dataset.readOnly) {
      throw new PrismError(
        'DATASET_READ_ONLY',
        403,
        'Dataset is read-only',
        `Dataset '${name}' is registered read-only.`,
        'Upload into a dataset registered with readOnly: false, or ask whoever registered it to register a writable one.'
      );
    }
    return dataset;
  }

  /** For a launch or an attach: how to mount it. @throws {PrismError} DATASET_NOT_FOUND. */
  namedDataset(user: string, name: string): NamedDataset {
    const { bucket, prefix, readOnly, mountPath } = this.getDataset(user, name);
    return { name, bucket, prefix, readOnly, mountPath };
  }

  /**
   * The registrant's scope's admins forget the name; the bucket is never
   * touched. Uploads still open into it cannot be finished after, so they are aborted.
   * @throws {PrismError} DATASET_NOT_FOUND, FORBIDDEN, DATASET_IN_USE.
   */
  async deleteDataset(caller: DatasetCaller, name: string): Promise<void> {
    const dataset = this.getDataset(caller.user, name);
    this.requireRegistrar(caller, dataset.project);
    const users = this.deps.workstations
      .listAll()
      .filter(w => w.state !== 'terminated' && w.datasets.some(d => d.dataset === name));
    if (users.length > 0) {
      throw new PrismError(
        'DATASET_IN_USE',
        409,
        'Dataset in use',
        `Dataset '${name}' is attached to ${users.map(w => w.name).join(', ')}.`,
        `Terminate ${users.length === 1 ? 'that workstation' : 'those workstations'} (or detach the dataset) first, then delete it.`
      );
    }
    this.deps.store.removeDataset(name);
    for (const upload of this.deps.store.uploadsOf(name)) {
      this.deps.store.removeUpload(upload.id);
      await this.deps.objects.abortUpload(upload.bucket, upload.key, upload.s3UploadId).catch(error => {
        this.deps.logger.warn({ dataset: name, upload: upload.id, err: error }, 'could not abort an open upload of a deleted dataset');
      });
    }
    this.deps.logger.info({ dataset: name, by: caller.user }, 'dataset deleted');
  }

  /** Service admins for a global dataset; the project's admins for a project's. */
  private requireRegistrar(caller: DatasetCaller, project: string | null): void {
    if (project !== null) {
      this.deps.projects.require(caller.user, project, 'admin');
    } else if (!caller.roles.includes('admin')) {
      throw new PrismError(
        'FORBIDDEN',
        403,
        'Not allowed',
        'Only a Prism admin registers or deletes a dataset for everyone.',
        'Ask a Prism admin, or register it for your project with `project` if you are its admin.'
      );
    }
  }

  private canSee(user: string, dataset: Dataset): boolean {
    return dataset.project === null || this.deps.projects.roleOf(user, dataset.project) !== null;
  }
}

/** `""` for the whole bucket, else ending in `/`; no `..` and no empty segment. */
export function datasetPrefix(prefix: string): string {
  const normal = normalPrefix(prefix);
  if (normal.length > 512 || normal.split('/').slice(0, -1).some(segment => segment === '' || segment === '.' || segment === '..')) {
    throw invalidRequest(`'${prefix}' is not a usable prefix.`, "Give the folder within the bucket, like 'projects/genomes/', without '..' or '//'.");
  }
  return normal;
}

function exists(name: string): PrismError {
  return new PrismError('DATASET_EXISTS', 409, 'Dataset name taken', `A dataset '${name}' already exists.`, 'Pick another name, or delete the existing one first.');
}
