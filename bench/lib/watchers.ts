/**
 * socket.io clients watching workstations from their own processes, so the
 * clients' event loops are not the bench's (the one that times POST answers).
 * `startWatchers` forks `processes` children (this file, run with
 * bench/register.js); each connects its share of clients, records every
 * workstation event's delivery latency (receive time minus the event's own
 * `at`, same machine clock) and what it heard, and at the end counts, per
 * client, the stored events of its user's workstations it never heard.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { WorkstationEvent } from '../../server/src/contract/events';
import { connectSocket, type PrismSocket } from './launches';
import type { BenchService } from './service';

export interface Assignment {
  user: string;
  token: string;
  count: number;
}

type ToChild = { connect: { url: string; assignments: Assignment[] } } | { history: Record<string, string[]> };
type FromChild = { connected: number } | { report: { latencies: number[]; lost: number; expected: number } } | { error: string };

export const WATCHED_KINDS = new Set(['progress', 'log', 'state']);

export const eventKey = (e: WorkstationEvent): string => {
  const detail = e.kind === 'progress' ? `${e.phase}|${e.message}` : e.kind === 'log' ? e.line : e.kind === 'state' ? e.state : '';
  return `${e.id}|${e.kind}|${e.at}|${detail}`;
};

/** One client: what it heard and how late. */
export interface Watcher {
  user: string;
  socket: PrismSocket;
  received: Set<string>;
  latencies: number[];
}

export async function watch(service: Pick<BenchService, 'url'>, user: string, token: string): Promise<Watcher> {
  const socket = await connectSocket(service as BenchService, token);
  const watcher: Watcher = { user, socket, received: new Set(), latencies: [] };
  const hear = (event: WorkstationEvent): void => {
    watcher.latencies.push(Date.now() - Date.parse(event.at));
    watcher.received.add(eventKey(event));
  };
  socket.on('instance:progress', e => hear({ ...e, kind: 'progress' } as WorkstationEvent));
  socket.on('instance:log', e => hear({ ...e, kind: 'log' } as WorkstationEvent));
  socket.on('instance:state', e => hear({ ...e, kind: 'state' } as WorkstationEvent));
  return watcher;
}

/** Per client of `watchers`: the events of `history[user]` it never heard. */
export function countLost(watchers: Watcher[], history: Record<string, string[]>): { lost: number; expected: number } {
  let lost = 0;
  let expected = 0;
  for (const w of watchers) {
    const keys = history[w.user] ?? [];
    expected += keys.length;
    lost += keys.filter(k => !w.received.has(k)).length;
  }
  return { lost, expected };
}

export interface WatcherProcesses {
  /** Every child's latencies and losses, once given each user's stored event keys; the children then exit. */
  report(history: Record<string, string[]>): Promise<{ latencies: number[]; lost: number; expected: number }>;
  stop(): void;
}

export async function startWatchers(service: Pick<BenchService, 'url'>, assignments: Assignment[], processes: number): Promise<WatcherProcesses> {
  // Deal each user's clients round the children, so each child has a share of every user.
  const shares: Assignment[][] = Array.from({ length: processes }, () => []);
  for (const a of assignments) {
    for (let p = 0; p < processes; p++) {
      const count = Math.floor(a.count / processes) + (p < a.count % processes ? 1 : 0);
      if (count > 0) shares[p].push({ ...a, count });
    }
  }
  const children: ChildProcess[] = shares
    .filter(s => s.length)
    .map(() => fork(__filename, [], { execArgv: ['-r', path.resolve(__dirname, '..', 'register.js')], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const next = (child: ChildProcess): Promise<FromChild> =>
    new Promise((resolve, reject) => {
      child.once('message', message => resolve(message as FromChild));
      child.once('exit', code => reject(new Error(`a watcher process exited (${code})`)));
    });
  const expectOk = (message: FromChild): FromChild => {
    if ('error' in message) throw new Error(`a watcher process failed: ${message.error}`);
    return message;
  };
  await Promise.all(
    children.map((child, i) => {
      const answer = next(child);
      child.send({ connect: { url: service.url, assignments: shares[i] } } satisfies ToChild);
      return answer.then(expectOk);
    })
  );
  return {
    async report(history) {
      const reports = await Promise.all(
        children.map(child => {
          const answer = next(child);
          child.send({ history } satisfies ToChild);
          return answer.then(expectOk);
        })
      );
      const latencies: number[] = [];
      let lost = 0;
      let expected = 0;
      for (const r of reports) {
        if (!('report' in r)) throw new Error('a watcher process did not report');
        latencies.push(...r.report.latencies);
        lost += r.report.lost;
        expected += r.report.expected;
      }
      return { latencies, lost, expected };
    },
    stop() {
      children.forEach(child => child.connected && child.kill());
    }
  };
}

/** The child's side. */
if (require.main === module) {
  let watchers: Watcher[] = [];
  const send = (message: FromChild): void => void process.send?.(message);
  process.on('message', (message: ToChild) => {
    void (async () => {
      try {
        if ('connect' in message) {
          const { url, assignments } = message.connect;
          for (const a of assignments) {
            watchers.push(...(await Promise.all(Array.from({ length: a.count }, () => watch({ url }, a.user, a.token)))));
          }
          send({ connected: watchers.length });
        } else {
          const { lost, expected } = countLost(watchers, message.history);
          const latencies = watchers.flatMap(w => w.latencies);
          watchers.forEach(w => w.socket.disconnect());
          watchers = [];
          send({ report: { latencies, lost, expected } });
          process.disconnect();
        }
      } catch (error) {
        send({ error: String((error as Error).stack ?? error) });
      }
    })();
  });
}
