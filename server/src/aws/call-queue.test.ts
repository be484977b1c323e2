import { CallQueue } from './call-queue';

const tick = () => new Promise(resolve => setImmediate(resolve));

describe('CallQueue', () => {
  it('never runs more than its limit at once, and runs every call in arrival order', async () => {
    const queue = new CallQueue(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const releases: Array<() => void> = [];
    const calls = Array.from({ length: 10 }, (_, i) =>
      queue.run(async () => {
        started.push(i);
        running++;
        most = Math.max(most, running);
        await new Promise<void>(resolve => releases.push(resolve));
        running--;
        return i;
      })
    );
    await tick();
    expect(started).toEqual([0, 1, 2]);
    expect(queue.queued).toBe(7);
    while (started.length < 10 || releases.length > 0) {
      releases.shift()?.();
      await tick();
    }
    expect(await Promise.all(calls)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(most).toBe(3);
    expect(queue.inFlight).toBe(0);
  });

  it('frees the slot of a call that failed', async () => {
    const queue = new CallQueue(1);
    await expect(queue.run(() => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    expect(queue.inFlight).toBe(0);
    await expect(queue.run(async () => 'next')).resolves.toBe('next');
  });

  it('refuses a limit below one', () => {
    expect(() => new CallQueue(0)).toThrow(RangeError);
  });
});
