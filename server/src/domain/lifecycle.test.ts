/**
 * Living with a workstation: hibernation asked for at launch where EC2 allows
 * it and refused with the reason where not, resize within the arch, the SSH
 * config and the owner's key, and the health check's failure that names the
 * service and port.
 */
import { instanceTypeProblem } from '../templates/instance-type-check';
import { PrismError } from './errors';
import type { RunInstanceSpec } from './ports';
import { hibernationSupport } from './hibernation';
import { Resizer } from './resize';
import { OwnerKeys } from './keys';
import {
  OWNER,
  StubCatalog,
  bootedReports,
  defaultCatalog,
  launchReady,
  network,
  report,
  request,
  settled,
  silentLogger,
  startDomain,
  stopDomains,
  template,
  type Domain
} from './testing/harness';

afterEach(stopDomains);

const statesOf = (domain: Domain, id: string): string[] =>
  domain.sink.published.flatMap(({ event }) => (event.kind === 'state' && event.id === id ? [event.state] : []));

function resizerOf(domain: Domain): Resizer {
  return new Resizer({
    store: domain.store,
    cloud: domain.cloud,
    catalog: domain.catalog,
    timeline: domain.timeline,
    runner: domain.runner,
    network,
    checkInstanceType: instanceTypeProblem,
    logger: silentLogger(),
    region: 'us-east-1'
  });
}

describe('hibernation', () => {
  it('launches with hibernation where the family, RAM and image allow it, growing the root volume past RAM + 8 GiB', async () => {
    const domain = startDomain({ catalog: new StubCatalog([template({ rootVolumeGiB: 8 })]) });
    const record = await launchReady(domain);
    const [spec] = domain.cloud.callsOf('runInstance')[0] as [RunInstanceSpec];
    expect(spec).toMatchObject({ hibernation: true, rootVolumeGiB: 12 });
    expect(record).toMatchObject({ hibernation: true, rootVolumeGiB: 12 });
    expect(domain.workstations.getWorkstation(OWNER, record.id).hibernation).toBe(true);
  });

  it('keeps a template disk already larger than RAM + 8 GiB', async () => {
    const domain = startDomain();
    await launchReady(domain);
    const [spec] = domain.cloud.callsOf('runInstance')[0] as [RunInstanceSpec];
    expect(spec).toMatchObject({ hibernation: true, rootVolumeGiB: 40 });
  });

  it('hibernates and resumes, streaming stopping, hibernated, pending, running', async () => {
    const domain = startDomain();
    const { id, instanceId } = await launchReady(domain);
    await domain.workstations.stopWorkstation(OWNER, id, true);
    expect(domain.cloud.callsOf('stopInstance')).toEqual([[instanceId, true]]);
    await domain.workstations.startWorkstation(OWNER, id);
    expect(statesOf(domain, id).slice(-4)).toEqual(['stopping', 'hibernated', 'pending', 'running']);
  });

  it('launches a GPU family without hibernation and refuses to hibernate it, naming the family and offering stop', async () => {
    const domain = startDomain();
    const record = await launchReady(domain, { instanceType: 'g5g.xlarge' });
    const [spec] = domain.cloud.callsOf('runInstance')[0] as [RunInstanceSpec];
    expect(spec.hibernation).toBe(false);
    const refusal = domain.workstations.stopWorkstation(OWNER, record.id, true);
    await expect(refusal).rejects.toMatchObject({
      code: 'HIBERNATION_UNSUPPORTED',
      status: 409,
      detail: expect.stringContaining('the g5g family of g5g.xlarge cannot hibernate'),
      hint: expect.stringContaining('Stop it instead: stopping keeps its disk')
    });
    expect(domain.cloud.callsOf('stopInstance')).toEqual([]);
    expect(domain.store.get(record.id)?.state).toBe('running');
  });

  it('says why by RAM over 150 GiB, and by image', () => {
    expect(hibernationSupport('r7g.8xlarge', 256, 'al2023-ami-2023.6-arm64')).toEqual({
      supported: false,
      reason: 'r7g.8xlarge has 256 GiB of RAM, more than the 150 GiB EC2 can hibernate'
    });
    expect(hibernationSupport('m7g.large', 8, 'Windows_Server-2022')).toMatchObject({ supported: false, reason: expect.stringContaining('Windows_Server-2022') });
    expect(hibernationSupport('t3.medium', 4, 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-20250101')).toEqual({ supported: true });
  });
});

describe('resize', () => {
  it('stops, changes the type while stopped, starts, and updates type, size and price', async () => {
    const domain = startDomain();
    const { id, instanceId } = await launchReady(domain);
    domain.cloud.onCall = call => {
      if (call.method === 'changeInstanceType') expect(domain.cloud.instances.get(instanceId as string)?.state).toBe('stopped');
    };
    const resized = await resizerOf(domain).resizeWorkstation(OWNER, id, { size: 'large' });
    expect(domain.cloud.callsOf('changeInstanceType')).toEqual([[instanceId, 'm7g.2xlarge']]);
    expect(resized).toMatchObject({ state: 'running', size: 'large', instanceType: 'm7g.2xlarge', pricePerHour: 0.3264 });
    expect(statesOf(domain, id).slice(-4)).toEqual(['stopping', 'stopped', 'pending', 'running']);
    expect(domain.cloud.instances.get(instanceId as string)?.instanceType).toBe('m7g.2xlarge');
  });

  it('grows the root volume of a hibernating workstation whose new RAM would not fit, while stopped', async () => {
    const domain = startDomain({ catalog: new StubCatalog([template({ rootVolumeGiB: 8 })]) });
    const { id, instanceId } = await launchReady(domain);
    domain.cloud.memoryGiB.set('m7g.2xlarge', 32);
    await resizerOf(domain).resizeWorkstation(OWNER, id, { size: 'large' });
    expect(domain.cloud.callsOf('growRootVolume')).toEqual([[instanceId, 40]]);
    expect(domain.store.get(id)).toMatchObject({ rootVolumeGiB: 40, hibernation: true });
    domain.cloud.memoryGiB.set('r7g.2xlarge', 64);
    await resizerOf(domain).resizeWorkstation(OWNER, id, { instanceType: 'r7g.2xlarge' });
    expect(domain.cloud.callsOf('growRootVolume')).toEqual([[instanceId, 40], [instanceId, 72]]);
  });

  it('leaves a stopped workstation stopped', async () => {
    const domain = startDomain();
    const { id } = await launchReady(domain);
    await domain.workstations.stopWorkstation(OWNER, id);
    const resized = await resizerOf(domain).resizeWorkstation(OWNER, id, { instanceType: 'm7g.xlarge' });
    expect(resized).toMatchObject({ state: 'stopped', instanceType: 'm7g.xlarge', size: 'custom' });
    expect(domain.cloud.callsOf('startInstance')).toEqual([]);
  });

  it('refuses another arch with 400 ARCH_MISMATCH naming the equivalent, before stopping anything', async () => {
    const domain = startDomain();
    const { id } = await launchReady(domain);
    await expect(resizerOf(domain).resizeWorkstation(OWNER, id, { instanceType: 'm7i.xlarge' })).rejects.toMatchObject({
      code: 'ARCH_MISMATCH',
      status: 400,
      hint: 'm7g.xlarge is the Graviton equivalent.'
    });
    expect(domain.cloud.callsOf('stopInstance')).toEqual([]);
  });

  it('refuses a hibernated workstation (EC2 cannot change its type) with the way out', async () => {
    const domain = startDomain();
    const { id } = await launchReady(domain);
    await domain.workstations.stopWorkstation(OWNER, id, true);
    await expect(resizerOf(domain).resizeWorkstation(OWNER, id, { size: 'large' })).rejects.toMatchObject({
      code: 'INVALID_STATE',
      hint: expect.stringContaining('Start it')
    });
  });

  it('refuses a type that would lose hibernation', async () => {
    const domain = startDomain();
    const { id } = await launchReady(domain);
    await expect(resizerOf(domain).resizeWorkstation(OWNER, id, { instanceType: 'g5g.xlarge' })).rejects.toMatchObject({
      code: 'HIBERNATION_UNSUPPORTED',
      detail: expect.stringContaining('g5g family')
    });
  });

  it('starts again on the old type when the change fails', async () => {
    const domain = startDomain();
    const { id } = await launchReady(domain);
    domain.cloud.fail('changeInstanceType', new PrismError('CAPACITY_UNAVAILABLE', 503, 'No capacity', 'none', 'try later'));
    await expect(resizerOf(domain).resizeWorkstation(OWNER, id, { size: 'large' })).rejects.toMatchObject({ code: 'CAPACITY_UNAVAILABLE' });
    expect(domain.store.get(id)).toMatchObject({ state: 'running', instanceType: 't4g.medium' });
  });
});

describe('connection', () => {
  it('gives the ~/.ssh/config block and a VS Code URI through its Host alias', async () => {
    const domain = startDomain();
    const { id, address } = await launchReady(domain);
    const connection = domain.workstations.connectionOf(OWNER, id);
    expect(connection.sshHost).toBe('prism-thesis-analysis');
    expect(connection.sshConfig).toBe(
      [
        'Host prism-thesis-analysis',
        `  HostName ${address}`,
        '  User ec2-user',
        '  IdentityFile /keys/prism-ada.pem',
        '  IdentitiesOnly yes',
        '  ServerAliveInterval 60',
        ''
      ].join('\n')
    );
    expect(connection.vscodeHostUri).toBe('vscode://vscode-remote/ssh-remote+prism-thesis-analysis/home/ec2-user');
  });
});

describe('the owner’s key', () => {
  it('rotates for new launches only, saying the existing workstations keep theirs', async () => {
    const domain = startDomain({ catalog: defaultCatalog() });
    const first = await launchReady(domain);
    const rotation = await new OwnerKeys(domain).rotateKey(OWNER);
    expect(rotation).toMatchObject({ keyName: 'prism-ada+2', previousKeyName: 'prism-ada', downloadable: true });
    expect(rotation.message).toContain('Your 1 existing workstation keeps the key prism-ada');
    const second = await launchReady(domain, request({ name: 'second' }));
    expect(domain.store.get(second.id)?.keyName).toBe('prism-ada+2');
    expect(domain.store.get(first.id)?.keyName).toBe('prism-ada');
  });

  it('hands out the private key once, then 410 with the hint to rotate', async () => {
    const domain = startDomain();
    const keys = new OwnerKeys(domain);
    expect((await keys.downloadPrivateKey(OWNER)).privateKey).toContain('PRIVATE KEY');
    await expect(keys.downloadPrivateKey(OWNER)).rejects.toMatchObject({
      code: 'KEY_ALREADY_DOWNLOADED',
      status: 410,
      hint: expect.stringContaining('POST /keys/rotate')
    });
    await keys.rotateKey(OWNER);
    expect((await keys.downloadPrivateKey(OWNER)).keyName).toBe('prism-ada+2');
  });
});

describe('health check', () => {
  it('retries with growing waits until the service answers', async () => {
    const domain = startDomain();
    domain.probe.failuresLeft = 2;
    const started = Date.now();
    await launchReady(domain);
    expect(domain.probe.urls).toHaveLength(3);
    // 250 ms, then 500 ms: backoff, not a tight loop.
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
  });

  it('fails naming the service, its port and health path, and what to check', async () => {
    const domain = startDomain({ settings: { healthTimeoutSeconds: 1 } });
    domain.probe.failuresLeft = 1000;
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    report(domain, id, bootedReports(8890));
    const record = await settled(domain, id);
    expect(record.error).toMatchObject({
      code: 'HEALTH_CHECK_FAILED',
      detail: 'jupyter on port 8890 did not answer /api in time.',
      hint: 'The boot log shows how jupyter started; check that the security group lets Prism reach port 8890, then relaunch.'
    });
  });
});
