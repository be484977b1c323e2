import type { Logger } from '../logger';
import type { LimitAnswer } from './rate-limit';
import { RateLimitSharing, type LimitBuckets, type SharedBuckets } from './shared-rate-limit';

const BUCKETS: LimitBuckets = { perUser: { perMinute: 1, burst: 2 }, global: { perMinute: 60, burst: 100 } };

/** A Redis that answers what `next` says: an answer, a failure, or never. */
class StubBuckets implements SharedBuckets {
  readonly where = 'cache.internal:6379';
  connected = true;
  next: () => Promise<LimitAnswer> = () => Promise.resolve({ ok: true });
  asked = 0;

  take(): Promise<LimitAnswer> {
    this.asked++;
    return this.next();
  }
}

function recordingLogger(): { logger: Logger; warnings: string[]; infos: string[] } {
  const warnings: string[] = [];
  const infos: string[] = [];
  const logger = { warn: (_: unknown, message: string) => warnings.push(message), info: (_: unknown, message: string) => infos.push(message) } as unknown as Logger;
  return { logger, warnings, infos };
}

describe('RateLimitSharing', () => {
  it("gives Redis's answer while Redis answers, spending nothing in this process", async () => {
    const buckets = new StubBuckets();
    const { logger, warnings } = recordingLogger();
    const limit = new RateLimitSharing(buckets, 50, logger).limit('requests', BUCKETS);
    for (let i = 0; i < 5; i++) expect(await limit.take('user:ada')).toEqual({ ok: true });
    buckets.next = () => Promise.resolve({ ok: false, retryAfterSeconds: 42, scope: 'everyone' });
    expect(await limit.take('user:ada')).toEqual({ ok: false, retryAfterSeconds: 42, scope: 'everyone' });
    expect(buckets.asked).toBe(6);
    expect(warnings).toEqual([]);
  });

  it('counts in this process when Redis fails, is slow or is offline; warns once; /health degraded until Redis answers again', async () => {
    const buckets = new StubBuckets();
    const { logger, warnings, infos } = recordingLogger();
    const sharing = new RateLimitSharing(buckets, 20, logger);
    const limit = sharing.limit('requests', BUCKETS);
    expect(sharing.health().status).toBe('ok');

    buckets.next = () => Promise.reject(new Error('READONLY You cannot write against a read only replica.'));
    expect(await limit.take('user:ada')).toEqual({ ok: true });
    buckets.next = () => new Promise<never>(() => undefined);
    expect(await limit.take('user:ada')).toEqual({ ok: true });
    // The in-process bucket (burst 2) is what refuses now.
    expect(await limit.take('user:ada')).toMatchObject({ ok: false, scope: 'user', retryAfterSeconds: 60 });
    buckets.connected = false;
    const asked = buckets.asked;
    expect(await limit.take('user:grace')).toEqual({ ok: true });
    expect(buckets.asked).toBe(asked);

    expect(warnings).toHaveLength(1);
    expect(sharing.health()).toMatchObject({ status: 'degraded', detail: expect.stringMatching(/cache\.internal:6379 does not answer since .*each replica counts its own/) });

    buckets.connected = true;
    buckets.next = () => Promise.resolve({ ok: true });
    expect(await limit.take('user:ada')).toEqual({ ok: true });
    expect(sharing.health().status).toBe('ok');
    expect(infos).toEqual(['rate limits shared through Redis again']);

    // A second outage is a second warning.
    buckets.next = () => Promise.reject(new Error('connection lost'));
    await limit.take('user:ada');
    expect(warnings).toHaveLength(2);
  });

  it('says degraded while the connection is down, before any request tried it', () => {
    const buckets = new StubBuckets();
    buckets.connected = false;
    expect(new RateLimitSharing(buckets, 50, recordingLogger().logger).health().status).toBe('degraded');
  });
});
