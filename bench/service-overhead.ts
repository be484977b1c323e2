/**
 * 2. What the service itself costs per launch. CPU: the service process's
 * own user+system time (/proc/<pid>/stat, not its children: the emulated
 * workstations are not the service) from the first POST to the last `ready`,
 * over 100 launches at once, minus what the same service spends idle over the
 * same wall time (its schedulers), divided by 100. Wall: for launches one at a
 * time, the time from POST to the bootstrap phase during which no AWS call was
 * in flight (the fault proxy, no delay, records every call).
 */
import { startFaultProxy, type CallRecord } from '../server/test/support/fault-proxy';
import { startMoto } from '../server/test/support/moto';
import type { WorkstationEvent } from '../server/src/contract/events';
import { connectSocket, launch, ReadyWatch, terminateAll } from './lib/launches';
import { cpuMs, CPU_TICK_MS } from './lib/proc';
import type { BenchResult } from './lib/report';
import { startService, type BenchService } from './lib/service';
import { median, round } from './lib/stats';

const READY_TIMEOUT_MS = 300_000;
const IDLE_SAMPLE_MS = 15_000;

export async function serviceOverhead(options: { runs: number; launches: number; oneByOne: number }): Promise<Omit<BenchResult, 'startedAt' | 'seconds' | 'machine'>> {
  const moto = await startMoto();
  const proxy = await startFaultProxy({ upstream: moto.endpoint });
  const service = await startService({ awsEndpoint: proxy.url, standInJupyter: true });
  const socket = await connectSocket(service);
  const watch = new ReadyWatch([socket]);
  try {
    // Warm: JIT, caches, the security group and key pair exist.
    await launchMany(service, watch, 'warm', 10);
    await new Promise(resolve => setTimeout(resolve, 2000));
    const idleStart = cpuMs(service.pid);
    await new Promise(resolve => setTimeout(resolve, IDLE_SAMPLE_MS));
    const idleMsPerSecond = (cpuMs(service.pid) - idleStart) / (IDLE_SAMPLE_MS / 1000);

    const runs: { cpuMs: number; wallMs: number; idleCpuMs: number; perLaunchCpuMs: number }[] = [];
    for (let run = 0; run < options.runs; run++) {
      const { cpu, wall } = await launchMany(service, watch, `run${run}`, options.launches);
      const idleCpuMs = (idleMsPerSecond * wall) / 1000;
      runs.push({ cpuMs: cpu, wallMs: round(wall, 0), idleCpuMs: round(idleCpuMs, 1), perLaunchCpuMs: round((cpu - idleCpuMs) / options.launches, 2) });
    }
    const walls = await oneAtATime(service, watch, proxy, options.oneByOne);
    const perLaunchCpu = median(runs.map(r => r.perLaunchCpuMs));
    const idlePerLaunch = median(runs.map(r => r.idleCpuMs / options.launches));
    return {
      name: 'service-overhead',
      title: `Service overhead per launch (${options.launches} launches at once, ${options.runs} runs)`,
      baseline: 'the same service idle (its schedulers only) over the same wall time, measured in the same run',
      figures: [
        { name: 'service CPU per launch', value: round(perLaunchCpu, 2), unit: 'ms', baseline: round(idlePerLaunch, 2), target: '< 5', met: perLaunchCpu < 5 },
        { name: 'service wall per launch, POST → bootstrap, no AWS call in flight', value: round(median(walls.map(w => w.serviceMs)), 1), unit: 'ms' },
        { name: 'POST /instances answer, one at a time', value: round(median(walls.map(w => w.answerMs)), 1), unit: 'ms' }
      ],
      details: { cpuTickMs: CPU_TICK_MS, idleCpuMsPerSecond: round(idleMsPerSecond, 2), runs, oneAtATime: walls }
    };
  } finally {
    socket.disconnect();
    await service.stop();
    await proxy.close();
    await moto.stop();
  }
}

/** `count` launches at once, to ready, then terminated; CPU and wall from the first POST to the last ready. */
async function launchMany(service: BenchService, watch: ReadyWatch, prefix: string, count: number): Promise<{ cpu: number; wall: number }> {
  const cpuBefore = cpuMs(service.pid);
  const start = Date.now();
  const launched = await Promise.all(Array.from({ length: count }, (_, i) => launch(service, `${prefix}-${i}`)));
  await watch.until(launched.map(l => l.id), READY_TIMEOUT_MS);
  const wall = Math.max(...launched.map(l => watch.readyAt.get(l.id) as number)) - start;
  const cpu = cpuMs(service.pid) - cpuBefore;
  await terminateAll(service, launched.map(l => l.id));
  return { cpu, wall };
}

/** Launches one at a time: how long the path to the bootstrap ran with no AWS call outstanding. */
async function oneAtATime(service: BenchService, watch: ReadyWatch, proxy: Awaited<ReturnType<typeof startFaultProxy>>, count: number) {
  const samples: { answerMs: number; toBootstrapMs: number; awsMs: number; serviceMs: number }[] = [];
  for (let i = 0; i < count; i++) {
    proxy.resetCalls();
    const launched = await launch(service, `single-${i}`);
    await watch.until([launched.id], READY_TIMEOUT_MS);
    const events = (await (await service.api(`/instances/${launched.id}/events`)).json()) as WorkstationEvent[];
    const bootstrap = events.find(e => e.kind === 'progress' && e.phase === 'bootstrap');
    if (!bootstrap) throw new Error(`launch ${launched.id} has no bootstrap phase`);
    // The proxy's clock is performance.now(); the events' is the wall clock.
    const toBootstrapMs = Date.parse(bootstrap.at) - launched.sentAtEpoch;
    const end = launched.sentAt + toBootstrapMs;
    const awsMs = unionMs(proxy.calls().filter(c => c.start >= launched.sentAt && c.start < end), launched.sentAt, end);
    samples.push({ answerMs: round(launched.answeredAt - launched.sentAt, 2), toBootstrapMs, awsMs: round(awsMs, 1), serviceMs: round(toBootstrapMs - awsMs, 1) });
    await terminateAll(service, [launched.id]);
  }
  return samples;
}

/** How much of [from, to] some call covered. */
function unionMs(calls: CallRecord[], from: number, to: number): number {
  const spans = calls.map(c => [Math.max(from, c.start), Math.min(to, c.end)] as const).filter(([a, b]) => b > a).sort((a, b) => a[0] - b[0]);
  let total = 0;
  let reach = from;
  for (const [a, b] of spans) {
    if (b <= reach) continue;
    total += b - Math.max(a, reach);
    reach = b;
  }
  return total;
}
