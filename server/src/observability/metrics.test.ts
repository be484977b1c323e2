import type { WorkstationEvent } from '../contract/events';
import { ServiceMetrics } from './metrics';

const progress = (id: string, phase: string): WorkstationEvent =>
  ({ kind: 'progress', id, phase, step: 1, steps: 9, percent: 0, etaSeconds: null, message: phase, at: '' }) as WorkstationEvent;

async function sample(metrics: ServiceMetrics, line: string): Promise<number | undefined> {
  const { body } = await metrics.exposition();
  const found = body.split('\n').find(l => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('ServiceMetrics', () => {
  it('times each phase from its first event to the next phase and counts the launch when it ends', async () => {
    let now = 0;
    const metrics = new ServiceMetrics(() => now);
    const passed: WorkstationEvent[] = [];
    const sink = metrics.watching({ publish: (_owner, event) => passed.push(event) });
    sink.publish('ada', progress('ws-1', 'validate'));
    now += 2000;
    sink.publish('ada', progress('ws-1', 'validate'));
    now += 1000;
    sink.publish('ada', progress('ws-1', 'run-instance'));
    now += 4000;
    sink.publish('ada', progress('ws-1', 'failed'));
    expect(passed).toHaveLength(4);
    expect(await sample(metrics, 'prism_launch_phase_seconds_sum{phase="validate"}')).toBe(3);
    expect(await sample(metrics, 'prism_launch_phase_seconds_count{phase="validate"}')).toBe(1);
    expect(await sample(metrics, 'prism_launch_phase_seconds_sum{phase="run-instance"}')).toBe(4);
    expect(await sample(metrics, 'prism_launches_total{result="failed"}')).toBe(1);
    expect(await sample(metrics, 'prism_launches_total{result="ready"}')).toBeUndefined();
  });

  it('counts cloud calls by outcome and errors by code', async () => {
    const metrics = new ServiceMetrics();
    metrics.observe({ service: 'ec2', action: 'RunInstances', seconds: 0.2 });
    metrics.observe({ service: 'ec2', action: 'RunInstances', seconds: 0.1, errorCode: 'InsufficientInstanceCapacity' });
    expect(await sample(metrics, 'prism_cloud_calls_total{service="ec2",action="RunInstances",outcome="ok"}')).toBe(1);
    expect(await sample(metrics, 'prism_cloud_calls_total{service="ec2",action="RunInstances",outcome="error"}')).toBe(1);
    expect(await sample(metrics, 'prism_cloud_call_errors_total{code="InsufficientInstanceCapacity"}')).toBe(1);
    expect(await sample(metrics, 'prism_cloud_call_seconds_count{service="ec2",action="RunInstances"}')).toBe(2);
  });

  it('keeps two services’ counts apart', async () => {
    const one = new ServiceMetrics();
    const other = new ServiceMetrics();
    one.httpRequest('/api/v1/me', 200);
    expect(await sample(one, 'prism_http_requests_total{route="/api/v1/me",status="200"}')).toBe(1);
    expect(await sample(other, 'prism_http_requests_total{route="/api/v1/me",status="200"}')).toBeUndefined();
  });
});
