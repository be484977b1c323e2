import { LAUNCH_PHASES } from '../contract/events';
import { PrismError } from './errors';
import type { RunInstanceSpec, WorkstationRecord } from './ports';
import {
  bootedReports,
  launchReady,
  OWNER,
  phasesOf,
  progressOf,
  report,
  request,
  settled,
  startDomain,
  stopDomains,
  until,
  type Domain
} from './testing/harness';

afterEach(stopDomains);

/** The error a call throws, so a test can look at its code. */
async function refusal(call: () => unknown): Promise<PrismError> {
  try {
    await call();
  } catch (error) {
    if (error instanceof PrismError) return error;
    throw error;
  }
  throw new Error('the call was not refused');
}

function logLines(domain: Domain, id: string): string[] {
  return domain.store.events(id).flatMap(e => (e.kind === 'log' ? [e.line] : []));
}

describe('launching a workstation', () => {
  it('records the launch before making any cloud call', async () => {
    const domain = startDomain();
    const recordedAtEachCall: string[][] = [];
    domain.cloud.onCall = () => recordedAtEachCall.push(domain.store.listAll().map(r => r.id));
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    report(domain, id, bootedReports());
    await settled(domain, id);
    expect(recordedAtEachCall.length).toBeGreaterThan(0);
    recordedAtEachCall.forEach(ids => expect(ids).toEqual([id]));
  });

  it('goes through every phase in order and reaches ready once the bootstrap reports and the service answers', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    expect(report(domain, id, bootedReports())).toBe(4);
    const record = await settled(domain, id);
    expect(record).toMatchObject({ phase: 'ready', state: 'running', percent: 100, error: null });
    expect(phasesOf(domain, id)).toEqual([...LAUNCH_PHASES]);
    expect(domain.probe.urls).toEqual([`http://${record.address}:8888/api`]);
    expect(logLines(domain, id)).toContain('Installed numpy');
  });

  it('shows the bootstrap’s own steps while it runs', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    report(domain, id, bootedReports());
    await settled(domain, id);
    const messages = progressOf(domain, id)
      .filter(e => e.phase === 'bootstrap')
      .map(e => e.message);
    expect(messages).toEqual(expect.arrayContaining(['Installing packages (1/2)', 'Starting Jupyter (2/2)']));
  });

  it('never lets the percent go down, and ends at 100 with no time left', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    report(domain, id, bootedReports());
    await settled(domain, id);
    const percents = progressOf(domain, id).map(e => e.percent);
    expect(percents.length).toBeGreaterThan(LAUNCH_PHASES.length);
    percents.forEach((percent, i) => expect(percent).toBeGreaterThanOrEqual(percents[i - 1] ?? 0));
    expect(progressOf(domain, id).pop()).toMatchObject({ phase: 'ready', percent: 100, etaSeconds: 0 });
  });

  it('publishes to the owner each event it stores, so a reconnecting client replays what it missed', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    report(domain, id, bootedReports());
    await settled(domain, id);
    const published = domain.sink.published.filter(p => p.event.id === id);
    expect(published.every(p => p.owner === OWNER)).toBe(true);
    expect(published.map(p => p.event)).toEqual(domain.workstations.eventsOf(OWNER, id));
  });

  it('tags the instance with the workstation id, owner and template, and uses the id as the request token', async () => {
    const domain = startDomain();
    const record = await launchReady(domain, { project: 'genomics' });
    const [spec] = domain.cloud.callsOf('runInstance')[0] as [RunInstanceSpec];
    expect(spec).toMatchObject({
      launchId: record.id,
      instanceType: 't4g.medium',
      imageId: 'ami-arm64',
      rootVolumeGiB: 40,
      tags: {
        'prism:launch': record.id,
        'prism:owner': OWNER,
        'prism:project': 'genomics',
        'prism:template': 'python-ml'
      }
    });
    expect(spec.userData.startsWith('#cloud-config\n')).toBe(true);
    expect(record).toMatchObject({ instanceId: domain.cloud.instanceOf(record.id)?.instanceId, imageId: 'ami-arm64' });
  });

  it('waits and retries until the service answers its health check', async () => {
    const domain = startDomain();
    domain.probe.failuresLeft = 1;
    const record = await launchReady(domain);
    expect(record.phase).toBe('ready');
    expect(domain.probe.urls).toHaveLength(2);
  });

  it('refuses an image of another arch and never starts an instance', async () => {
    const domain = startDomain();
    domain.cloud.imageOfWrongArch('arm64', 'x86_64');
    const { id } = domain.workstations.launchWorkstation(OWNER, request({ arch: 'arm64' }));
    const record = await settled(domain, id);
    expect(record).toMatchObject({ phase: 'failed', state: 'failed', error: { code: 'ARCH_MISMATCH' } });
    expect(record.error?.hint).toMatch(/Graviton/);
    expect(domain.cloud.callsOf('runInstance')).toEqual([]);
    expect(domain.cloud.instances.size).toBe(0);
  });

  it('refuses an instance type of another arch and never starts an instance', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request({ arch: 'arm64', instanceType: 't3.large' }));
    const record = await settled(domain, id);
    expect(record.error?.code).toBe('ARCH_MISMATCH');
    expect(domain.cloud.callsOf('runInstance')).toEqual([]);
  });

  it('fails with the cloud’s own code and hint when a cloud call fails, and starts no instance', async () => {
    const domain = startDomain();
    domain.cloud.fail(
      'ensureSecurityGroup',
      new PrismError('AWS_PERMISSION_DENIED', 403, 'Not allowed', 'ec2:CreateSecurityGroup was denied.', 'Grant ec2:CreateSecurityGroup.')
    );
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    const record = await settled(domain, id);
    expect(record).toMatchObject({
      phase: 'failed',
      state: 'failed',
      error: { code: 'AWS_PERMISSION_DENIED', hint: 'Grant ec2:CreateSecurityGroup.' }
    });
    expect(progressOf(domain, id).pop()?.problem).toMatchObject({ code: 'AWS_PERMISSION_DENIED', status: 403 });
    expect(domain.cloud.callsOf('runInstance')).toEqual([]);
  });

  it('fails with BOOTSTRAP_FAILED when the bootstrap reports a failure, and terminates the instance', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    report(domain, id, [
      { seq: 1, type: 'step', step: 'packages', index: 1, total: 2 },
      { seq: 2, type: 'log', line: 'E: Unable to locate package nonsense' },
      { seq: 3, type: 'failed', step: 'packages', message: 'Installing packages failed.' }
    ]);
    const record = await settled(domain, id);
    expect(record).toMatchObject({
      phase: 'failed',
      state: 'failed',
      error: { code: 'BOOTSTRAP_FAILED', detail: 'Installing packages failed.' }
    });
    expect(domain.cloud.callsOf('terminateInstance')).toEqual([[record.instanceId]]);
    expect(domain.cloud.instanceOf(id)?.state).toBe('terminated');
    expect(logLines(domain, id)).toContain('E: Unable to locate package nonsense');
  });

  it('fails with BOOT_TIMEOUT when no ready report comes, and terminates the instance', async () => {
    const domain = startDomain({ settings: { bootTimeoutSeconds: 0.2 } });
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    const record = await settled(domain, id);
    expect(record.error?.code).toBe('BOOT_TIMEOUT');
    expect(domain.cloud.instanceOf(id)?.state).toBe('terminated');
  });

  it('still terminates a failed launch’s instance when AWS fails the first clean-up try', async () => {
    const domain = startDomain({ settings: { bootTimeoutSeconds: 0.2 } });
    domain.cloud.fail('terminateInstance', new PrismError('CLOUD_ERROR', 502, 'AWS failed', 'ec2:TerminateInstances failed after retries.', 'Try again.'), 1);
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    const record = await settled(domain, id);
    expect(record.error?.code).toBe('BOOT_TIMEOUT');
    expect(domain.cloud.callsOf('terminateInstance')).toEqual([[record.instanceId], [record.instanceId]]);
    expect(domain.cloud.instanceOf(id)?.state).toBe('terminated');
  });

  it('sets a launch still waiting on its bootstrap aside when the service stops: not failed, instance kept, no wait left behind', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    await until(domain, id, r => r.phase === 'bootstrap');
    await domain.runner.drain(50);
    const deadline = Date.now() + 1500;
    while (domain.runner.isLaunching(id) && Date.now() < deadline) {
      await new Promise(resolve => setTimeout(resolve, 5));
    }
    expect(domain.runner.isLaunching(id)).toBe(false);
    expect(domain.store.get(id)).toMatchObject({ phase: 'bootstrap', error: null });
    expect(domain.store.get(id)?.failing).toBeUndefined();
    expect(domain.cloud.instanceOf(id)?.state).toBe('running');
  });
});

describe('the order of a launch’s preparations', () => {
  const others = ['describeInstanceType', 'ensureSecurityGroup', 'ensureKeyPair'] as const;

  it('asks for the instance type, security group and key pair while the image is still being found', async () => {
    const domain = startDomain();
    const release = domain.cloud.hold('resolveImage');
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    await new Promise(resolve => setTimeout(resolve, 20));
    others.forEach(method => expect(domain.cloud.callsOf(method)).toHaveLength(1));
    release();
    report(domain, id, bootedReports());
    expect(await settled(domain, id)).toMatchObject({ phase: 'ready' });
  });

  it('asks one thing at a time with the benchmark baseline (PRISM_LAUNCH_SEQUENTIAL), and still reaches ready', async () => {
    const domain = startDomain({ settings: { sequential: true } });
    const release = domain.cloud.hold('resolveImage');
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    await new Promise(resolve => setTimeout(resolve, 20));
    expect(domain.cloud.callsOf('resolveImage')).toHaveLength(1);
    others.forEach(method => expect(domain.cloud.callsOf(method)).toHaveLength(0));
    release();
    report(domain, id, bootedReports());
    expect(await settled(domain, id)).toMatchObject({ phase: 'ready' });
    others.forEach(method => expect(domain.cloud.callsOf(method)).toHaveLength(1));
  });
});

describe('boot reports', () => {
  it('refuses a report signed with another token and changes nothing', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    const before = domain.store.get(id) as WorkstationRecord;
    const eventsBefore = domain.store.events(id).length;
    const error = await refusal(() =>
      domain.runner.acceptBootReports(id, 'not-the-token', [{ seq: 1, type: 'failed', message: 'forged' }])
    );
    expect(error).toMatchObject({ code: 'BOOT_REPORT_REFUSED', status: 401 });
    expect(domain.store.get(id)?.lastReportSeq).toBe(before.lastReportSeq);
    expect(domain.store.events(id)).toHaveLength(eventsBefore);
    // The forged failure was never applied: the real reports still bring it to ready.
    report(domain, id, bootedReports());
    expect((await settled(domain, id)).phase).toBe('ready');
  });

  it('refuses reports for a workstation that does not exist', async () => {
    const domain = startDomain();
    const error = await refusal(() => domain.runner.acceptBootReports('ws-nope', 'token', [{ seq: 1, type: 'log', line: 'x' }]));
    expect(error.code).toBe('BOOT_REPORT_REFUSED');
  });

  it('applies a report sent twice only once', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    const line = { seq: 1, type: 'log' as const, line: 'sent twice' };
    expect(report(domain, id, [line])).toBe(1);
    expect(report(domain, id, [line])).toBe(0);
    report(domain, id, bootedReports().map(r => ({ ...r, seq: r.seq + 1 })));
    await settled(domain, id);
    expect(logLines(domain, id).filter(l => l === 'sent twice')).toHaveLength(1);
  });

  it('applies a report repeated within one batch only once', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    const line = { seq: 1, type: 'log' as const, line: 'sent twice' };
    expect(report(domain, id, [line, line])).toBe(1);
    report(domain, id, bootedReports().map(r => ({ ...r, seq: r.seq + 1 })));
    await settled(domain, id);
    expect(logLines(domain, id).filter(l => l === 'sent twice')).toHaveLength(1);
  });

  it('applies reports in seq order whatever order they arrive in', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    report(domain, id, [...bootedReports()].reverse());
    const record = await settled(domain, id);
    expect(record.phase).toBe('ready');
    expect(record.lastReportSeq).toBe(4);
  });
});

describe('a restart in the middle of a launch', () => {
  it('resumes the launch with the same id as request token, makes no second instance, and reaches ready', async () => {
    const first = startDomain();
    // The service dies while RunInstances is in flight: the cloud made the instance, the answer never came.
    first.cloud.loseAnswer('runInstance');
    const { id } = first.workstations.launchWorkstation(OWNER, request());
    await until(first, id, () => first.cloud.instanceOf(id) !== undefined);
    expect(first.store.get(id)?.instanceId).toBeNull();

    const second = startDomain({ store: first.store, cloud: first.cloud });
    expect(second.runner.resumeUnfinished()).toBe(1);
    report(second, id, bootedReports());
    const record = await settled(second, id);

    expect(record).toMatchObject({ phase: 'ready', state: 'running' });
    const launchIds = second.cloud.callsOf('runInstance').map(([spec]) => (spec as RunInstanceSpec).launchId);
    expect(launchIds).toEqual([id, id]);
    expect(second.cloud.instances.size).toBe(1);
    expect(record.instanceId).toBe(second.cloud.instanceOf(id)?.instanceId);
  });

  it('does not call RunInstances again when the instance was already recorded', async () => {
    const first = startDomain();
    const { id } = first.workstations.launchWorkstation(OWNER, request());
    await until(first, id, r => r.phase === 'bootstrap');
    first.runner.cancel(id); // the old process is gone

    const second = startDomain({ store: first.store, cloud: first.cloud });
    second.runner.resumeUnfinished();
    report(second, id, bootedReports());
    expect((await settled(second, id)).phase).toBe('ready');
    expect(second.cloud.callsOf('runInstance')).toHaveLength(1);
  });

  it('leaves settled launches alone', async () => {
    const first = startDomain();
    await launchReady(first);
    const second = startDomain({ store: first.store, cloud: first.cloud });
    expect(second.runner.resumeUnfinished()).toBe(0);
  });
});

describe('terminating a workstation', () => {
  it('during its bootstrap cancels the launch and terminates the instance', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    await until(domain, id, r => r.phase === 'bootstrap');
    const instanceId = domain.store.get(id)?.instanceId;

    const shown = await domain.workstations.terminateWorkstation(OWNER, id);
    expect(shown.state).toBe('terminated');
    await until(domain, id, () => !domain.runner.isLaunching(id));

    expect(domain.cloud.instances.get(instanceId as string)?.state).toBe('terminated');
    const record = domain.store.get(id) as WorkstationRecord;
    expect(record).toMatchObject({ state: 'terminated', error: null });
    expect(phasesOf(domain, id)).not.toContain('failed');
    expect(domain.store.listUnfinished()).toEqual([]);
  });

  it('while its instance is being requested still leaves no instance running', async () => {
    const domain = startDomain();
    const release = domain.cloud.hold('runInstance');
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    await until(domain, id, r => r.phase === 'run-instance');

    await domain.workstations.terminateWorkstation(OWNER, id);
    release();
    await until(domain, id, () => !domain.runner.isLaunching(id));

    expect(domain.cloud.instanceOf(id)?.state).toBe('terminated');
    expect(domain.store.get(id)?.state).toBe('terminated');
  });

  it('during its health check never turns it ready', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    let answer: (healthy: boolean) => void = () => undefined;
    domain.probe.check = () => new Promise<boolean>(resolve => (answer = resolve));
    await until(domain, id, r => r.phase === 'bootstrap');
    report(domain, id, bootedReports());
    await until(domain, id, r => r.phase === 'health-check');

    await domain.workstations.terminateWorkstation(OWNER, id);
    answer(true);
    await until(domain, id, () => !domain.runner.isLaunching(id));

    expect(phasesOf(domain, id)).not.toContain('ready');
    expect(domain.store.get(id)).toMatchObject({ state: 'terminated', phase: 'health-check' });
  });

  it('twice is harmless', async () => {
    const domain = startDomain();
    const record = await launchReady(domain);
    await domain.workstations.terminateWorkstation(OWNER, record.id);
    expect((await domain.workstations.terminateWorkstation(OWNER, record.id)).state).toBe('terminated');
    expect(domain.cloud.callsOf('terminateInstance')).toHaveLength(1);
  });

  it('frees its name for a new workstation', async () => {
    const domain = startDomain();
    const record = await launchReady(domain);
    await domain.workstations.terminateWorkstation(OWNER, record.id);
    expect(domain.workstations.launchWorkstation(OWNER, request()).name).toBe(record.name);
  });
});

describe('another researcher', () => {
  it('cannot see, stop, start, terminate, read the events of or connect to a workstation', async () => {
    const domain = startDomain();
    const { id } = await launchReady(domain);
    const { workstations } = domain;
    const calls: (() => unknown)[] = [
      () => workstations.getWorkstation('grace', id),
      () => workstations.stopWorkstation('grace', id),
      () => workstations.startWorkstation('grace', id),
      () => workstations.terminateWorkstation('grace', id),
      () => workstations.eventsOf('grace', id),
      () => workstations.connectionOf('grace', id)
    ];
    for (const call of calls) {
      expect(await refusal(call)).toMatchObject({ code: 'WORKSTATION_NOT_FOUND', status: 404 });
    }
    expect(workstations.listWorkstations('grace')).toEqual([]);
    expect(workstations.canWatch('grace', id)).toBe(false);
    expect(domain.store.get(id)?.state).toBe('running');
    expect(domain.cloud.callsOf('stopInstance')).toEqual([]);
    expect(domain.cloud.callsOf('terminateInstance')).toEqual([]);
  });

  it('may use the same workstation name', async () => {
    const domain = startDomain();
    await launchReady(domain);
    expect(domain.workstations.launchWorkstation('grace', request()).owner).toBe('grace');
  });
});

describe('connecting to a workstation', () => {
  it('is refused until the workstation is ready', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    const error = await refusal(() => domain.workstations.connectionOf(OWNER, id));
    expect(error).toMatchObject({ code: 'NOT_READY', status: 409, hint: 'Wait for the launch to reach ready.' });
  });

  it('gives the Jupyter URL on the port the workstation reported, the SSH command and the VS Code URI', async () => {
    const domain = startDomain();
    const record = await launchReady(domain, {}, 8890);
    const address = domain.cloud.instanceOf(record.id)?.privateIp;
    expect(record.address).toBe(address);
    expect(domain.workstations.connectionOf(OWNER, record.id)).toMatchObject({
      id: record.id,
      jupyterUrl: `http://${address}:8890/lab?token=${record.jupyterToken}`,
      sshCommand: `ssh -i /keys/prism-${OWNER}.pem ec2-user@${address}`,
      vscodeUri: `vscode://vscode-remote/ssh-remote+ec2-user@${address}/home/ec2-user`
    });
  });

  it('is refused while stopped, with a hint to start it', async () => {
    const domain = startDomain();
    const { id } = await launchReady(domain);
    await domain.workstations.stopWorkstation(OWNER, id);
    const error = await refusal(() => domain.workstations.connectionOf(OWNER, id));
    expect(error).toMatchObject({ code: 'NOT_READY', hint: 'Start it first.' });
  });

  it('never shows the boot token, the Jupyter token or the key path in the workstation', async () => {
    const domain = startDomain();
    const record = await launchReady(domain);
    const shown = JSON.stringify([domain.workstations.getWorkstation(OWNER, record.id), domain.workstations.listWorkstations(OWNER)]);
    expect(shown).not.toContain(record.bootToken);
    expect(shown).not.toContain(record.jupyterToken);
    expect(shown).not.toContain('.pem');
  });
});

describe('stopping and starting a workstation', () => {
  it('stops a running workstation and starts it again', async () => {
    const domain = startDomain();
    const { id, instanceId } = await launchReady(domain);

    expect((await domain.workstations.stopWorkstation(OWNER, id)).state).toBe('stopped');
    expect(domain.cloud.callsOf('stopInstance')).toEqual([[instanceId, false]]);
    expect(domain.cloud.instanceOf(id)?.state).toBe('stopped');

    expect((await domain.workstations.startWorkstation(OWNER, id)).state).toBe('running');
    expect(domain.cloud.callsOf('startInstance')).toEqual([[instanceId]]);
    expect(domain.cloud.instanceOf(id)?.state).toBe('running');
    expect(domain.workstations.connectionOf(OWNER, id).jupyterUrl).toContain(':8888/lab');
  });

  it('hibernates a running workstation', async () => {
    const domain = startDomain();
    const { id, instanceId } = await launchReady(domain);
    expect((await domain.workstations.stopWorkstation(OWNER, id, true)).state).toBe('hibernated');
    expect(domain.cloud.callsOf('stopInstance')).toEqual([[instanceId, true]]);
    expect((await domain.workstations.startWorkstation(OWNER, id)).state).toBe('running');
  });

  it('publishes each state change to the owner', async () => {
    const domain = startDomain();
    const { id } = await launchReady(domain);
    await domain.workstations.stopWorkstation(OWNER, id);
    const states = domain.sink.published.flatMap(p => (p.event.kind === 'state' && p.event.id === id ? [p.event.state] : []));
    expect(states).toEqual(['running', 'stopping', 'stopped']);
  });

  it('refuses to stop a stopped workstation or start a running one', async () => {
    const domain = startDomain();
    const { id } = await launchReady(domain);
    expect(await refusal(() => domain.workstations.startWorkstation(OWNER, id))).toMatchObject({ code: 'INVALID_STATE', status: 409 });
    await domain.workstations.stopWorkstation(OWNER, id);
    expect(await refusal(() => domain.workstations.stopWorkstation(OWNER, id))).toMatchObject({ code: 'INVALID_STATE' });
    expect(domain.cloud.callsOf('stopInstance')).toHaveLength(1);
    expect(domain.cloud.callsOf('startInstance')).toHaveLength(0);
  });

  it('refuses to stop a workstation that is still launching, and says to wait', async () => {
    const domain = startDomain();
    const { id } = domain.workstations.launchWorkstation(OWNER, request());
    await until(domain, id, r => r.phase === 'bootstrap');
    const error = await refusal(() => domain.workstations.stopWorkstation(OWNER, id));
    expect(error).toMatchObject({ code: 'INVALID_STATE', hint: 'Wait for the launch to finish, or terminate it.' });
  });

  it('refuses to start a terminated workstation', async () => {
    const domain = startDomain();
    const { id } = await launchReady(domain);
    await domain.workstations.terminateWorkstation(OWNER, id);
    expect(await refusal(() => domain.workstations.startWorkstation(OWNER, id))).toMatchObject({ code: 'INVALID_STATE' });
  });
});
