/**
 * A bound on AWS calls in flight (PRISM_AWS_MAX_CONCURRENCY): 20 researchers
 * launching at once wait their turn here instead of meeting AWS's throttling
 * all together. Every client gets the same queue as SDK middleware at the
 * request-sending end of the retry loop, so every try waits its turn, and
 * waiters and paginators pass it like any other call. Another middleware
 * times each call, retries included, for the Prometheus metrics.
 */
import type { FinalizeHandler, FinalizeHandlerArguments, HandlerExecutionContext, InitializeHandler, InitializeHandlerArguments, MiddlewareStack } from '@smithy/types';
import type { CloudCallObserver } from '../observability/metrics';

export class CallQueue {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('a call queue needs a limit of at least 1');
  }

  get inFlight(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>(resolve => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await call();
    } finally {
      // The slot passes straight to the next in line; `active` only drops when nobody waits.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

/** The part of an SDK client the queue needs (every @aws-sdk client has it). */
interface MiddlewareClient {
  middlewareStack: Pick<MiddlewareStack<any, any>, 'add'>; // eslint-disable-line @typescript-eslint/no-explicit-any -- every client's own input and output types
}

export interface CallHooks {
  queue?: CallQueue;
  observer?: CloudCallObserver;
}

/** EC2Client → ec2, RunInstancesCommand → RunInstances: the names AWS's own metrics use. */
function names(context: HandlerExecutionContext): { service: string; action: string } {
  return {
    service: (context.clientName ?? 'unknown').replace(/Client$/, '').toLowerCase(),
    action: (context.commandName ?? 'unknown').replace(/Command$/, '')
  };
}

function errorCode(error: unknown): string {
  const e = error as { name?: unknown; Code?: unknown; code?: unknown } | null;
  for (const candidate of [e?.Code, e?.name, e?.code]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error') return candidate;
  }
  return 'Unknown';
}

export function applyCallHooks(client: MiddlewareClient, hooks: CallHooks): void {
  const { queue, observer } = hooks;
  if (observer) {
    client.middlewareStack.add(
      (next: InitializeHandler<object, object>, context: HandlerExecutionContext) => async (args: InitializeHandlerArguments<object>) => {
        const started = performance.now();
        let failure: string | undefined;
        try {
          return await next(args);
        } catch (error) {
          failure = errorCode(error);
          throw error;
        } finally {
          observer.observe({ ...names(context), seconds: (performance.now() - started) / 1000, errorCode: failure });
        }
      },
      { step: 'initialize', name: 'prismCallMetrics', priority: 'high' }
    );
  }
  if (queue) {
    // Each try takes a slot just around its request, inside the retry loop: a backoff holds no slot, and
    // a look-up made before a try (instances.ts finds a launch's instance first) is not stuck behind it.
    client.middlewareStack.add(
      (next: FinalizeHandler<object, object>) => (args: FinalizeHandlerArguments<object>) => queue.run(() => next(args)),
      { step: 'finalizeRequest', name: 'prismCallQueue', priority: 'low' }
    );
  }
}
