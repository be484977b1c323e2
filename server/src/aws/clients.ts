/**
 * One AWS client per service, built once from config (DESIGN, "Running it"):
 * region and endpoint from the environment, the SDK's standard retry strategy.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { EFSClient } from '@aws-sdk/client-efs';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { Config } from '../config';

export interface AwsClients {
  ec2: EC2Client;
  ssm: SSMClient;
  sts: STSClient;
  s3: S3Client;
  iam: IAMClient;
  efs: EFSClient;
  region: string;
}

/** Attempts per call, first try included; throttling and 5xx are retried with backoff. */
export const AWS_MAX_ATTEMPTS = 5;

const CONNECT_TIMEOUT_MS = 5_000;
const REQUEST_TIMEOUT_MS = 60_000;

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
  config: Pick<Config, 'region' | 'awsEndpoint'> & { profile?: string },
  env: NodeJS.ProcessEnv = process.env
): AwsClients {
  const useEmulatorCredentials =
    config.awsEndpoint !== undefined && config.profile === undefined && !CREDENTIAL_VARIABLES.some(name => env[name]);
  const common = {
    region: config.region,
    maxAttempts: AWS_MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: { connectionTimeout: CONNECT_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS },
    ...(config.awsEndpoint !== undefined && { endpoint: config.awsEndpoint }),
    ...(config.profile !== undefined && { profile: config.profile }),
    ...(useEmulatorCredentials && { credentials: EMULATOR_CREDENTIALS })
  };
  return {
    ec2: new EC2Client(common),
    ssm: new SSMClient(common),
    sts: new STSClient(common),
    s3: new S3Client({ ...common, forcePathStyle: true }),
    // IAM is global; the SDK sends it to the global endpoint whatever the region (or to the emulator).
    iam: new IAMClient(common),
    efs: new EFSClient(common),
    region: config.region
  };
}

export function destroyAwsClients(clients: AwsClients): void {
  clients.ec2.destroy();
  clients.ssm.destroy();
  clients.sts.destroy();
  clients.s3.destroy();
  clients.iam.destroy();
  clients.efs.destroy();
}
