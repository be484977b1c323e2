import { PrismError } from '../domain/errors';
import { awsCall, toPrismError } from './errors';

/** An error shaped as the SDK throws it for a service exception. */
function serviceError(name: string, message: string, fault: 'client' | 'server' = 'client', status = 400) {
  return Object.assign(new Error(message), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

describe('turning AWS errors into problems a person can act on', () => {
  it('names the IAM action that was refused', () => {
    const problem = toPrismError(
      serviceError('UnauthorizedOperation', 'You are not authorized to perform this operation.', 'client', 403),
      'ec2:RunInstances'
    );
    expect(problem).toMatchObject({ code: 'AWS_PERMISSION_DENIED', status: 403 });
    expect(problem.hint).toContain("'ec2:RunInstances'");
    expect(problem.hint).toMatch(/IAM/);
  });

  it('carries the policy statement that grants the refused action', () => {
    const problem = toPrismError(serviceError('AccessDenied', 'User is not authorized to perform: iam:PassRole', 'client', 403), 'iam:PassRole');
    expect(problem).toMatchObject({
      code: 'AWS_PERMISSION_DENIED',
      policyStatement: {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: 'arn:aws:iam::*:role/prism-ws-*',
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } }
      }
    });
    expect(toPrismError(serviceError('UnauthorizedOperation', 'no'), 'ec2:RunInstances')).toMatchObject({
      policyStatement: { Sid: 'Allowec2RunInstances', Action: 'ec2:RunInstances', Resource: '*' }
    });
  });

  it.each(['InstanceLimitExceeded', 'VcpuLimitExceeded'])('points %s at Service Quotas', name => {
    const problem = toPrismError(serviceError(name, 'You have requested more vCPU capacity'), 'ec2:RunInstances');
    expect(problem).toMatchObject({ code: 'QUOTA_EXCEEDED', status: 429 });
    expect(problem.hint).toMatch(/Service Quotas/);
  });

  it('reads an unknown image as IMAGE_NOT_FOUND', () => {
    expect(toPrismError(serviceError('InvalidAMIID.NotFound', 'The image id does not exist'), 'ec2:RunInstances')).toMatchObject({
      code: 'IMAGE_NOT_FOUND'
    });
  });

  it('tells a person with no credentials how to get some', () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError'
    });
    const problem = toPrismError(missing, 'sts:GetCallerIdentity');
    expect(problem.code).toBe('AWS_CREDENTIALS_MISSING');
    expect(problem.hint).toMatch(/AWS_PROFILE/);
    expect(problem.hint).toMatch(/aws sso login/);
  });

  it('names PRISM_AWS_ENDPOINT and the region when AWS cannot be reached', () => {
    // Node wraps each address's refused connection in an AggregateError.
    const refused = Object.assign(new AggregateError([Object.assign(new Error('connect'), { code: 'ECONNREFUSED' })]), {
      $metadata: {}
    });
    const problem = toPrismError(refused, 'ec2:DescribeInstances');
    expect(problem).toMatchObject({ code: 'CLOUD_UNREACHABLE', status: 503 });
    expect(problem.hint).toMatch(/PRISM_AWS_ENDPOINT/);
    expect(problem.hint).toMatch(/PRISM_REGION/);
  });

  it('reads a connection reset the SDK re-wrapped as text as AWS not reached, not as a rejected request', () => {
    const wrapped = Object.assign(new Error('AWS SDK error wrapper for Error: socket hang up'), { $metadata: {} });
    expect(toPrismError(wrapped, 'ec2:RunInstances')).toMatchObject({ code: 'CLOUD_UNREACHABLE', status: 503, detail: expect.stringContaining('ECONNRESET') });
  });

  it('offers stopping when a workstation cannot hibernate', () => {
    const problem = toPrismError(
      serviceError('UnsupportedHibernationConfiguration', 'For hibernation, the instance must be configured'),
      'ec2:StopInstances'
    );
    expect(problem).toMatchObject({ code: 'HIBERNATION_UNSUPPORTED', status: 409 });
    expect(problem.hint).toMatch(/stop it/);
  });

  it('says AWS is throttling once retries are spent', () => {
    expect(toPrismError(serviceError('ThrottlingException', 'Rate exceeded'), 'ssm:GetParameter')).toMatchObject({
      code: 'CLOUD_THROTTLED',
      status: 503
    });
  });

  it('blames AWS, not the request, for a 5xx', () => {
    expect(toPrismError(serviceError('InternalError', 'oops', 'server', 500), 'ec2:RunInstances')).toMatchObject({
      code: 'CLOUD_ERROR',
      status: 502
    });
  });

  it('leaves a problem that is already a PrismError as it is', async () => {
    const original = new PrismError('IMAGE_ARCH_MISMATCH', 400, 't', 'd', 'h');
    await expect(awsCall('ec2:DescribeImages', () => Promise.reject(original))).rejects.toBe(original);
  });
});
