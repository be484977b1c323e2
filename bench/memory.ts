/**
 * 4. Resident memory (VmRSS from /proc/<pid>/status) of the service: idle
 * after start, with 1 000 socket.io clients connected, and after each of 10
 * rounds of 100 launches (each round launched at once, ready, terminated).
 * The rounds' workstations use bench/templates (nothing to install) so a
 * thousand emulated boots fit one run. Baseline: the same process idle.
 */
import { startMoto } from '../server/test/support/moto';
import { connectSocket, launch, ReadyWatch, terminateAll, type PrismSocket } from './lib/launches';
import { rssMb } from './lib/proc';
import type { BenchResult } from './lib/report';
import { startService, type BenchService } from './lib/service';
import { median, round } from './lib/stats';

const READY_TIMEOUT_MS = 300_000;
const TEMPLATES_DIR = `${__dirname}/templates`;
/**
 * Not how prism-server ships: two process settings measured beside it, the
 * first keeping glibc from holding on to the memory V8 freed after parsing
 * the AWS SDK, the second a 1 MB young generation instead of V8's 16 MB.
 */
const TUNED = { env: { MALLOC_MMAP_THRESHOLD_: '131072' }, nodeArgs: ['--max-semi-space-size=1'] };

export async function memory(options: { sockets: number; rounds: number; launches: number }): Promise<Omit<BenchResult, 'startedAt' | 'seconds' | 'machine'>> {
  const moto = await startMoto();
  const tuned = await startService({ awsEndpoint: moto.endpoint, standInJupyter: true, env: { PRISM_TEMPLATES_DIR: TEMPLATES_DIR, ...TUNED.env }, nodeArgs: TUNED.nodeArgs });
  let tunedIdle: number;
  try {
    await new Promise(resolve => setTimeout(resolve, 3000));
    tunedIdle = await settledRss(tuned);
  } finally {
    await tuned.stop();
  }
  const service = await startService({ awsEndpoint: moto.endpoint, standInJupyter: true, env: { PRISM_TEMPLATES_DIR: TEMPLATES_DIR } });
  let sockets: PrismSocket[] = [];
  try {
    await new Promise(resolve => setTimeout(resolve, 3000));
    const idle = await settledRss(service);
    sockets = await Promise.all(Array.from({ length: options.sockets }, () => connectSocket(service)));
    const withSockets = await settledRss(service);
    sockets.slice(1).forEach(s => s.disconnect());
    sockets = sockets.slice(0, 1);
    const watch = new ReadyWatch(sockets);
    // The first launch makes the security group and key pair; a hundred at once against a cold account is another benchmark.
    const first = await launch(service, 'first', undefined, { template: 'bench-plain' });
    await watch.until([first.id], READY_TIMEOUT_MS);
    await terminateAll(service, [first.id]);
    const afterRounds: number[] = [];
    for (let round = 0; round < options.rounds; round++) {
      const launched = await Promise.all(
        Array.from({ length: options.launches }, (_, i) => launch(service, `round${round}-${i}`, undefined, { template: 'bench-plain' }))
      );
      await watch.until(launched.map(l => l.id), READY_TIMEOUT_MS);
      await terminateAll(service, launched.map(l => l.id), undefined, 20);
      afterRounds.push(await settledRss(service));
    }
    const half = Math.floor(afterRounds.length / 2);
    const growth = median(afterRounds.slice(half)) - median(afterRounds.slice(1, half));
    return {
      name: 'memory',
      title: `Service resident memory: idle, ${options.sockets} sockets, ${options.rounds} rounds of ${options.launches} launches`,
      baseline: 'the same service idle, right after start, before any socket or launch',
      figures: [
        { name: 'RSS idle', value: round(idle, 1), unit: 'MB', target: '< 80', met: idle < 80 },
        { name: `RSS idle if started with MALLOC_MMAP_THRESHOLD_=131072 ${TUNED.nodeArgs.join(' ')} (not shipped)`, value: round(tunedIdle, 1), unit: 'MB', baseline: round(idle, 1) },
        { name: `RSS with ${options.sockets} sockets`, value: round(withSockets, 1), unit: 'MB', baseline: round(idle, 1) },
        { name: 'RSS after round 1', value: round(afterRounds[0], 1), unit: 'MB', baseline: round(idle, 1) },
        { name: `RSS after round ${options.rounds}`, value: round(afterRounds[afterRounds.length - 1], 1), unit: 'MB', baseline: round(idle, 1) },
        {
          name: 'growth, later rounds vs earlier (median of the second half − of rounds 2..half)',
          value: round(growth, 1),
          unit: 'MB',
          target: '< 10',
          met: growth < 10
        }
      ],
      details: { tuned: TUNED, tunedIdleMb: tunedIdle, idleMb: idle, withSocketsMb: withSockets, afterRoundsMb: afterRounds.map(r => round(r, 1)) }
    };
  } finally {
    sockets.forEach(s => s.disconnect());
    await service.stop();
    await moto.stop();
  }
}

/** The median of a few samples a second apart, once the service had a moment to collect garbage. */
async function settledRss(service: BenchService): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise(resolve => setTimeout(resolve, 1000));
    samples.push(rssMb(service.pid));
  }
  return median(samples);
}
