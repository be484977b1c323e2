/**
 * The prepare-storage phase of a launch: where the workstation sends its
 * reports, and the IAM role it needs for its S3 datasets and its report
 * objects. Without either it gets no role at all.
 */
import type { DatasetRequest } from '../contract/api';
import { normalPrefix } from './bootstrap-steps';
import type { NamedDataset } from './datasets';
import { invalidRequest, PrismError } from './errors';
import type { LaunchSettings } from './launch';
import type { Cloud, WorkstationRecord } from './ports';

export interface PreparedStorage {
  report: { url: string | null; bucket: string | null };
  /** Only when the workstation has S3 datasets or writes report objects. */
  instanceProfile?: string;
}

export async function prepareStorage(
  cloud: Pick<Cloud, 'ensureWorkstationRole'>,
  settings: Pick<LaunchSettings, 'reportUrl' | 'reportBucket'>,
  record: WorkstationRecord,
  lookup?: DatasetLookup
): Promise<PreparedStorage> {
  const url = settings.reportUrl();
  const report = { url, bucket: url ? null : await settings.reportBucket() };
  const datasets = datasetMounts(record, lookup).map(({ bucket, prefix, readOnly }) => ({ bucket, prefix: normalPrefix(prefix), readOnly }));
  if (datasets.length === 0 && !report.bucket) {
    return { report };
  }
  const instanceProfile = await cloud.ensureWorkstationRole({
    launchId: record.id,
    owner: record.owner,
    datasets,
    reportBucket: report.bucket
  });
  return { report, instanceProfile };
}

/** The workstation's S3 datasets, each on its own mount point (a bucket mounted twice gets `-2`, `-3`, ...). */
export function s3Mounts(record: WorkstationRecord): { bucket: string; prefix: string; readOnly: boolean; mountPoint: string }[] {
  const used = new Set<string>();
  return record.datasets.flatMap(d => {
    if (!d.s3) {
      return [];
    }
    let mountPoint = `/mnt/s3/${d.s3.bucket}`;
    for (let n = 2; used.has(mountPoint); n++) {
      mountPoint = `/mnt/s3/${d.s3.bucket}-${n}`;
    }
    used.add(mountPoint);
    return [{ bucket: d.s3.bucket, prefix: d.s3.prefix ?? '', readOnly: d.s3.readOnly ?? true, mountPoint }];
  });
}

/** A registered dataset the owner may use (domain/datasets.ts); throws DATASET_NOT_FOUND. */
export type DatasetLookup = (user: string, name: string) => NamedDataset;

/** Every S3 mount: the buckets given at launch, then the registered datasets at `/data/<name>`. */
export function datasetMounts(record: WorkstationRecord, lookup?: DatasetLookup): ReturnType<typeof s3Mounts> {
  const named = namedDatasets(record.owner, record.datasets, lookup).map(d => ({
    bucket: d.bucket,
    prefix: d.prefix,
    readOnly: d.readOnly,
    mountPoint: d.mountPath
  }));
  return [...s3Mounts(record), ...named];
}

/**
 * The registered datasets a launch names, as `owner` may use them; checked
 * before a launch is recorded, and again when it prepares its storage.
 * @throws {PrismError} DATASET_NOT_FOUND, DATASETS_UNAVAILABLE, INVALID_REQUEST (one listed twice).
 */
export function namedDatasets(owner: string, datasets: DatasetRequest[], lookup?: DatasetLookup): NamedDataset[] {
  const names = datasets.flatMap(d => (d.dataset ? [d.dataset] : []));
  if (names.length === 0) return [];
  if (!lookup) {
    throw new PrismError('DATASETS_UNAVAILABLE', 409, 'Named datasets are not available', 'This service has no dataset registry.', 'Launch with `{ s3: { bucket, prefix } }` instead.');
  }
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw invalidRequest(`Dataset '${twice}' is listed twice.`, 'List each dataset once; each is mounted at /data/<name>.');
  return names.map(name => lookup(owner, name));
}

export function describeStorage(record: WorkstationRecord, lookup?: DatasetLookup): string {
  const mounts = datasetMounts(record, lookup);
  return mounts.length
    ? `Preparing ${mounts.length} dataset mount${mounts.length > 1 ? 's' : ''} (${mounts.map(m => `s3://${m.bucket}/${m.prefix}`).join(', ')})…`
    : 'No datasets to attach.';
}

export function describeAccess(record: WorkstationRecord, reportBucket: string | null, lookup?: DatasetLookup): string {
  const datasets = datasetMounts(record, lookup).map(m => `${m.readOnly ? 'reads' : 'reads and writes'} s3://${m.bucket}/${normalPrefix(m.prefix)}`);
  const reports = reportBucket ? [`writes its boot reports to s3://${reportBucket}/prism-reports/${record.id}/`] : [];
  return [...datasets, ...reports].join(', ');
}
