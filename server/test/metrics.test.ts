/**
 * Monitoring end to end: the real agent, written by the generated bootstrap,
 * reports every 2 s beside the emulated workstation's real Jupyter; its
 * points reach a real socket.io client as `instance:metrics` and come back
 * from GET /instances/:id/metrics with the cost over time.
 */
import type { MetricsEvent, WorkstationMetrics } from '../src/contract/metrics';
import { startPrism, type PrismClientSocket, type TestPrism } from './support/prism';

const READY_MS = 120_000;

let prism: TestPrism;
let socket: PrismClientSocket;
const previousInterval = process.env.PRISM_AGENT_INTERVAL_SECONDS;

beforeAll(async () => {
  // The boot emulator hands this to the sandboxed bootstrap, which gives it to the agent.
  process.env.PRISM_AGENT_INTERVAL_SECONDS = '2';
  prism = await startPrism();
  socket = prism.socket();
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', resolve);
    socket.on('connect_error', reject);
  });
}, 60_000);

afterAll(async () => {
  if (previousInterval === undefined) delete process.env.PRISM_AGENT_INTERVAL_SECONDS;
  else process.env.PRISM_AGENT_INTERVAL_SECONDS = previousInterval;
  await prism?.stop();
});

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

it('streams a launched workstation’s CPU, memory, disk and network to its owner and keeps them for the graphs', async () => {
  const live: MetricsEvent[] = [];
  let id = '';
  socket.on('instance:metrics', e => e.id === id && live.push(e));
  const res = await prism.api('/instances', { method: 'POST', body: JSON.stringify({ name: 'monitored', template: 'amazon-linux', arch: 'arm64' }) });
  expect(res.status).toBe(202);
  ({ id } = (await res.json()) as { id: string });

  // The second report is the first with a network rate.
  await until(() => live.length >= 3, READY_MS, 'three instance:metrics events');
  for (const event of live) {
    expect(event.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(event.memoryPercent).toBeGreaterThan(0);
    expect(event.memoryPercent).toBeLessThanOrEqual(100);
    expect(event.diskPercent).toBeGreaterThan(0);
    expect(event.costPerHour).toBeGreaterThan(0);
  }
  expect(live[0].networkRxBps).toBeNull();
  expect(live[2].networkRxBps).toBeGreaterThanOrEqual(0);
  expect(live[2].networkTxBps).toBeGreaterThanOrEqual(0);
  expect(Date.parse(live[2].at)).toBeGreaterThan(Date.parse(live[1].at));
  expect(live[2].spend).toBeGreaterThanOrEqual(live[0].spend);

  const metrics = (await (await prism.api(`/instances/${id}/metrics`)).json()) as WorkstationMetrics;
  expect(metrics.points.length).toBeGreaterThanOrEqual(3);
  expect(metrics.points.slice(0, 3)).toEqual(live.slice(0, 3).map(({ id: _id, spend: _s, costPerHour: _c, ...point }) => point));
  expect(metrics.costPerHour).toBe(live[live.length - 1].costPerHour);
  const spends = metrics.spendSeries.map(p => p.spend);
  expect(spends).toEqual([...spends].sort((a, b) => a - b));
  expect(spends[spends.length - 1]).toBeGreaterThan(0);

  const recent = (await (await prism.api(`/instances/${id}/metrics?since=${encodeURIComponent(live[1].at)}`)).json()) as WorkstationMetrics;
  expect(recent.points[0].at).toBe(live[1].at);

  await prism.api(`/instances/${id}`, { method: 'DELETE' });
}, READY_MS + 60_000);

it('answers 404 for a workstation that is not the caller’s, and 400 with a hint for a since that is not a time', async () => {
  const missing = await prism.api('/instances/ws-someone-elses/metrics');
  expect(missing.status).toBe(404);
  expect(await missing.json()).toMatchObject({ code: 'WORKSTATION_NOT_FOUND', hint: expect.any(String) });
  const wrong = await prism.api('/instances/ws-someone-elses/metrics?since=yesterday');
  expect(wrong.status).toBe(400);
  expect(await wrong.json()).toMatchObject({ code: 'INVALID_REQUEST', hint: expect.any(String) });
});
