import { ServiceHealth } from './health';

describe('ServiceHealth', () => {
  it('calls a scheduler degraded once it missed two turns, and ok again after it succeeds', async () => {
    let now = 0;
    const health = new ServiceHealth(() => now);
    const beat = health.scheduler('reportCollection', 15_000);
    expect((await health.run()).reportCollection).toMatchObject({ status: 'ok', detail: 'has not run yet' });
    now = 36_000;
    expect((await health.run()).reportCollection).toMatchObject({ status: 'degraded', hint: expect.stringContaining('15 s') });
    beat.succeeded();
    expect((await health.run()).reportCollection.status).toBe('ok');
    health.close();
  });

  it('turns a check that throws into a degraded one that says why', async () => {
    const health = new ServiceHealth();
    health.add({
      name: 'database',
      run: () => {
        throw new Error('The database connection is not open');
      }
    });
    const checks = await health.run();
    expect(checks.database).toEqual({ status: 'degraded', detail: 'The database connection is not open' });
    expect(checks.eventLoop.status).toBe('ok');
    health.close();
  });

  it('is draining once told so, for good', () => {
    const health = new ServiceHealth();
    expect(health.draining).toBe(false);
    health.startDraining();
    health.startDraining();
    expect(health.draining).toBe(true);
    health.close();
  });
});
