/**
 * The CLI's socket to the service: the same socket.io stream the extension
 * listens to, with the same token. The service puts the connection in its
 * user's room, so every event about the caller's workstations arrives here;
 * after a dropped connection it reconnects and is sent what it missed (`since`).
 */
import { io, type Socket } from 'socket.io-client';
import { EventCursor, type ClientToServerEvents, type ServerToClientEvents } from '../contract/events';
import { CliError } from './cli-error';
import type { ServiceClient } from './service-client';

export type PrismSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const CONNECT_TIMEOUT_MS = 10_000;

/** Resolves once connected, so that nothing emitted after this is missed. */
export function openEvents(client: ServiceClient): Promise<PrismSocket> {
  const base = new URL(client.url);
  const cursor = new EventCursor();
  const socket: PrismSocket = io(base.origin, {
    path: `${base.pathname}socket.io`,
    // One connection, so any balancer in front of several replicas keeps it on one (docs/replicas.md).
    transports: ['websocket'],
    auth: callback => callback(cursor.auth(client.token ? { token: client.token } : {})),
    timeout: CONNECT_TIMEOUT_MS
  });
  socket.onAny((event: string, payload?: unknown) => cursor.hear(event, payload));
  return new Promise((resolve, reject) => {
    const refused = (error: Error): void => {
      socket.close();
      reject(
        new CliError(
          'Cannot follow the launch',
          `The live event stream at ${base.origin}${base.pathname}socket.io refused the connection: ${error.message}`,
          'Check the token (--token or PRISM_TOKEN), or launch with --no-wait and follow with `prism list`.',
          'SOCKET_REFUSED'
        )
      );
    };
    // Only the first connection can be refused for good; later drops are reconnected.
    socket.once('connect', () => {
      socket.off('connect_error', refused);
      resolve(socket);
    });
    socket.once('connect_error', refused);
  });
}
