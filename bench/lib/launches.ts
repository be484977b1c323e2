/**
 * Launching workstations through the API as the extension does, hearing them
 * become ready over socket.io, and terminating them again.
 */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ProgressEvent, ServerToClientEvents } from '../../server/src/contract/events';
import { BENCH_TOKEN, type BenchService } from './service';

export type PrismSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The cheapest launch a researcher can ask for: the plain template, its small size. */
export const PLAIN_LAUNCH = { template: 'amazon-linux', arch: 'x86_64', size: 'small' } as const;

export interface Launched {
  id: string;
  /** performance.now() when the request left and when the 202 came back. */
  sentAt: number;
  answeredAt: number;
  /** Date.now() when the request left (to compare with the service's own timestamps). */
  sentAtEpoch: number;
}

export function connectSocket(service: BenchService, token = BENCH_TOKEN): Promise<PrismSocket> {
  const url = new URL(service.url);
  const socket: PrismSocket = io(url.origin, {
    path: `${url.pathname}socket.io`,
    transports: ['websocket'],
    reconnection: false,
    auth: { token }
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

export async function launch(service: BenchService, name: string, token = BENCH_TOKEN, overrides: { template?: string } = {}): Promise<Launched> {
  const sentAtEpoch = Date.now();
  const sentAt = performance.now();
  const response = await service.api('/instances', { method: 'POST', token, body: JSON.stringify({ name, ...PLAIN_LAUNCH, ...overrides }) });
  const answeredAt = performance.now();
  if (response.status !== 202) throw new Error(`POST /instances answered ${response.status}: ${await response.text()}`);
  const { id } = (await response.json()) as { id: string };
  return { id, sentAt, answeredAt, sentAtEpoch };
}

/**
 * Resolves with each workstation's Date.now() at `ready`, once all of `ids`
 * are ready; rejects on the first failed one (a benchmark of failures measures nothing).
 */
export class ReadyWatch {
  readonly readyAt = new Map<string, number>();
  private waiting: { ids: Set<string>; resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(sockets: PrismSocket[]) {
    for (const socket of sockets) socket.on('instance:progress', event => this.hear(event));
  }

  until(ids: string[], timeoutMs: number): Promise<Map<string, number>> {
    const pending = new Set(ids.filter(id => !this.readyAt.has(id)));
    if (pending.size === 0) return Promise.resolve(this.readyAt);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.waiting?.ids.size} launches not ready after ${timeoutMs} ms`)), timeoutMs);
      this.waiting = {
        ids: pending,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.readyAt);
        },
        reject: error => {
          clearTimeout(timer);
          reject(error);
        }
      };
    });
  }

  private hear(event: ProgressEvent): void {
    if (event.phase === 'failed') {
      this.waiting?.reject(new Error(`launch ${event.id} failed: ${event.message}`));
      return;
    }
    if (event.phase !== 'ready' || this.readyAt.has(event.id)) return;
    this.readyAt.set(event.id, Date.now());
    const waiting = this.waiting;
    if (waiting && waiting.ids.delete(event.id) && waiting.ids.size === 0) {
      this.waiting = null;
      waiting.resolve();
    }
  }
}

/** DELETE each, a few at a time (a terminate halts the emulated machine, which takes a moment). */
export async function terminateAll(service: BenchService, ids: string[], token = BENCH_TOKEN, concurrency = 10): Promise<void> {
  const queue = [...ids];
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
        const response = await service.api(`/instances/${id}`, { method: 'DELETE', token });
        if (!response.ok) throw new Error(`DELETE /instances/${id} answered ${response.status}: ${await response.text()}`);
      }
    })
  );
}
