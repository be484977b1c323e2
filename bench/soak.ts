/**
 * The soak (issue 7): 20 users launch 200 workstations through the fault
 * proxy, the scenario of server/test/support/soak.ts, here with the built
 * prism-server as its own process and its numbers kept: how many ended
 * ready or failed, faults injected and the SDK's retries, launches a
 * second, time to ready, events delivered and lost. soak.test.ts runs the
 * same scenario and asserts only its invariants.
 */
import { startFaultProxy } from '../server/test/support/fault-proxy';
import { startMoto } from '../server/test/support/moto';
import { writeUsersFile } from '../server/test/support/prism';
import { runSoak, SOAK_SERVICE_ENV, type SoakOutcome } from '../server/test/support/soak';
import type { BenchResult } from './lib/report';
import { BENCH_TOKEN, startService } from './lib/service';
import { percentile, round } from './lib/stats';

export async function soak(options: { users: number; launches: number; inFlightPerUser: number; seed: number }): Promise<Omit<BenchResult, 'startedAt' | 'seconds' | 'machine'>> {
  const users = Array.from({ length: options.users }, (_, i) => ({ user: `soak-researcher-${i + 1}`, token: `soak-researcher-token-${i + 1}` }));
  const moto = await startMoto();
  const proxy = await startFaultProxy({ upstream: moto.endpoint, seed: options.seed });
  const service = await startService({
    awsEndpoint: proxy.url,
    standInJupyter: true,
    // The shipped AWS call queue, not the other benchmarks' 1 000: the soak also shows it does not stall.
    env: { PRISM_USERS_FILE: writeUsersFile(users), PRISM_AWS_MAX_CONCURRENCY: '16', ...SOAK_SERVICE_ENV }
  });
  try {
    const outcome = await runSoak(
      { url: service.url, serviceToken: BENCH_TOKEN, users, proxy, motoEndpoint: moto.endpoint },
      { launches: options.launches, inFlightPerUser: options.inFlightPerUser, settleTimeoutMs: 300_000 }
    );
    return report(outcome, options);
  } finally {
    await service.stop();
    await proxy.close();
    await moto.stop();
  }
}

function report(outcome: SoakOutcome, options: { users: number; launches: number; inFlightPerUser: number; seed: number }): Omit<BenchResult, 'startedAt' | 'seconds' | 'machine'> {
  const ready = outcome.launches.filter(l => l.heard === 'ready');
  const failed = outcome.launches.filter(l => l.heard === 'failed');
  const toReady = ready.map(l => l.settleMs as number);
  const faults = Object.values(outcome.faults).reduce((a, b) => a + b, 0);
  const { events } = outcome;
  const lost = events.lost.length + events.seqGaps.length;
  const extraInstances = ready.filter(l => l.instances.length !== 1).length;
  const leftBehind = failed.filter(l => l.instances.some(i => i.state !== 'terminated' && i.state !== 'shutting-down')).length;
  const unsettled = outcome.launches.length - ready.length - failed.length;
  return {
    name: 'soak',
    title: `${options.users} users launch ${options.launches} workstations, ${options.inFlightPerUser} at a time each, through the fault proxy`,
    baseline: 'none: the invariants are the targets (every launch ended, one instance per ready launch, no event lost)',
    figures: [
      { name: 'launches', value: outcome.launches.length, unit: 'launches', target: `= ${options.launches}`, met: outcome.launches.length === options.launches && outcome.refusedPosts.length === 0 },
      { name: 'ended ready', value: ready.length, unit: 'launches' },
      { name: 'ended failed, with a reason', value: failed.length, unit: 'launches' },
      { name: 'not ended (stuck)', value: unsettled, unit: 'launches', target: '= 0', met: unsettled === 0 },
      { name: 'ready launches without exactly one instance in moto', value: extraInstances, unit: 'launches', target: '= 0', met: extraInstances === 0 },
      { name: 'failed launches with an instance left', value: leftBehind, unit: 'launches', target: '= 0', met: leftBehind === 0 },
      { name: 'faults injected', value: faults, unit: 'faults' },
      { name: 'AWS tries beyond the operations (SDK retries)', value: outcome.retries, unit: 'tries' },
      { name: 'duration, first POST → last launch ended', value: round(outcome.durationMs / 1000, 1), unit: 's' },
      { name: 'launches a second', value: round(outcome.launches.length / (outcome.durationMs / 1000), 2), unit: '/s' },
      { name: 'POST → ready p50', value: round(percentile(toReady, 50), 0), unit: 'ms' },
      { name: 'POST → ready p95', value: round(percentile(toReady, 95), 0), unit: 'ms' },
      { name: 'events delivered', value: events.delivered, unit: 'events' },
      { name: 'events lost', value: lost, unit: 'events', target: '= 0', met: lost === 0 && events.duplicated.length === 0 && events.outOfOrder.length === 0 }
    ],
    details: {
      seed: options.seed,
      faultsByKind: outcome.faults,
      tries: outcome.tries,
      refusedPosts: outcome.refusedPosts,
      eventsStored: events.stored,
      duplicated: events.duplicated.length,
      unexpected: events.unexpected.length,
      outOfOrder: events.outOfOrder.length,
      seqGaps: events.seqGaps.length,
      failureCodes: countBy(failed.map(l => l.workstation.error?.code ?? 'none')),
      toReadyMs: toReady.map(ms => round(ms, 0))
    }
  };
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}
