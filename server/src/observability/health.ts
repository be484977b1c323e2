/**
 * What GET /health says beside the cloud (docs/api.md, "Health"): each check
 * names a part and whether it works, so an administrator sees what is
 * degraded rather than only that something is. While the service shuts down
 * it says `draining` and refuses new work with SHUTTING_DOWN.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import type { PrismSocketServer } from '../realtime/socket';
import type { HealthCheck } from '../contract/api';
import { sendProblem } from '../http/problem';

/**
 * A median delay past this means every answer is slow enough for researchers
 * to notice. The median, not the tail: one long synchronous moment (start-up's
 * migrations) is not an overload.
 */
const EVENT_LOOP_LAG_DEGRADED_MS = 200;

export interface NamedCheck {
  name: string;
  run(): Promise<HealthCheck> | HealthCheck;
}

export class ServiceHealth {
  private drainingSince: Date | null = null;
  private readonly lag: IntervalHistogram;
  private readonly checks: NamedCheck[] = [];
  private readonly beats = new Map<string, { every: number; last: number | null; started: number }>();

  constructor(private readonly now: () => number = () => Date.now()) {
    this.lag = monitorEventLoopDelay({ resolution: 20 });
    this.lag.enable();
    this.add({ name: 'eventLoop', run: () => this.eventLoop() });
  }

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  startDraining(): void {
    this.drainingSince ??= new Date(this.now());
  }

  add(check: NamedCheck): void {
    this.checks.push(check);
  }

  /** A scheduler that should succeed every `everyMs`: degraded once it missed two turns. */
  scheduler(name: string, everyMs: number): { succeeded(): void } {
    const beat = { every: everyMs, last: null as number | null, started: this.now() };
    this.beats.set(name, beat);
    return { succeeded: () => (beat.last = this.now()) };
  }

  async run(): Promise<Record<string, HealthCheck>> {
    const results: Record<string, HealthCheck> = {};
    await Promise.all(
      this.checks.map(async check => {
        try {
          results[check.name] = await check.run();
        } catch (error) {
          results[check.name] = { status: 'degraded', detail: error instanceof Error ? error.message : String(error) };
        }
      })
    );
    for (const [name, beat] of this.beats) {
      const since = beat.last ?? beat.started;
      const late = this.now() - since > 2 * beat.every + 5_000;
      results[name] = {
        status: late ? 'degraded' : 'ok',
        detail: beat.last === null ? 'has not run yet' : `last succeeded ${new Date(beat.last).toISOString()}`,
        ...(late ? { hint: `It should succeed every ${Math.round(beat.every / 1000)} s; the service log says why it did not.` } : {})
      };
    }
    return results;
  }

  close(): void {
    this.lag.disable();
  }

  private eventLoop(): HealthCheck {
    const p50 = this.lag.percentile(50) / 1e6;
    const p99 = this.lag.percentile(99) / 1e6;
    this.lag.reset();
    const degraded = p50 > EVENT_LOOP_LAG_DEGRADED_MS;
    return {
      status: degraded ? 'degraded' : 'ok',
      detail: `event loop delay since the last look: median ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
      ...(degraded ? { hint: 'The service is overloaded: fewer researchers at once, or give it more CPU.' } : {})
    };
  }
}

/** While draining, only reads and workstations' boot reports (running launches need them) get through. */
export function refuseWhileDraining(health: ServiceHealth): RequestHandler {
  return (req, res, next) => {
    if (!health.draining || req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next();
    res.setHeader('Retry-After', '30');
    sendProblem(res, {
      type: 'https://prism.dev/problems/shutting-down',
      title: 'Prism is shutting down',
      status: 503,
      detail: 'The service is restarting and takes no new work; launches already running carry on after the restart.',
      code: 'SHUTTING_DOWN',
      hint: 'Try again in a minute, when the service is back.'
    });
  };
}

/** While draining, a socket that connects (a client reconnecting at once) is told to come back to the next start. */
export function refuseSocketsWhileDraining(io: PrismSocketServer, health: ServiceHealth): void {
  io.use((_socket, next) => (health.draining ? next(new Error('SHUTTING_DOWN: Prism is restarting; connect again in a moment')) : next()));
}
