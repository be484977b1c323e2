import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('asks once while the answer is fresh, and again once it has expired', async () => {
    let now = 0;
    const cache = new TtlCache<number>(1000, () => now);
    let calls = 0;
    const load = async () => ++calls;

    expect(await cache.get('k', load)).toBe(1);
    now = 999;
    expect(await cache.get('k', load)).toBe(1);
    now = 1000;
    expect(await cache.get('k', load)).toBe(2);
  });

  it('shares one call between parallel asks', async () => {
    const cache = new TtlCache<string>(1000);
    let calls = 0;
    const load = () => new Promise<string>(resolve => setTimeout(() => resolve(`answer ${++calls}`), 5));

    const answers = await Promise.all([cache.get('k', load), cache.get('k', load)]);
    expect(answers).toEqual(['answer 1', 'answer 1']);
  });

  it('asks every time, parallel asks too, with a TTL of 0 (the PRISM_CLOUD_CACHE_OFF baseline)', async () => {
    const cache = new TtlCache<number>(0);
    let calls = 0;
    const load = () => new Promise<number>(resolve => setTimeout(() => resolve(++calls), 5));

    expect(await Promise.all([cache.get('k', load), cache.get('k', load)])).toEqual([1, 2]);
    expect(await cache.get('k', load)).toBe(3);
  });

  it('forgets a failure so the next ask retries', async () => {
    const cache = new TtlCache<string>(60_000);
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => 'up')).toBe('up');
  });
});
