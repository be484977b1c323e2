/**
 * Several replicas behind one address (docs/replicas.md): socket.io's Redis
 * adapter, so an event emitted to a room on one replica reaches that room's
 * sockets on every replica, and joining, leaving and disconnecting a room's
 * sockets (socketsJoin, socketsLeave, disconnectSockets) act on all of them.
 */
import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { HealthCheck } from '../contract/api';
import type { Logger } from '../logger';

export interface SharedRooms {
  /** For socket.io's `adapter` option. */
  adapter: ReturnType<typeof createAdapter>;
  /** For GET /health: can this replica reach the others' events now. */
  health(): HealthCheck;
  close(): Promise<void>;
}

/** Redis must answer at start: a replica that cannot share its events would show each user half of them. */
const CONNECT_TIMEOUT_MS = 10_000;

export async function connectSharedRooms(url: string, logger: Logger): Promise<SharedRooms> {
  const publisher = createClient({ url, socket: { connectTimeout: CONNECT_TIMEOUT_MS } });
  const subscriber = publisher.duplicate();
  const where = new URL(url).host;
  // An unhandled 'error' would end the process; the clients reconnect on their own.
  publisher.on('error', (error: Error) => logger.warn({ err: error, redis: where }, 'Redis connection trouble; reconnecting'));
  subscriber.on('error', (error: Error) => logger.warn({ err: error, redis: where }, 'Redis connection trouble; reconnecting'));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.all([publisher.connect(), subscriber.connect()]),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis at ${where} (PRISM_REDIS_URL) did not answer in ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
      })
    ]);
  } catch (error) {
    publisher.destroy();
    subscriber.destroy();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  logger.info({ redis: where }, 'socket.io rooms shared through Redis');
  return {
    adapter: createAdapter(publisher, subscriber, { key: 'prism' }),
    health: () =>
      publisher.isReady && subscriber.isReady
        ? { status: 'ok', detail: `events shared through Redis at ${where}` }
        : {
            status: 'degraded',
            detail: `Redis at ${where} does not answer: events reach only the sockets on this replica`,
            hint: 'Check that Redis runs and PRISM_REDIS_URL names it; clients catch up on what they missed when they reconnect.'
          },
    async close() {
      await Promise.allSettled([publisher.close(), subscriber.close()]);
    }
  };
}
