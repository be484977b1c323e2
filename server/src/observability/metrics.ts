/**
 * The service's Prometheus metrics (GET <base>/metrics, docs/api.md): one
 * registry per running service, so two services in one process (the tests)
 * never add up into each other's counters.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkstationEvent } from '../contract/events';
import type { EventSink } from '../domain/ports';

/** What the AWS clients tell about each call (aws/call-queue.ts reports through it). */
export interface CloudCallObserver {
  observe(call: { service: string; action: string; seconds: number; errorCode?: string }): void;
}

export class ServiceMetrics implements CloudCallObserver {
  readonly registry = new Registry();
  private readonly launches = new Counter({ name: 'prism_launches_total', help: 'Launches that ended, by result (ready, failed).', labelNames: ['result'], registers: [this.registry] });
  private readonly phases = new Histogram({
    name: 'prism_launch_phase_seconds',
    help: 'How long each launch phase took.',
    labelNames: ['phase'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    registers: [this.registry]
  });
  private readonly cloudCalls = new Counter({ name: 'prism_cloud_calls_total', help: 'AWS calls, by service, action and outcome (ok, error).', labelNames: ['service', 'action', 'outcome'], registers: [this.registry] });
  private readonly cloudSeconds = new Histogram({
    name: 'prism_cloud_call_seconds',
    help: 'How long AWS calls took, retries and waiting for a slot included.',
    labelNames: ['service', 'action'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [this.registry]
  });
  private readonly cloudErrors = new Counter({ name: 'prism_cloud_call_errors_total', help: 'AWS calls that failed, by error code.', labelNames: ['code'], registers: [this.registry] });
  readonly sockets = new Gauge({ name: 'prism_sockets_connected', help: 'Open socket.io connections.', registers: [this.registry] });
  private readonly http = new Counter({ name: 'prism_http_requests_total', help: 'HTTP requests answered, by route and status.', labelNames: ['route', 'status'], registers: [this.registry] });
  readonly rateLimited = new Counter({ name: 'prism_rate_limited_total', help: 'Requests and socket events refused by a rate limit, by limit.', labelNames: ['limit'], registers: [this.registry] });
  private readonly phaseStarts = new Map<string, { phase: string; at: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {
    collectDefaultMetrics({ register: this.registry });
  }

  observe(call: { service: string; action: string; seconds: number; errorCode?: string }): void {
    this.cloudCalls.inc({ service: call.service, action: call.action, outcome: call.errorCode ? 'error' : 'ok' });
    this.cloudSeconds.observe({ service: call.service, action: call.action }, call.seconds);
    if (call.errorCode) this.cloudErrors.inc({ code: call.errorCode });
  }

  httpRequest(route: string, status: number): void {
    this.http.inc({ route, status: String(status) });
  }

  /** A launch's progress events: a phase lasts from its first event to the next phase's. */
  private launchEvent(event: WorkstationEvent): void {
    if (event.kind !== 'progress') return;
    const at = this.now();
    const open = this.phaseStarts.get(event.id);
    if (open && open.phase === event.phase) return;
    if (open) this.phases.observe({ phase: open.phase }, (at - open.at) / 1000);
    if (event.phase === 'ready' || event.phase === 'failed') {
      this.phaseStarts.delete(event.id);
      this.launches.inc({ result: event.phase });
      return;
    }
    this.phaseStarts.set(event.id, { phase: event.phase, at });
  }

  /** Passes every event on to `sink`, counting launches on the way. */
  watching(sink: EventSink): EventSink {
    return {
      publish: (owner, event, project) => {
        this.launchEvent(event);
        sink.publish(owner, event, project);
      }
    };
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
