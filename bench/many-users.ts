/**
 * 3. Many users: 20 users (PRISM_USERS_FILE) launch 100 workstations at once
 * while 1 000 socket.io clients (50 per user) watch. POST /instances answer
 * times, delivery latency of every event (client receive time minus the
 * event's own `at`, same machine clock, ms resolution) and events lost (each
 * client's received events against the stored history of its user's
 * workstations). One client per user lives in this process; the other 980
 * in child processes (lib/watchers.ts), so that their event loops do not
 * delay this one's reading of the POST answers. Baseline, same run, before
 * the crowd: one user launching one workstation with one client watching.
 */
import type { WorkstationEvent } from '../server/src/contract/events';
import { startMoto } from '../server/test/support/moto';
import { writeUsersFile } from '../server/test/support/prism';
import { launch, ReadyWatch, terminateAll, type Launched } from './lib/launches';
import type { BenchResult } from './lib/report';
import { startService, type BenchService } from './lib/service';
import { percentile, round } from './lib/stats';
import { countLost, eventKey, startWatchers, watch, WATCHED_KINDS, type Watcher, type WatcherProcesses } from './lib/watchers';

const READY_TIMEOUT_MS = 300_000;

export async function manyUsers(options: { users: number; launches: number; clients: number; watcherProcesses: number }): Promise<Omit<BenchResult, 'startedAt' | 'seconds' | 'machine'>> {
  const users = Array.from({ length: options.users }, (_, i) => ({ user: `researcher${i + 1}`, token: `bench-user-token-${i + 1}` }));
  const moto = await startMoto();
  const service = await startService({ awsEndpoint: moto.endpoint, standInJupyter: true, env: { PRISM_USERS_FILE: writeUsersFile(users) } });
  const watchers: Watcher[] = [];
  let others: WatcherProcesses | undefined;
  try {
    // Baseline: one user, one launch, one client.
    const alone = await watch(service, users[0].user, users[0].token);
    const aloneReady = new ReadyWatch([alone.socket]);
    await launch(service, 'warm', users[0].token).then(l => aloneReady.until([l.id], READY_TIMEOUT_MS).then(() => terminateAll(service, [l.id], users[0].token)));
    alone.latencies.length = 0;
    const single = await launch(service, 'alone', users[0].token);
    await aloneReady.until([single.id], READY_TIMEOUT_MS);
    await new Promise(resolve => setTimeout(resolve, 500));
    const baseline = { answerMs: single.answeredAt - single.sentAt, latencies: [...alone.latencies] };
    alone.socket.disconnect();
    await terminateAll(service, [single.id], users[0].token);

    // The crowd: every client connected before anyone launches. One client per user here (it
    // also hears `ready`); the others in their own processes, off this process's event loop.
    const perUser = options.clients / options.users;
    for (const u of users) watchers.push(await watch(service, u.user, u.token));
    others = await startWatchers(service, users.map(u => ({ ...u, count: perUser - 1 })), options.watcherProcesses);
    const ready = new ReadyWatch(watchers.map(w => w.socket));
    const each = options.launches / options.users;
    const launched: (Launched & { token: string })[] = await Promise.all(
      users.flatMap(u => Array.from({ length: each }, (_, i) => launch(service, `crowd-${i}`, u.token).then(l => ({ ...l, token: u.token }))))
    );
    await ready.until(launched.map(l => l.id), READY_TIMEOUT_MS);
    await new Promise(resolve => setTimeout(resolve, 1000));
    const history = await storedEvents(service, users, launched);
    const here = countLost(watchers, history);
    const there = await others.report(history);
    const lost = { lost: here.lost + there.lost, expected: here.expected + there.expected };
    const answers = launched.map(l => l.answeredAt - l.sentAt);
    const latencies = [...watchers.flatMap(w => w.latencies), ...there.latencies];
    for (const u of users) {
      await terminateAll(service, launched.filter(l => l.token === u.token).map(l => l.id), u.token);
    }
    const p = (values: number[], q: number): number => round(percentile(values, q), 1);
    return {
      name: 'many-users',
      title: `${options.users} users launch ${options.launches} workstations at once, ${options.clients} socket.io clients watch`,
      baseline: 'one user launching one workstation with one client watching, same service, same run',
      figures: [
        { name: 'POST /instances answer p50', value: p(answers, 50), unit: 'ms', baseline: round(baseline.answerMs, 1) },
        { name: 'POST /instances answer p99', value: p(answers, 99), unit: 'ms', baseline: round(baseline.answerMs, 1), target: '< 50', met: percentile(answers, 99) < 50 },
        { name: 'event delivery p50 (emit → client)', value: p(latencies, 50), unit: 'ms', baseline: p(baseline.latencies, 50) },
        { name: 'event delivery p99 (emit → client)', value: p(latencies, 99), unit: 'ms', baseline: p(baseline.latencies, 99), target: '< 100', met: percentile(latencies, 99) < 100 },
        { name: 'events lost', value: lost.lost, unit: 'events', target: '= 0', met: lost.lost === 0 }
      ],
      details: { watcherProcesses: options.watcherProcesses, deliveries: latencies.length, expectedDeliveries: lost.expected, baselineDeliveries: baseline.latencies.length, answersMs: answers.map(a => round(a, 1)) }
    };
  } finally {
    watchers.forEach(w => w.socket.disconnect());
    others?.stop();
    await service.stop();
    await moto.stop();
  }
}

/** Each user's stored events (progress, log, state) of their launches, as keys. */
async function storedEvents(service: BenchService, users: { user: string; token: string }[], launched: (Launched & { token: string })[]) {
  const history: Record<string, string[]> = {};
  for (const u of users) {
    history[u.user] = [];
    for (const l of launched.filter(x => x.token === u.token)) {
      const events = (await (await service.api(`/instances/${l.id}/events`, { token: u.token })).json()) as WorkstationEvent[];
      history[u.user].push(...events.filter(e => WATCHED_KINDS.has(e.kind)).map(eventKey));
    }
  }
  return history;
}
