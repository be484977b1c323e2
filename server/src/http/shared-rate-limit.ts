/**
 * Rate limits shared by replicas (docs/replicas.md, "Rate limits"): each take
 * spends the buckets kept in Redis, so behind N replicas a user still gets
 * their limit once and the global limit is global. When Redis does not answer
 * in time, that request spends this process's own buckets instead: a limit
 * counted per replica for a while is better than refusing or failing work
 * because the counter is away.
 */
import type { HealthCheck } from '../contract/api';
import type { Logger } from '../logger';
import { RateLimit, type BucketSettings, type LimitAnswer, type RateLimiter } from './rate-limit';

export interface LimitBuckets {
  perUser: BucketSettings;
  global: BucketSettings;
}

/** Where the shared buckets are kept (redis-buckets.ts); rejects when it cannot answer. */
export interface SharedBuckets {
  /** Spends one token of `key`'s bucket of limit `name`, then of everyone's, as RateLimit.take does. */
  take(name: string, key: string, settings: LimitBuckets): Promise<LimitAnswer>;
  /** Whether a take could be sent now; false while the connection is down, so no request waits for the timeout. */
  readonly connected: boolean;
  /** Where they are, for logs and /health (never a password). */
  readonly where: string;
}

/** Tells /health and the log whether the limits are shared now; one per process, for every limit. */
export class RateLimitSharing {
  private outageSince: Date | null = null;

  constructor(
    readonly buckets: SharedBuckets,
    private readonly timeoutMs: number,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date()
  ) {}

  limit(name: string, settings: LimitBuckets): RateLimiter {
    return new SharedRateLimit(name, settings, this);
  }

  /** The shared answer, or null when Redis did not give one in time (the outage is noted). */
  async ask(name: string, key: string, settings: LimitBuckets): Promise<LimitAnswer | null> {
    if (!this.buckets.connected) {
      this.failed(new Error('not connected'));
      return null;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = await Promise.race([
        this.buckets.take(name, key, settings),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer in ${this.timeoutMs} ms`)), this.timeoutMs);
        })
      ]);
      this.answered();
      return answer;
    } catch (error) {
      this.failed(error);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  health(): HealthCheck {
    if (this.outageSince === null && this.buckets.connected) {
      return { status: 'ok', detail: `rate limits shared through Redis at ${this.buckets.where}` };
    }
    return {
      status: 'degraded',
      detail: `Redis at ${this.buckets.where} does not answer${this.outageSince ? ` since ${this.outageSince.toISOString()}` : ''}: each replica counts its own rate limits`,
      hint: 'Check that Redis runs and PRISM_REDIS_URL names it; requests are served meanwhile, and a user may send up to one limit per replica.'
    };
  }

  private failed(error: unknown): void {
    if (this.outageSince !== null) return;
    this.outageSince = this.now();
    this.logger.warn(
      { err: error, redis: this.buckets.where },
      'Redis did not answer a rate-limit take: counting in this process until it does'
    );
  }

  private answered(): void {
    if (this.outageSince === null) return;
    this.logger.info({ redis: this.buckets.where, since: this.outageSince.toISOString() }, 'rate limits shared through Redis again');
    this.outageSince = null;
  }
}

class SharedRateLimit implements RateLimiter {
  /** Used only while Redis is away. */
  private readonly own: RateLimit;

  constructor(
    readonly name: string,
    private readonly settings: LimitBuckets,
    private readonly sharing: RateLimitSharing
  ) {
    this.own = new RateLimit(name, settings);
  }

  async take(key: string): Promise<LimitAnswer> {
    return (await this.sharing.ask(this.name, key, this.settings)) ?? this.own.take(key);
  }
}
