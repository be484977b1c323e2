/**
 * Token buckets per user and one for everyone (docs/api.md, "Limits"): a
 * bucket holds `burst` tokens and refills `perMinute` a minute, so a
 * researcher opening a busy panel gets through at once while a runaway script
 * is slowed. Buckets are keyed by the authenticated user (anonymous requests
 * by address), so a lab behind one proxy address does not share one.
 */
import type { RequestHandler } from 'express';
import type { Problem } from '../contract/events';
import { sendProblem } from './problem';

/** `perMinute` 0 turns the limit off. */
export interface BucketSettings {
  perMinute: number;
  burst: number;
}

export type Taken = { ok: true } | { ok: false; retryAfterSeconds: number };

/** A refusal names the bucket that was empty: the user's own, or everyone's. */
export type LimitAnswer = Taken & { scope?: 'user' | 'everyone' };

/**
 * One limit (requests, launches, socket events): a user's bucket, then
 * everyone's. In this process (RateLimit), or shared by replicas through Redis
 * (shared-rate-limit.ts), whose answer comes later.
 */
export interface RateLimiter {
  readonly name: string;
  take(key: string): LimitAnswer | Promise<LimitAnswer>;
}

/** Idle buckets are full ones: forgetting them changes nothing, and keeps the map small. */
const FORGET_AFTER_MS = 10 * 60_000;

export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private lastSweep: number;

  constructor(
    private readonly settings: BucketSettings,
    private readonly now: () => number = () => Date.now()
  ) {
    this.lastSweep = now();
  }

  get off(): boolean {
    return this.settings.perMinute <= 0;
  }

  take(key: string): Taken {
    if (this.off) return { ok: true };
    const now = this.now();
    this.sweep(now);
    const perMs = this.settings.perMinute / 60_000;
    const kept = this.buckets.get(key);
    const tokens = kept ? Math.min(this.settings.burst, kept.tokens + (now - kept.at) * perMs) : this.settings.burst;
    if (tokens >= 1) {
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return { ok: true };
    }
    this.buckets.set(key, { tokens, at: now });
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
  }

  /** Whether `take` would succeed, spending nothing. */
  peek(key: string): Taken {
    if (this.off) return { ok: true };
    const kept = this.buckets.get(key);
    if (!kept) return { ok: true };
    const perMs = this.settings.perMinute / 60_000;
    const tokens = Math.min(this.settings.burst, kept.tokens + (this.now() - kept.at) * perMs);
    return tokens >= 1 ? { ok: true } : { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / perMs / 1000)) };
  }

  /** Gives back a token taken for a request another limit then refused. */
  giveBack(key: string): void {
    const kept = this.buckets.get(key);
    if (kept) kept.tokens = Math.min(this.settings.burst, kept.tokens + 1);
  }

  private sweep(now: number): void {
    if (now - this.lastSweep < FORGET_AFTER_MS) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.at > FORGET_AFTER_MS) this.buckets.delete(key);
    }
  }
}

/** A user's bucket, then everyone's: a user who is over their own limit does not spend the shared one. */
export class RateLimit implements RateLimiter {
  private readonly users: TokenBuckets;
  private readonly everyone: TokenBuckets;

  constructor(
    readonly name: string,
    settings: { perUser: BucketSettings; global: BucketSettings },
    now?: () => number
  ) {
    this.users = new TokenBuckets(settings.perUser, now);
    this.everyone = new TokenBuckets(settings.global, now);
  }

  take(key: string): LimitAnswer {
    const own = this.users.take(key);
    if (!own.ok) return { ...own, scope: 'user' };
    const shared = this.everyone.take('*');
    if (!shared.ok) {
      this.users.giveBack(key);
      return { ...shared, scope: 'everyone' };
    }
    return own;
  }
}

export function rateLimitedProblem(what: string, scope: 'user' | 'everyone', retryAfterSeconds: number): Problem {
  return {
    type: 'https://prism.dev/problems/rate-limited',
    title: 'Too many requests',
    status: 429,
    detail:
      scope === 'user'
        ? `You sent more ${what} than Prism takes from one user in a short time.`
        : `Everyone together sent more ${what} than Prism takes in a short time.`,
    code: 'RATE_LIMITED',
    hint: `Try again in ${retryAfterSeconds} s. A script should wait for Retry-After; an administrator can raise the limits (PRISM_RATE_LIMIT_*, README).`
  };
}

/**
 * `keyOf` names whose bucket a request spends: after requireCaller the user,
 * before it the client's address. `applies` picks the requests it counts.
 */
export function rateLimitMiddleware(
  limit: RateLimiter,
  what: string,
  keyOf: (res: Parameters<RequestHandler>[1], req: Parameters<RequestHandler>[0]) => string,
  options: { applies?: (req: Parameters<RequestHandler>[0]) => boolean; onRefused?: (limit: string) => void } = {}
): RequestHandler {
  return (req, res, next) => {
    if (options.applies && !options.applies(req)) return next();
    void Promise.resolve(limit.take(keyOf(res, req))).then(taken => {
      if (taken.ok) return next();
      options.onRefused?.(limit.name);
      res.setHeader('Retry-After', String(taken.retryAfterSeconds));
      sendProblem(res, rateLimitedProblem(what, taken.scope ?? 'user', taken.retryAfterSeconds));
    }, next);
  };
}

/**
 * Put before requireCaller: an address whose requests keep failing to sign in
 * is refused for a while. Only the 401s spend its bucket, and a request with
 * a valid token still gets through, so researchers behind the same address
 * are not locked out by someone guessing.
 */
export function failedSignInLimit(
  perMinute: number,
  authenticated: (req: Parameters<RequestHandler>[0]) => Promise<boolean>,
  onRefused?: (limit: string) => void
): RequestHandler {
  // A token guessed at is refused long before it could be found.
  const buckets = new TokenBuckets({ perMinute, burst: perMinute });
  return async (req, res, next) => {
    const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const peeked = buckets.peek(address);
    try {
      if (!peeked.ok && !(await authenticated(req))) {
        onRefused?.('failed-sign-ins');
        res.setHeader('Retry-After', String(peeked.retryAfterSeconds));
        return sendProblem(res, rateLimitedProblem('requests without a valid token', 'user', peeked.retryAfterSeconds));
      }
    } catch (error) {
      return next(error);
    }
    res.on('finish', () => {
      if (res.statusCode === 401) buckets.take(address);
    });
    next();
  };
}
