/**
 * 1. The launch's critical path. Every AWS call is delayed 50 ms by the
 * fault proxy (a far region). For each launch: POST /instances → the
 * RunInstances call, → `ready` (the emulated boot, with a real Jupyter), and
 * the sequential round trips before RunInstances. Cold: a fresh service's
 * first launch in a fresh account (it makes the security group and the key
 * pair); warm: the launches after it. Baseline, same run: the same launches
 * with PRISM_LAUNCH_SEQUENTIAL=1 and PRISM_CLOUD_CACHE_OFF=1.
 */
import { startFaultProxy } from '../server/test/support/fault-proxy';
import { startMoto } from '../server/test/support/moto';
import { connectSocket, launch, ReadyWatch, terminateAll } from './lib/launches';
import type { BenchResult, Figure } from './lib/report';
import { callsBeforeRun, longestChain, type CallChain } from './lib/round-trips';
import { startService } from './lib/service';
import { median, round } from './lib/stats';

const DELAY_MS = 50;
const READY_TIMEOUT_MS = 180_000;

interface LaunchSample {
  cold: boolean;
  roundTrips: number;
  chain: CallChain['calls'];
  callsBeforeRun: number;
  toRunInstancesMs: number;
  toReadyMs: number;
}

const VARIANTS = {
  prism: {},
  baseline: { PRISM_LAUNCH_SEQUENTIAL: '1', PRISM_CLOUD_CACHE_OFF: '1' }
} as const;

export async function launchPath(options: { runs: number; warmLaunches: number }): Promise<Omit<BenchResult, 'startedAt' | 'seconds' | 'machine'>> {
  const samples: Record<keyof typeof VARIANTS, LaunchSample[]> = { prism: [], baseline: [] };
  for (let run = 0; run < options.runs; run++) {
    // Alternating which goes first, so a slow spell on the machine does not land on one side only.
    const order = run % 2 === 0 ? (['prism', 'baseline'] as const) : (['baseline', 'prism'] as const);
    for (const variant of order) {
      samples[variant].push(...(await launchesOn(VARIANTS[variant], 1 + options.warmLaunches)));
    }
  }
  const pick = (variant: keyof typeof VARIANTS, cold: boolean, field: 'roundTrips' | 'toRunInstancesMs' | 'toReadyMs'): number =>
    median(samples[variant].filter(s => s.cold === cold).map(s => s[field]));
  const figure = (name: string, cold: boolean, field: 'roundTrips' | 'toRunInstancesMs' | 'toReadyMs', unit: string, limit?: number): Figure => {
    const value = pick('prism', cold, field);
    return {
      name,
      value: round(value, 1),
      unit,
      baseline: round(pick('baseline', cold, field), 1),
      ...(limit !== undefined && { target: `<= ${limit}`, met: value <= limit })
    };
  };
  return {
    name: 'launch-path',
    title: `Launch critical path, every AWS call +${DELAY_MS} ms`,
    baseline: 'the same launches with PRISM_LAUNCH_SEQUENTIAL=1 PRISM_CLOUD_CACHE_OFF=1 (no parallelism, no caches), same run',
    figures: [
      figure('sequential AWS round trips before RunInstances, warm', false, 'roundTrips', 'calls', 3),
      figure('sequential AWS round trips before RunInstances, cold', true, 'roundTrips', 'calls', 5),
      figure('POST /instances → RunInstances, warm', false, 'toRunInstancesMs', 'ms'),
      figure('POST /instances → RunInstances, cold', true, 'toRunInstancesMs', 'ms'),
      figure('POST /instances → ready (emulated boot), warm', false, 'toReadyMs', 'ms'),
      figure('POST /instances → ready (emulated boot), cold', true, 'toReadyMs', 'ms')
    ],
    details: { delayMs: DELAY_MS, runs: options.runs, launchesPerRun: 1 + options.warmLaunches, samples }
  };
}

/** A fresh account (moto), proxy and service; `count` launches one after another, each to ready. */
async function launchesOn(env: Record<string, string>, count: number): Promise<LaunchSample[]> {
  const moto = await startMoto();
  const proxy = await startFaultProxy({ upstream: moto.endpoint, delayMs: DELAY_MS });
  const service = await startService({ awsEndpoint: proxy.url, env });
  const socket = await connectSocket(service);
  const watch = new ReadyWatch([socket]);
  const samples: LaunchSample[] = [];
  try {
    // Start-up's own calls (reconcile, credentials check) are not a launch's.
    await new Promise(resolve => setTimeout(resolve, 1500));
    for (let i = 0; i < count; i++) {
      proxy.resetCalls();
      const launched = await launch(service, `path-${i}`);
      await watch.until([launched.id], READY_TIMEOUT_MS);
      const readyAt = watch.readyAt.get(launched.id) as number;
      const { before, run } = callsBeforeRun(proxy.calls(), launched.sentAt);
      if (!run) throw new Error('no RunInstances call went through the proxy');
      const chain = longestChain(before);
      samples.push({
        cold: i === 0,
        roundTrips: chain.length,
        chain: chain.calls,
        callsBeforeRun: before.length,
        toRunInstancesMs: round(run.start - launched.sentAt, 1),
        toReadyMs: readyAt - launched.sentAtEpoch
      });
      await terminateAll(service, [launched.id]);
    }
  } finally {
    socket.disconnect();
    await service.stop();
    await proxy.close();
    await moto.stop();
  }
  return samples;
}
