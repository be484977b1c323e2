/**
 * What a caller relies on at the edges of the API: problems with hints, no
 * instance on a refused launch, no way in without the token or from a foreign page.
 */
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Problem } from '../src/contract/events';
import type { Me, TemplateSummary } from '../src/contract/api';
import { emulatorEc2 } from './support/moto';
import { startPrism, type TestPrism } from './support/prism';

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

async function countInstances(): Promise<number> {
  const out = await ec2.send(new DescribeInstancesCommand({}));
  return (out.Reservations ?? []).flatMap(r => r.Instances ?? []).length;
}

async function problemOf(res: Response): Promise<Problem> {
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await res.json()) as Problem;
  expect(problem.status).toBe(res.status);
  expect(problem.hint.length).toBeGreaterThan(10);
  return problem;
}

function connectOutcome(socket: ReturnType<TestPrism['socket']>): Promise<'connected' | string> {
  return new Promise(resolve => {
    socket.on('connect', () => resolve('connected'));
    socket.on('connect_error', error => resolve(`connect_error: ${error.message}`));
  });
}

it('reports health with the cloud reachable and its account', async () => {
  const res = await prism.api('/health', { token: null });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: 'ok', cloud: { reachable: true, region: 'us-east-1' } });
});

it('lists templates with arm64 and x86_64 prices side by side', async () => {
  const res = await prism.api('/templates');
  const templates = (await res.json()) as TemplateSummary[];
  expect(templates.length).toBeGreaterThanOrEqual(4);
  for (const template of templates) {
    expect(template.arches).toEqual(expect.arrayContaining(['arm64', 'x86_64']));
    const arm = template.sizes.arm64.find(s => s.name === template.defaultSize)!;
    const x86 = template.sizes.x86_64.find(s => s.name === template.defaultSize)!;
    expect(arm.pricePerHour).toBeGreaterThan(0);
    expect(x86.pricePerHour).toBeGreaterThan(0);
    expect(arm.instanceType).not.toBe(x86.instanceType);
  }
});

it('tells the caller who they are', async () => {
  const me = (await (await prism.api('/me')).json()) as Me;
  expect(me.user).toBeTruthy();
  expect(me.roles).toContain('admin');
});

it('refuses an unknown template with a 4xx problem and a hint, and creates no instance', async () => {
  const before = await countInstances();
  const res = await prism.api('/instances', {
    method: 'POST',
    body: JSON.stringify({ name: 'nope', template: 'no-such-template', arch: 'arm64' })
  });
  expect(res.status).toBe(404);
  const problem = await problemOf(res);
  expect(problem.code).toBe('TEMPLATE_NOT_FOUND');
  expect(problem.hint).toContain('amazon-linux');
  expect(await countInstances()).toBe(before);
  const list = (await (await prism.api('/instances')).json()) as unknown[];
  expect(list).toHaveLength(0);
});

it('refuses a malformed launch request, naming the field', async () => {
  const res = await prism.api('/instances', {
    method: 'POST',
    body: JSON.stringify({ name: 'x', template: 'amazon-linux', arch: 'sparc' })
  });
  expect(res.status).toBe(400);
  const problem = await problemOf(res);
  expect(problem.code).toBe('INVALID_REQUEST');
  expect(problem.detail).toContain('arch');
});

it('refuses an instance type of the other arch before any instance exists', async () => {
  const before = await countInstances();
  const res = await prism.api('/instances', {
    method: 'POST',
    body: JSON.stringify({ name: 'mismatch', template: 'amazon-linux', arch: 'arm64', instanceType: 'm7i.large' })
  });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  let workstation: { phase: string; error?: { code: string; hint: string } | null } = { phase: 'validate' };
  for (let i = 0; i < 100 && workstation.phase !== 'failed'; i++) {
    await new Promise(resolve => setTimeout(resolve, 100));
    workstation = (await (await prism.api(`/instances/${id}`)).json()) as typeof workstation;
  }
  expect(workstation.phase).toBe('failed');
  expect(workstation.error?.code).toBe('ARCH_MISMATCH');
  expect(workstation.error?.hint).toMatch(/Graviton/);
  expect(await countInstances()).toBe(before);
});

it('answers 401 with a problem to a request without a token', async () => {
  const res = await prism.api('/instances', { token: null });
  expect(res.status).toBe(401);
  expect((await problemOf(res)).code).toBe('UNAUTHENTICATED');
  const wrong = await prism.api('/instances', { token: 'not-the-token' });
  expect(wrong.status).toBe(401);
});

it('refuses a socket without a token with connect_error', async () => {
  expect(await connectOutcome(prism.socket({ token: null }))).toMatch(/^connect_error/);
  expect(await connectOutcome(prism.socket({ token: 'wrong' }))).toMatch(/^connect_error/);
});

it('refuses a socket opened from a foreign Origin, even with the token', async () => {
  expect(await connectOutcome(prism.socket({ origin: 'https://evil.example' }))).toMatch(/^connect_error/);
  const own = new URL(prism.service.url).origin;
  expect(await connectOutcome(prism.socket({ origin: own }))).toBe('connected');
});

it('hides other workstations: an unknown id is a 404 problem', async () => {
  const res = await prism.api('/instances/ws-someone-elses');
  expect(res.status).toBe(404);
  expect((await problemOf(res)).code).toBe('WORKSTATION_NOT_FOUND');
});

it('validates a template text, placing a mistyped key at its line with a hint', async () => {
  const yaml = [
    'name: my-analysis',
    'inherits: amazon-linux',
    'version: 1.0.0',
    'title: My analysis',
    'descriptoin: typo here'
  ].join('\n');
  const res = await prism.api('/templates/validate', {
    method: 'POST',
    body: JSON.stringify({ yaml, fileName: 'my-analysis.yaml' })
  });
  expect(res.status).toBe(200);
  const result = (await res.json()) as { valid: boolean; diagnostics: { line: number; column: number; hint: string }[] };
  expect(result.valid).toBe(false);
  expect(result.diagnostics).toEqual(
    expect.arrayContaining([expect.objectContaining({ line: 5, column: 1, hint: expect.stringContaining('description') })])
  );
});
