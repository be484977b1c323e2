/**
 * The per-template test pass: every template of the library, on each arch,
 * launched through the API against moto, boots in the emulator (its real
 * generated bootstrap, in dry run) to ready, and each service it declares
 * passes its health check. Jupyter really runs; a service a dry run cannot
 * install (RStudio) is answered by the bootstrap's labelled stand-in, so the
 * same health-check path runs (docs/templates.md, "Testing a template").
 * Several launches run at once to keep the pass within a few minutes.
 */
import { DescribeInstanceTypesCommand, EC2Client, type _InstanceType } from '@aws-sdk/client-ec2';
import type { TemplateSummary, Workstation } from '../src/contract/api';
import type { WorkstationEvent } from '../src/contract/events';
import { startPrism, type TestPrism } from './support/prism';

const CONCURRENT_LAUNCHES = 4;
const SETTLE_TIMEOUT_MS = 150_000;

let prism: TestPrism;
let templates: TemplateSummary[];

beforeAll(async () => {
  prism = await startPrism();
  templates = (await (await prism.api('/templates')).json()) as TemplateSummary[];
}, 60_000);

afterAll(async () => {
  await prism?.stop();
});

interface Outcome {
  workstation: Workstation;
  lines: string[];
}

async function launch(body: Record<string, unknown>): Promise<Outcome> {
  const res = await prism.api('/instances', { method: 'POST', body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`launch refused: ${res.status} ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let workstation: Workstation;
  do {
    await new Promise(resolve => setTimeout(resolve, 500));
    workstation = (await (await prism.api(`/instances/${id}`)).json()) as Workstation;
  } while (workstation.phase !== 'ready' && workstation.phase !== 'failed' && Date.now() < deadline);
  const events = (await (await prism.api(`/instances/${id}/events`)).json()) as WorkstationEvent[];
  const lines = events.flatMap(event => (event.kind === 'log' ? [event.line] : []));
  // Terminating halts the emulated machine, so its Jupyter frees the CPU for the next launch.
  await prism.api(`/instances/${id}`, { method: 'DELETE' });
  return { workstation, lines };
}

/** Runs `work` over `items`, `limit` at a time, keeping the order of the results. */
async function inBatches<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return results;
}

it('boots every template on each of its arches to ready, and every declared service passes its health check', async () => {
  const runs = templates.flatMap(template => template.arches.map(arch => ({ template, arch })));
  expect(templates.length).toBeGreaterThanOrEqual(10);

  const verdicts = await inBatches(runs, CONCURRENT_LAUNCHES, async ({ template, arch }) => {
    const { workstation, lines } = await launch({ name: `${template.name}-${arch.replace('_', '-')}`, template: template.name, arch });
    const checked = template.services.filter(service => lines.some(line => line.startsWith(`health check passed: ${service} answers `)));
    const problem = workstation.error ? `: ${workstation.error.detail}` : '';
    return `${template.name} ${arch}: ${workstation.phase}${problem}; healthy: ${checked.join(', ')}`;
  });

  expect(verdicts).toEqual(runs.map(({ template, arch }) => `${template.name} ${arch}: ready; healthy: ${template.services.join(', ')}`));
}, 600_000);

it('says which services only a stand-in answers in the emulator', async () => {
  const { workstation, lines } = await launch({ name: 'rstudio-standin', template: 'r-rstudio', arch: 'arm64' });
  expect(workstation.phase).toBe('ready');
  expect(lines).toContainEqual(expect.stringMatching(/^emulated: rstudio is a stand-in HTTP responder on port \d+; a dry run does not install it$/));
  expect(lines).toContainEqual(expect.stringMatching(/^health check passed: rstudio answers \/ on port \d+$/));
}, 200_000);

it('boots Ubuntu 24.04 from Canonical’s newest image for the arch, found by owner and name', async () => {
  const { workstation, lines } = await launch({ name: 'plain-ubuntu', template: 'ubuntu', arch: 'arm64' });
  expect(workstation.phase).toBe('ready');
  expect(lines).toContainEqual(expect.stringContaining('(ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-arm64-server-20260901, arm64)'));
  expect(lines).toContainEqual(expect.stringContaining('dry-run: env DEBIAN_FRONTEND=noninteractive apt-get install -y -q git'));
}, 200_000);

it('offers only instance types that the emulated us-east-1 runs on the arch they are listed under', async () => {
  const ec2 = new EC2Client({ endpoint: prism.moto.endpoint, region: 'us-east-1' });
  try {
    const listed = templates.flatMap(t => t.arches.flatMap(arch => t.sizes[arch].map(size => `${size.instanceType} ${arch}`)));
    const types = [...new Set(listed.map(entry => entry.split(' ')[0]))];
    const answer = await ec2.send(new DescribeInstanceTypesCommand({ InstanceTypes: types as _InstanceType[] }));
    const runs = new Set(
      (answer.InstanceTypes ?? []).flatMap(info => (info.ProcessorInfo?.SupportedArchitectures ?? []).map(arch => `${info.InstanceType} ${arch}`))
    );
    expect(listed.filter(entry => !runs.has(entry))).toEqual([]);
  } finally {
    ec2.destroy();
  }
});

describe('launch parameters', () => {
  it('are listed with each template', () => {
    const pythonMl = templates.find(t => t.name === 'python-ml');
    expect(pythonMl?.parameters).toEqual([
      { name: 'pythonVersion', type: 'enum', enum: ['3.11', '3.12'], default: '3.12', description: expect.any(String) }
    ]);
    expect(templates.find(t => t.name === 'amazon-linux')?.parameters).toEqual([]);
  });

  it('are kept on the workstation and reach its bootstrap', async () => {
    const { workstation, lines } = await launch({ name: 'py311', template: 'python-ml', arch: 'x86_64', parameters: { pythonVersion: '3.11' } });
    expect(workstation.parameters).toEqual({ pythonVersion: '3.11' });
    expect(lines).toContainEqual(expect.stringMatching(/conda install .* -c conda-forge python=3.11 numpy /));
  }, 200_000);

  it('refuse a parameter the template does not have, or a value it does not offer, with a hint', async () => {
    for (const parameters of [{ pyVersion: '3.11' }, { pythonVersion: '2.7' }, { pythonVersion: true }]) {
      const res = await prism.api('/instances', {
        method: 'POST',
        body: JSON.stringify({ name: 'refused', template: 'python-ml', arch: 'arm64', parameters })
      });
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { code: string; hint: string };
      expect(problem.code).toBe('PARAMETER_INVALID');
      expect(problem.hint).toMatch(/pythonVersion|3\.11, 3\.12/);
    }
    const mine = (await (await prism.api('/instances')).json()) as Workstation[];
    expect(mine.map(w => w.name)).not.toContain('refused');
  });
});
