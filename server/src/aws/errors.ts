/**
 * The one place SDK errors become PrismErrors: a stable code, and a hint the
 * person reading it can act on. `action` is the IAM action that was called
 * (`ec2:RunInstances`), so a permission problem names what to grant.
 */
import { PermissionDeniedError, PrismError } from '../domain/errors';
import { policyStatementFor } from './policy-statement';

interface SdkErrorShape {
  name?: string;
  code?: string;
  message?: string;
  errors?: unknown[];
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

const PERMISSION_DENIED = new Set([
  'UnauthorizedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'Forbidden'
]);
const QUOTA_EXCEEDED = new Set([
  'InstanceLimitExceeded',
  'VcpuLimitExceeded',
  'MaxSpotInstanceCountExceeded',
  'VolumeLimitExceeded',
  'ResourceLimitExceeded'
]);
const THROTTLED = new Set([
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'SlowDown',
  'RequestThrottled'
]);
const CREDENTIALS_REJECTED = new Set([
  'AuthFailure',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidAccessKeyId'
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

export async function awsCall<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toPrismError(error, action);
  }
}

export function toPrismError(error: unknown, action: string): PrismError {
  if (error instanceof PrismError) return error;
  const sdk = (error ?? {}) as SdkErrorShape;
  const name = sdk.name ?? 'Error';
  const message = sdk.message ?? String(error);

  if (PERMISSION_DENIED.has(name)) {
    return new PermissionDeniedError(
      `AWS refused ${action}: ${message}`,
      `Allow '${action}' in the IAM policy of the role or user Prism runs as: add the policyStatement shown with this problem (docs/iam-policy.json is the whole policy).`,
      policyStatementFor(action)
    );
  }
  if (QUOTA_EXCEEDED.has(name)) {
    return new PrismError(
      'QUOTA_EXCEEDED',
      429,
      'AWS quota reached',
      `AWS refused ${action}: ${message}`,
      'Stop or terminate a workstation you no longer use, pick a smaller size, or ask for a higher limit in the Service Quotas console (EC2 > Running On-Demand instances).'
    );
  }
  if (name === 'InsufficientInstanceCapacity') {
    return new PrismError(
      'CAPACITY_UNAVAILABLE',
      503,
      'No capacity for this instance type',
      `AWS has no capacity right now for ${action}: ${message}`,
      'Try again in a few minutes, or pick another size or the other architecture.'
    );
  }
  if (name.startsWith('InvalidAMIID')) {
    return new PrismError(
      'IMAGE_NOT_FOUND',
      404,
      'Image not found',
      `AWS does not know the image: ${message}`,
      "Check the template's image for this region and architecture; images are regional."
    );
  }
  if (name === 'InvalidInstanceType' || (name === 'InvalidParameterValue' && /instance type/i.test(message))) {
    return instanceTypeUnknown(message);
  }
  if (name.startsWith('InvalidInstanceID')) {
    return new PrismError(
      'INSTANCE_NOT_FOUND',
      404,
      'Instance not found',
      `AWS does not know the instance: ${message}`,
      'It may have been terminated outside Prism; refresh the list of workstations.'
    );
  }
  if (name === 'UnsupportedHibernationConfiguration' || (name === 'UnsupportedOperation' && /hibernat/i.test(message))) {
    return new PrismError(
      'HIBERNATION_UNSUPPORTED',
      409,
      'This workstation cannot hibernate',
      `AWS refused ${action}: ${message}`,
      'It was not launched with hibernation enabled, or its instance type does not support it; stop it instead.'
    );
  }
  if (name === 'IncorrectInstanceState') {
    return new PrismError(
      'INSTANCE_STATE_CONFLICT',
      409,
      'Not possible in the instance’s current state',
      `AWS refused ${action}: ${message}`,
      'Wait until the workstation has finished its current change of state, then try again.'
    );
  }
  if (name === 'CredentialsProviderError') {
    return new PrismError(
      'AWS_CREDENTIALS_MISSING',
      503,
      'No AWS credentials',
      `Prism found no AWS credentials to call ${action}.`,
      'Set AWS_PROFILE or run `aws sso login` before starting Prism; against the emulator, set PRISM_AWS_ENDPOINT.'
    );
  }
  if (CREDENTIALS_REJECTED.has(name)) {
    return new PrismError(
      'AWS_CREDENTIALS_INVALID',
      503,
      'AWS rejected the credentials',
      `AWS rejected the credentials for ${action}: ${message}`,
      'Refresh them (`aws sso login`, or a new access key) and restart Prism.'
    );
  }
  if (THROTTLED.has(name)) {
    return new PrismError(
      'CLOUD_THROTTLED',
      503,
      'AWS is throttling requests',
      `AWS kept throttling ${action} after retries: ${message}`,
      'Wait a minute and try again; if it persists, fewer parallel launches help.'
    );
  }
  if (isNetworkError(sdk)) {
    return new PrismError(
      'CLOUD_UNREACHABLE',
      503,
      'AWS cannot be reached',
      `Prism could not reach AWS for ${action}: ${networkCode(sdk) ?? message}`,
      'Check the network and the region (PRISM_REGION); with the emulator, check that it runs at PRISM_AWS_ENDPOINT.'
    );
  }
  if (sdk.$fault === 'server' || (sdk.$metadata?.httpStatusCode ?? 0) >= 500) {
    return new PrismError(
      'CLOUD_ERROR',
      502,
      'AWS failed',
      `AWS failed on ${action} after retries: ${message}`,
      'This is on the AWS side; try again in a few minutes.'
    );
  }
  return new PrismError(
    'CLOUD_REQUEST_REJECTED',
    502,
    'AWS rejected the request',
    `AWS refused ${action} (${name}): ${message}`,
    'Check the template and the request; the AWS error above names the part it did not accept.'
  );
}

export function instanceTypeUnknown(detail: string): PrismError {
  return new PrismError(
    'INSTANCE_TYPE_UNKNOWN',
    400,
    'Unknown instance type',
    detail,
    'Pick one of the sizes the template offers, or an instance type offered in this region (for example m7g.large for arm64, m7i.large for x86_64).'
  );
}

function networkCode(sdk: SdkErrorShape): string | undefined {
  if (sdk.code !== undefined && NETWORK_CODES.has(sdk.code)) return sdk.code;
  // Node's happy-eyeballs connect wraps each address's failure in an AggregateError.
  for (const inner of sdk.errors ?? []) {
    const code = (inner as SdkErrorShape).code;
    if (code !== undefined && NETWORK_CODES.has(code)) return code;
  }
  // The SDK's retry layer re-wraps an error from another realm (a VM context, as
  // under jest) as text: "AWS SDK error wrapper for Error: connect ECONNREFUSED ...".
  // A connection reset is "socket hang up" in that text, its code lost (the soak's lost RunInstances answers).
  if (sdk.message?.includes('socket hang up')) return 'ECONNRESET';
  return [...NETWORK_CODES].find(code => sdk.message?.includes(code));
}

function isNetworkError(sdk: SdkErrorShape): boolean {
  return networkCode(sdk) !== undefined || sdk.name === 'TimeoutError' || sdk.name === 'RequestTimeout';
}
