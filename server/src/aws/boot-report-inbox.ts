/**
 * Boot reports through S3, for a workstation that cannot reach the service
 * (Prism on a laptop): the instance writes one object per report,
 * `prism-reports/<launch id>/<seq, 8 digits>.json`, and the service reads the
 * ones after the last it applied. Key order is seq order, so S3's sorted
 * listing with StartAfter gives exactly the new ones.
 */
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  type BucketLocationConstraint
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import type { Config } from '../config';
import { ActivitySchema } from '../http/activity-schema';
import { MountStatusesSchema, SyncResultSchema } from '../http/storage-report-schema';
import { desiredStateKey, type DesiredState } from '../domain/mount-spec';
import { PrismError } from '../domain/errors';
import type { BootReport, BootReportInbox } from '../domain/ports';
import type { Logger } from '../logger';
import type { AwsClients } from './clients';
import { awsCall, toPrismError } from './errors';
import { callerIdentity } from './identity';

export const REPORT_PREFIX = 'prism-reports';
const SEQ_DIGITS = 8;

/** The object a workstation writes for report `seq` of launch `launchId`. */
export function reportKey(launchId: string, seq: number): string {
  return `${REPORT_PREFIX}/${launchId}/${String(seq).padStart(SEQ_DIGITS, '0')}.json`;
}

const ReportSchema = z.object({
  seq: z.number().int().nonnegative(),
  type: z.enum(['step', 'log', 'ready', 'failed', 'activity', 'mounts', 'sync']),
  token: z.string(),
  step: z.string().optional(),
  index: z.number().int().optional(),
  total: z.number().int().optional(),
  message: z.string().optional(),
  line: z.string().optional(),
  services: z.array(z.object({ name: z.string(), port: z.number().int() })).optional(),
  activity: ActivitySchema.optional(),
  mounts: MountStatusesSchema.optional(),
  sync: SyncResultSchema.optional()
});

export interface S3BootReportInbox extends BootReportInbox {
  /** The bucket reports go to: PRISM_REPORT_BUCKET, else `prism-<account>-<region>`. */
  bucket(): Promise<string>;
  /** Creates the bucket when it does not exist yet; returns its name. */
  ensureReportBucket(): Promise<string>;
  publishDesired(launchId: string, state: DesiredState): Promise<void>;
}

export function createS3BootReportInbox(deps: {
  clients: AwsClients;
  config: Pick<Config, 'reportBucket'>;
  logger: Logger;
}): S3BootReportInbox {
  const { clients, config } = deps;
  const logger = deps.logger.child({ module: 'boot-report-inbox' });
  let bucketName: Promise<string> | undefined;

  const bucket = (): Promise<string> => {
    if (config.reportBucket) return Promise.resolve(config.reportBucket);
    bucketName ??= callerIdentity(clients)
      .then(({ account, region }) => `prism-${account}-${region}`)
      .catch(error => {
        bucketName = undefined;
        throw error;
      });
    return bucketName;
  };

  async function readReport(name: string, key: string): Promise<(BootReport & { token: string }) | undefined> {
    const object = await awsCall('s3:GetObject', () => clients.s3.send(new GetObjectCommand({ Bucket: name, Key: key })));
    const text = (await object.Body?.transformToString('utf8')) ?? '';
    try {
      return ReportSchema.parse(JSON.parse(text));
    } catch {
      logger.warn({ bucket: name, key }, 'ignoring a boot report that is not valid JSON of the report schema');
      return undefined;
    }
  }

  async function fetch(launchId: string, afterSeq: number): Promise<(BootReport & { token: string })[]> {
    const name = await bucket();
    const reports: (BootReport & { token: string })[] = [];
    await awsCall('s3:ListBucket', async () => {
      const pages = paginateListObjectsV2(
        { client: clients.s3 },
        {
          Bucket: name,
          Prefix: `${REPORT_PREFIX}/${launchId}/`,
          StartAfter: afterSeq < 0 ? undefined : reportKey(launchId, afterSeq)
        }
      );
      for await (const page of pages) {
        const keys = (page.Contents ?? []).flatMap(object => (object.Key ? [object.Key] : []));
        const read = await Promise.all(keys.map(key => readReport(name, key)));
        for (const report of read) if (report && report.seq > afterSeq) reports.push(report);
      }
    });
    return reports.sort((a, b) => a.seq - b.seq);
  }

  async function ensureReportBucket(): Promise<string> {
    const name = await bucket();
    if (await bucketIsOurs(clients, name)) return name;
    try {
      await clients.s3.send(
        new CreateBucketCommand({
          Bucket: name,
          // us-east-1 is the one region that refuses its own name as a location.
          ...(clients.region !== 'us-east-1' && {
            CreateBucketConfiguration: { LocationConstraint: clients.region as BucketLocationConstraint }
          })
        })
      );
      logger.info({ bucket: name }, 'created the boot report bucket');
    } catch (error) {
      const code = (error as Error).name;
      if (code === 'BucketAlreadyExists') throw bucketTaken(name);
      if (code !== 'BucketAlreadyOwnedByYou') throw toPrismError(error, 's3:CreateBucket');
    }
    return name;
  }

  /** The workstation's desired state, where its agent reads it each round (its role may read this one key). */
  async function publishDesired(launchId: string, state: DesiredState): Promise<void> {
    const name = await bucket();
    await awsCall('s3:PutObject', () =>
      clients.s3.send(new PutObjectCommand({ Bucket: name, Key: desiredStateKey(launchId), Body: JSON.stringify(state), ContentType: 'application/json' }))
    );
  }

  return { fetch, bucket, ensureReportBucket, publishDesired };
}

async function bucketIsOurs(clients: AwsClients, name: string): Promise<boolean> {
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: name }));
    return true;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 404) return false;
    if (status === 403) throw bucketTaken(name);
    throw toPrismError(error, 's3:ListBucket');
  }
}

function bucketTaken(name: string): PrismError {
  return new PrismError(
    'REPORT_BUCKET_TAKEN',
    409,
    'The boot report bucket belongs to someone else',
    `The S3 bucket '${name}' exists and Prism may not use it.`,
    'Set PRISM_REPORT_BUCKET to a bucket name of your own.'
  );
}
