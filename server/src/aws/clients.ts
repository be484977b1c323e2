/**
 * One AWS client per service, built once from config (DESIGN, "Running it"):
 * region and endpoint from the environment, the SDK's retry strategy and
 * bounded timeouts (PRISM_AWS_MAX_ATTEMPTS, PRISM_AWS_RETRY_MODE,
 * PRISM_AWS_*_TIMEOUT_SECONDS). A try that gets no answer in time (a lost
 * connection, a slow endpoint) is cut and retried like a throttle or a 5xx.
 */
import { BackupClient } from '@aws-sdk/client-backup';
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { AwsRetrySettings, Config } from '../config';
import { applyCallHooks, type CallHooks } from './call-queue';

export interface AwsClients {
  ec2: EC2Client;
  ssm: SSMClient;
  sts: STSClient;
  s3: S3Client;
  iam: IAMClient;
  efs: EFSClient;
  backup: BackupClient;
  region: string;
}

/** The defaults of config.ts, for clients made outside the service (the CLI's profile check, tests). */
export const DEFAULT_AWS_RETRY: AwsRetrySettings = {
  maxAttempts: 5,
  mode: 'standard',
  connectTimeoutMs: 5_000,
  requestTimeoutMs: 60_000
};

/** An emulator accepts any key; these let the demo run with no AWS account. */
const EMULATOR_CREDENTIALS = { accessKeyId: 'prism-emulator', secretAccessKey: 'prism-emulator' };

const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI'
];

/** `profile`: an AWS profile chosen in the first-run wizard; its credentials win over the environment's. */
export function createAwsClients(
  config: Pick<Config, 'region' | 'awsEndpoint'> & { profile?: string; awsRetry?: AwsRetrySettings; hooks?: CallHooks },
  env: NodeJS.ProcessEnv = process.env
): AwsClients {
  const useEmulatorCredentials =
    config.awsEndpoint !== undefined && config.profile === undefined && !CREDENTIAL_VARIABLES.some(name => env[name]);
  const retry = config.awsRetry ?? DEFAULT_AWS_RETRY;
  const common = {
    region: config.region,
    maxAttempts: retry.maxAttempts,
    retryMode: retry.mode,
    // Without throwOnRequestTimeout the SDK only warns and keeps waiting: the timeout would bound nothing.
    requestHandler: { connectionTimeout: retry.connectTimeoutMs, requestTimeout: retry.requestTimeoutMs, throwOnRequestTimeout: true },
    ...(config.awsEndpoint !== undefined && { endpoint: config.awsEndpoint }),
    ...(config.profile !== undefined && { profile: config.profile }),
    ...(useEmulatorCredentials && { credentials: EMULATOR_CREDENTIALS })
  };
  const clients: AwsClients = {
    ec2: new EC2Client(common),
    ssm: new SSMClient(common),
    sts: new STSClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    // IAM is global; the SDK sends it to the global endpoint whatever the region (or to the emulator).
    iam: new IAMClient(common),
    efs: new EFSClient(common),
    backup: new BackupClient(common),
    region: config.region
  };
  // Every client passes the one queue (PRISM_AWS_MAX_CONCURRENCY) and is timed for the metrics.
  const hooks = config.hooks;
  if (hooks) [clients.ec2, clients.ssm, clients.sts, clients.s3, clients.iam, clients.efs, clients.backup].forEach(c => applyCallHooks(c, hooks));
  return clients;
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.ec2.destroy();
  clients.ssm.destroy();
  clients.sts.destroy();
  clients.s3.destroy();
  clients.iam.destroy();
  clients.efs.destroy();
  clients.backup.destroy();
}
