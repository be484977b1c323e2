import { RateLimit, TokenBuckets } from './rate-limit';

describe('TokenBuckets', () => {
  it('lets a burst through at once, then one request per refill, and says when to try again', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perMinute: 60, burst: 5 }, () => now);
    for (let i = 0; i < 5; i++) expect(buckets.take('ada').ok).toBe(true);
    expect(buckets.take('ada')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 1000;
    expect(buckets.take('ada').ok).toBe(true);
    expect(buckets.take('ada').ok).toBe(false);
  });

  it('keeps one bucket per key', () => {
    const buckets = new TokenBuckets({ perMinute: 1, burst: 1 }, () => 0);
    expect(buckets.take('ada').ok).toBe(true);
    expect(buckets.take('ada')).toEqual({ ok: false, retryAfterSeconds: 60 });
    expect(buckets.take('grace').ok).toBe(true);
  });

  it('refills no higher than the burst', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perMinute: 600, burst: 2 }, () => now);
    now += 3_600_000;
    expect([buckets.take('a').ok, buckets.take('a').ok, buckets.take('a').ok]).toEqual([true, true, false]);
  });

  it('peeks without spending', () => {
    const buckets = new TokenBuckets({ perMinute: 1, burst: 1 }, () => 0);
    expect(buckets.peek('ada').ok).toBe(true);
    expect(buckets.peek('ada').ok).toBe(true);
    expect(buckets.take('ada').ok).toBe(true);
    expect(buckets.peek('ada')).toEqual({ ok: false, retryAfterSeconds: 60 });
  });

  it('takes everything when the limit is 0 (off)', () => {
    const buckets = new TokenBuckets({ perMinute: 0, burst: 0 }, () => 0);
    for (let i = 0; i < 1000; i++) expect(buckets.take('ada').ok).toBe(true);
  });
});

describe('RateLimit', () => {
  it('refuses a user over their own limit without spending the shared bucket', () => {
    const limit = new RateLimit('requests', { perUser: { perMinute: 60, burst: 2 }, global: { perMinute: 60, burst: 3 } }, () => 0);
    expect(limit.take('ada').ok).toBe(true);
    expect(limit.take('ada').ok).toBe(true);
    expect(limit.take('ada')).toMatchObject({ ok: false, scope: 'user' });
    expect(limit.take('grace').ok).toBe(true);
    expect(limit.take('grace')).toMatchObject({ ok: false, scope: 'everyone' });
  });

  it('gives back the user token a full shared bucket refused', () => {
    let now = 0;
    const limit = new RateLimit('requests', { perUser: { perMinute: 1, burst: 1 }, global: { perMinute: 60, burst: 1 } }, () => now);
    expect(limit.take('ada').ok).toBe(true);
    expect(limit.take('grace')).toMatchObject({ ok: false, scope: 'everyone' });
    now += 1000;
    expect(limit.take('grace').ok).toBe(true);
  });
});
