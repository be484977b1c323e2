/**
 * GET <base>/metrics (docs/api.md, "Metrics"): Prometheus text a scraper
 * reads with the metrics token; after a real launch against moto its
 * counters and histograms show the launch, its phases, its AWS calls, the
 * HTTP requests and the open sockets.
 */
import { startFaultProxy, type FaultProxy } from './support/fault-proxy';
import { startMoto } from './support/moto';
import { startPrism, type TestPrism } from './support/prism';
import type { Workstation } from '../src/contract/api';

const METRICS_TOKEN = 'prometheus-scraper-token';
let prism: TestPrism;
let proxy: FaultProxy;

beforeAll(async () => {
  const moto = await startMoto();
  proxy = await startFaultProxy({ upstream: moto.endpoint });
  // One try per call, so a faulted call is an error the metrics count rather than a retry.
  prism = await startPrism({ PRISM_AWS_ENDPOINT: proxy.url, PRISM_METRICS_TOKEN: METRICS_TOKEN, PRISM_AWS_MAX_ATTEMPTS: '1' }, { moto });
}, 90_000);

afterAll(async () => {
  await prism?.stop();
  await proxy?.close();
});

const scrape = (token?: string): Promise<Response> =>
  fetch(`${prism.service.url}metrics`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

/** The value of one sample, e.g. value(text, 'prism_launches_total{result="ready"}'); undefined when absent. */
function value(text: string, sample: string): number | undefined {
  const line = text.split('\n').find(l => l.startsWith(`${sample} `));
  return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

it('refuses a scrape without a token or with a user’s wrong one', async () => {
  const anonymous = await scrape();
  expect(anonymous.status).toBe(401);
  expect(((await anonymous.json()) as { code: string }).code).toBe('UNAUTHENTICATED');
  expect((await scrape('not-the-token')).status).toBe(401);
});

it('shows a launch, its phases, its AWS calls and their errors, the HTTP requests and the open sockets', async () => {
  const socket = prism.socket();
  await new Promise<void>(resolve => socket.once('connect', () => resolve()));

  const res = await prism.api('/instances', { method: 'POST', body: JSON.stringify({ name: 'scraped', template: 'amazon-linux', arch: 'arm64' }) });
  expect(res.status).toBe(202);
  const { id } = (await res.json()) as { id: string };
  const deadline = Date.now() + 120_000;
  let workstation: Workstation;
  do {
    await new Promise(resolve => setTimeout(resolve, 250));
    workstation = (await (await prism.api(`/instances/${id}`)).json()) as Workstation;
  } while (workstation.phase !== 'ready' && workstation.phase !== 'failed' && Date.now() < deadline);
  expect(workstation.phase).toBe('ready');

  // A call AWS answers with an error: /health asks STS who the service is.
  proxy.addRule({ service: 'sts', action: 'GetCallerIdentity', count: 1, fault: { kind: 'error5xx' } });
  expect(((await (await prism.api('/health')).json()) as { status: string }).status).toBe('degraded');

  const scraped = await scrape(METRICS_TOKEN);
  expect(scraped.status).toBe(200);
  expect(scraped.headers.get('content-type')).toContain('text/plain; version=0.0.4');
  const text = await scraped.text();

  expect(value(text, 'prism_launches_total{result="ready"}')).toBe(1);
  expect(value(text, 'prism_launches_total{result="failed"}')).toBeUndefined();
  for (const phase of ['validate', 'run-instance', 'wait-running', 'bootstrap', 'health-check']) {
    expect(value(text, `prism_launch_phase_seconds_count{phase="${phase}"}`)).toBe(1);
  }
  expect(value(text, 'prism_cloud_calls_total{service="ec2",action="RunInstances",outcome="ok"}')).toBe(1);
  expect(value(text, 'prism_cloud_call_seconds_count{service="ec2",action="RunInstances"}')).toBe(1);
  expect(value(text, 'prism_cloud_calls_total{service="sts",action="GetCallerIdentity",outcome="error"}')).toBe(1);
  // Labelled with the code the SDK read from the answer (the proxy's 500 on a JSON/query protocol).
  expect(value(text, 'prism_cloud_call_errors_total{code="InternalFailure"}')).toBe(1);
  expect(value(text, 'prism_sockets_connected')).toBe(1);
  expect(value(text, 'prism_http_requests_total{route="/api/v1/instances",status="202"}')).toBe(1);
  expect(value(text, 'prism_http_requests_total{route="/api/v1/instances/:id",status="200"}')).toBeGreaterThan(0);
  expect(text).toMatch(/^process_cpu_user_seconds_total /m);

  socket.disconnect();
  await new Promise(resolve => setTimeout(resolve, 300));
  expect(value(await (await scrape(METRICS_TOKEN)).text(), 'prism_sockets_connected')).toBe(0);
  // The service token works too (the default when no metrics token is set).
  expect((await scrape(prism.service.token)).status).toBe(200);
}, 180_000);
