/**
 * The prepare-storage phase of a launch: the workstation's own IAM role for
 * its S3 datasets and its boot report objects, made beside the other
 * preparations, handed to RunInstances, and removed with the workstation.
 */
import type { LaunchRequest } from '../contract/api';
import { PrismError } from './errors';
import type { RunInstanceSpec, WorkstationRoleSpec } from './ports';
import {
  bootedReports,
  launchReady,
  OWNER,
  phasesOf,
  report,
  request,
  settled,
  startDomain,
  stopDomains,
  until,
  type Domain
} from './testing/harness';

afterEach(stopDomains);

const GENOMES: LaunchRequest['datasets'] = [{ s3: { bucket: 'genomes-lab', prefix: 'hg38', readOnly: true } }];
const REPORT_BUCKET = 'prism-123456789012-eu-west-1';

function runSpec(domain: Domain): RunInstanceSpec {
  return domain.cloud.callsOf('runInstance')[0][0] as RunInstanceSpec;
}

function roleSpecs(domain: Domain): WorkstationRoleSpec[] {
  return domain.cloud.callsOf('ensureWorkstationRole').map(([spec]) => spec as WorkstationRoleSpec);
}

const denied = new PrismError(
  'AWS_PERMISSION_DENIED',
  403,
  'Not allowed by AWS',
  'AWS refused iam:CreateRole.',
  "Allow 'iam:CreateRole' in the IAM policy of the role or user Prism runs as."
);

describe('a workstation’s IAM role', () => {
  it('is made for its S3 datasets, with the prefix as mounted, and the instance runs with its profile', async () => {
    const domain = startDomain();
    const record = await launchReady(domain, { datasets: GENOMES });
    expect(roleSpecs(domain)).toEqual([
      {
        launchId: record.id,
        owner: OWNER,
        datasets: [{ bucket: 'genomes-lab', prefix: 'hg38/', readOnly: true }],
        reportBucket: null
      }
    ]);
    expect(runSpec(domain).instanceProfile).toBe(`prism-ws-${record.id}`);
    const lines = domain.store.events(record.id).flatMap(e => (e.kind === 'log' ? [e.line] : []));
    expect(lines).toContain(`instance profile prism-ws-${record.id}: reads s3://genomes-lab/hg38/`);
  });

  it('is not made for a workstation without datasets that reports over HTTP', async () => {
    const domain = startDomain();
    await launchReady(domain);
    expect(domain.cloud.callsOf('ensureWorkstationRole')).toEqual([]);
    expect(runSpec(domain).instanceProfile).toBeUndefined();
  });

  it('lets a workstation that reports through S3 write its report objects, which its bootstrap writes there', async () => {
    const domain = startDomain({ settings: { reportUrl: () => null } });
    const record = await launchReady(domain);
    expect(roleSpecs(domain)).toEqual([{ launchId: record.id, owner: OWNER, datasets: [], reportBucket: REPORT_BUCKET }]);
    const { userData, instanceProfile } = runSpec(domain);
    expect(instanceProfile).toBe(`prism-ws-${record.id}`);
    expect(userData).toContain(`aws s3 cp`);
    expect(userData).toContain(`'${REPORT_BUCKET}'`);
  });

  it('is made while the image is still being found, not after', async () => {
    const domain = startDomain();
    const release = domain.cloud.hold('resolveImage');
    const { id } = domain.workstations.launchWorkstation(OWNER, request({ datasets: GENOMES }));
    await until(domain, id, () => domain.cloud.callsOf('ensureWorkstationRole').length === 1);
    expect(domain.cloud.callsOf('runInstance')).toEqual([]);
    release();
    report(domain, id, bootedReports());
    expect((await settled(domain, id)).phase).toBe('ready');
  });

  it('that cannot be made fails the launch at prepare-storage with the cloud’s hint, and no instance starts', async () => {
    const domain = startDomain();
    domain.cloud.fail('ensureWorkstationRole', denied);
    const { id } = domain.workstations.launchWorkstation(OWNER, request({ datasets: GENOMES }));
    const record = await settled(domain, id);
    expect(record.error).toMatchObject({ code: 'AWS_PERMISSION_DENIED', hint: denied.hint });
    expect(phasesOf(domain, id).slice(-2)).toEqual(['prepare-storage', 'failed']);
    expect(domain.cloud.callsOf('runInstance')).toEqual([]);
  });

  it('fails the launch with the report bucket’s own problem when that bucket cannot be made', async () => {
    const taken = new PrismError('REPORT_BUCKET_TAKEN', 409, 'Taken', 'The bucket exists.', 'Set PRISM_REPORT_BUCKET.');
    const domain = startDomain({ settings: { reportUrl: () => null, reportBucket: () => Promise.reject(taken) } });
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    expect((await settled(domain, id)).error).toMatchObject({ code: 'REPORT_BUCKET_TAKEN' });
    expect(domain.cloud.callsOf('runInstance')).toEqual([]);
  });

  it('is asked for again by a launch resumed after a restart, which runs with the same profile', async () => {
    const first = startDomain();
    first.cloud.loseAnswer('runInstance');
    const { id } = first.workstations.launchWorkstation(OWNER, request({ datasets: GENOMES }));
    await until(first, id, () => first.cloud.instanceOf(id) !== undefined);

    const second = startDomain({ store: first.store, cloud: first.cloud });
    second.runner.resumeUnfinished();
    report(second, id, bootedReports());
    expect((await settled(second, id)).phase).toBe('ready');
    expect(roleSpecs(second).map(spec => spec.launchId)).toEqual([id, id]);
    expect(second.cloud.roles.size).toBe(1);
    expect(second.cloud.callsOf('runInstance').map(([spec]) => (spec as RunInstanceSpec).instanceProfile)).toEqual([
      `prism-ws-${id}`,
      `prism-ws-${id}`
    ]);
  });
});

describe('removing a workstation’s IAM role', () => {
  it('happens when the workstation is terminated', async () => {
    const domain = startDomain();
    const record = await launchReady(domain, { datasets: GENOMES });
    expect(domain.cloud.roles.has(record.id)).toBe(true);
    await domain.workstations.terminateWorkstation(OWNER, record.id);
    expect(domain.cloud.roles.size).toBe(0);
  });

  it('happens when the launch fails, after its instance is terminated', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request({ datasets: GENOMES }));
    report(domain, id, [{ seq: 1, type: 'failed', step: 'datasets', message: 'mount-s3 failed' }]);
    expect((await settled(domain, id)).error).toMatchObject({ code: 'BOOTSTRAP_FAILED' });
    const calls = domain.cloud.calls.map(c => c.method);
    expect(calls.indexOf('removeWorkstationRole')).toBeGreaterThan(calls.indexOf('terminateInstance'));
    expect(domain.cloud.roles.size).toBe(0);
  });

  it('happens when the launch fails before any instance, once the role it was making is made', async () => {
    const domain = startDomain();
    const release = domain.cloud.hold('ensureWorkstationRole');
    domain.cloud.imageOfWrongArch('arm64', 'x86_64');
    const { id } = domain.workstations.launchWorkstation(OWNER, request({ datasets: GENOMES }));
    // Long enough for the refusal of the image to be handled, were it not waiting for the role.
    await new Promise(resolve => setTimeout(resolve, 50));
    release();
    expect((await settled(domain, id)).error).toMatchObject({ code: 'ARCH_MISMATCH' });
    expect(domain.cloud.roles.size).toBe(0);
  });

  it('leaves nothing behind when the workstation is terminated while its role is being made', async () => {
    const domain = startDomain();
    const release = domain.cloud.hold('ensureWorkstationRole');
    const { id } = domain.workstations.launchWorkstation(OWNER, request({ datasets: GENOMES }));
    await until(domain, id, () => domain.cloud.callsOf('ensureWorkstationRole').length === 1);

    await domain.workstations.terminateWorkstation(OWNER, id);
    release();
    await until(domain, id, () => !domain.runner.isLaunching(id));

    expect(domain.cloud.roles.size).toBe(0);
    expect(domain.cloud.callsOf('runInstance')).toEqual([]);
    expect(domain.store.get(id)?.state).toBe('terminated');
  });

  it('that fails does not fail the terminate: the instance is gone either way', async () => {
    const domain = startDomain();
    const record = await launchReady(domain, { datasets: GENOMES });
    domain.cloud.fail('removeWorkstationRole', denied);
    const shown = await domain.workstations.terminateWorkstation(OWNER, record.id);
    expect(shown.state).toBe('terminated');
    expect(domain.cloud.instanceOf(record.id)?.state).toBe('terminated');
  });
});
