/**
 * The prepare-storage phase of a launch: where the workstation sends its
 * reports, and the IAM role it needs for its S3 datasets and its report
 * objects. Without either it gets no role at all.
 */
import { normalPrefix } from './bootstrap-steps';
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
  record: WorkstationRecord
): Promise<PreparedStorage> {
  const url = settings.reportUrl();
  const report = { url, bucket: url ? null : await settings.reportBucket() };
  const datasets = s3Mounts(record).map(({ bucket, prefix, readOnly }) => ({ bucket, prefix: normalPrefix(prefix), readOnly }));
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

export function describeStorage(record: WorkstationRecord): string {
  const mounts = s3Mounts(record);
  return mounts.length
    ? `Preparing ${mounts.length} dataset mount${mounts.length > 1 ? 's' : ''} (${mounts.map(m => `s3://${m.bucket}/${m.prefix}`).join(', ')})…`
    : 'No datasets to attach.';
}

export function describeAccess(record: WorkstationRecord, reportBucket: string | null): string {
  const datasets = s3Mounts(record).map(m => `${m.readOnly ? 'reads' : 'reads and writes'} s3://${m.bucket}/${normalPrefix(m.prefix)}`);
  const reports = reportBucket ? [`writes its boot reports to s3://${reportBucket}/prism-reports/${record.id}/`] : [];
  return [...datasets, ...reports].join(', ');
}
