/**
 * A researcher launches on arm64 and on x86_64 against a real moto_server,
 * watches it over a real socket.io client, opens it, and terminates it.
 */
import {
  DescribeImagesCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstanceTypesCommand,
  DescribeInstancesCommand,
  EC2Client,
  type Instance
} from '@aws-sdk/client-ec2';
import { LAUNCH_PHASES, type ProgressEvent, type WorkstationEvent } from '../src/contract/events';
import type { Connection, Workstation } from '../src/contract/api';
import type { CostReport } from '../src/contract/api';
import { decodeUserData, USER_DATA_LIMIT_BYTES } from '../src/aws/user-data';
import { emulatorEc2 } from './support/moto';
import { startPrism, type TestPrism } from './support/prism';

const READY_TIMEOUT_MS = 120_000;

let prism: TestPrism;
let ec2: EC2Client;

beforeAll(async () => {
  prism = await startPrism();
  ec2 = emulatorEc2(prism.moto.endpoint);
}, 60_000);

afterAll(async () => {
  ec2?.destroy();
  await prism?.stop();
});

async function instanceOf(launchId: string): Promise<Instance> {
  const out = await ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'tag:prism:launch', Values: [launchId] }] })
  );
  const instances = (out.Reservations ?? []).flatMap(r => r.Instances ?? []);
  expect(instances).toHaveLength(1);
  return instances[0];
}

function untilReady(socket: ReturnType<TestPrism['socket']>, id: string): Promise<ProgressEvent[]> {
  const seen: ProgressEvent[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time; saw ${seen.map(e => e.phase).join(' > ')}`)), READY_TIMEOUT_MS);
    socket.on('instance:progress', event => {
      if (event.id !== id) return;
      seen.push(event);
      if (event.phase === 'ready' || event.phase === 'failed') {
        clearTimeout(timer);
        resolve(seen);
      }
    });
  });
}

describe.each(['arm64', 'x86_64'] as const)('a launch on %s', arch => {
  let id: string;
  let progress: ProgressEvent[];

  it('is accepted at once and reaches ready with phases in order and percent never going down', async () => {
    const socket = prism.socket();
    await new Promise<void>((resolve, reject) => {
      socket.on('connect', resolve);
      socket.on('connect_error', reject);
    });
    // Progress events for this workstation are collected from before the launch is sent.
    const collected: ProgressEvent[] = [];
    socket.on('instance:progress', e => collected.push(e));
    const res = await prism.api('/instances', {
      method: 'POST',
      body: JSON.stringify({ name: `analysis-${arch.replace('_', '-')}`, template: 'amazon-linux', arch })
    });
    expect(res.status).toBe(202);
    ({ id } = (await res.json()) as { id: string });
    expect(id).toMatch(/^ws-/);

    const rest = await untilReady(socket, id);
    progress = [...collected.filter(e => e.id === id && !rest.includes(e)), ...rest];
    const last = progress[progress.length - 1];
    expect(last.problem).toBeUndefined();
    expect(last).toMatchObject({ phase: 'ready', percent: 100, etaSeconds: 0 });

    const phases = progress.map(e => e.phase).filter((p, i, all) => all.indexOf(p) === i);
    expect(phases).toEqual([...LAUNCH_PHASES]);
    const percents = progress.map(e => e.percent);
    expect([...percents].sort((a, b) => a - b)).toEqual(percents);
  });

  it(`runs a ${arch} image on a ${arch} instance type, tagged, with the generated bootstrap as user data`, async () => {
    const instance = await instanceOf(id);
    const image = (await ec2.send(new DescribeImagesCommand({ ImageIds: [instance.ImageId!] }))).Images![0];
    expect(image.Architecture).toBe(arch);
    const type = (await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: [instance.InstanceType!] })))
      .InstanceTypes![0];
    expect(type.ProcessorInfo?.SupportedArchitectures).toContain(arch);

    const tags = Object.fromEntries((instance.Tags ?? []).map(t => [t.Key, t.Value]));
    expect(tags).toMatchObject({ 'prism:launch': id, 'prism:template': 'amazon-linux' });
    expect(tags['prism:owner']).toBeTruthy();

    const attribute = await ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: instance.InstanceId, Attribute: 'userData' })
    );
    // EC2 takes at most 16 KiB of user data: it travels gzipped.
    expect(Buffer.from(attribute.UserData!.Value!, 'base64').length).toBeLessThanOrEqual(USER_DATA_LIMIT_BYTES);
    const userData = decodeUserData(attribute.UserData!.Value!);
    expect(userData.startsWith('#cloud-config')).toBe(true);
    expect(userData).toContain(id);
    expect(userData).toContain('/opt/prism/bootstrap.sh');
  });

  it('replays the same history from GET /instances/:id/events, oldest first', async () => {
    const res = await prism.api(`/instances/${id}/events`);
    expect(res.status).toBe(200);
    const events = (await res.json()) as WorkstationEvent[];
    const replayed = events.filter((e): e is ProgressEvent => e.kind === 'progress');
    expect(replayed.map(e => [e.phase, e.percent])).toEqual(progress.map(e => [e.phase, e.percent]));
    expect(events.some(e => e.kind === 'log' && /dry-run/.test(e.line))).toBe(true);
  });

  it('gives a JupyterLab URL that answers, and an SSH command', async () => {
    const res = await prism.api(`/instances/${id}/connection`);
    expect(res.status).toBe(200);
    const connection = (await res.json()) as Connection;
    expect(connection.sshCommand).toMatch(/^ssh -i .+ ec2-user@/);
    const lab = new URL(connection.jupyterUrl!);
    const api = await fetch(`${lab.origin}/api/status?token=${lab.searchParams.get('token')}`);
    expect(api.status).toBe(200);
  });

  it('shows in GET /costs with its hourly price, spend so far and a month-end projection', async () => {
    const res = await prism.api('/costs');
    expect(res.status).toBe(200);
    const report = (await res.json()) as CostReport;
    const mine = report.workstations.find(w => w.id === id)!;
    expect(mine.pricePerHour).toBe(arch === 'arm64' ? 0.0336 : 0.0416);
    expect(mine.spend).toBeGreaterThanOrEqual(0);
    expect(mine.projectedMonthEnd).toBeGreaterThan(mine.spend);
    expect(report.total.projectedMonthEnd).toBeGreaterThanOrEqual(mine.projectedMonthEnd);
  });

  it('terminates: the API says terminated and so does the emulator', async () => {
    const res = await prism.api(`/instances/${id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as Workstation).state).toBe('terminated');
    const instance = await instanceOf(id);
    expect(['shutting-down', 'terminated']).toContain(instance.State?.Name);
  });
});
