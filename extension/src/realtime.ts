/**
 * The one socket seam: the live events of the researcher's workstations.
 */
import { io, Socket } from 'socket.io-client';

import {
  EventCursor,
  type ClientToServerEvents,
  type ServerToClientEvents
} from '../../server/src/contract/events';
import type { PrismApi } from './api';

/** A socket typed with the event maps shared with the service. */
export type PrismSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * Open the live event stream of the service `api` talks to.
 *
 * The service puts the connection in its user's room, so nothing needs to
 * be subscribed. Auth is the same as the API's: behind the proxy the
 * browser's Jupyter cookie (or Jupyter's token in the query, when Jupyter
 * itself would append it to websockets) and the proxy adds the service
 * token; a service at `serviceUrl` gets its own token in `auth`.
 *
 * After a dropped connection socket.io reconnects by itself; the handshake
 * then says the last event seen (`since`), and the service sends every event
 * missed meanwhile, in order, before the live ones: listeners see each once.
 */
export function openRealtime(api: PrismApi): PrismSocket {
  const base = new URL(api.baseUrl);
  const { token, appendToken } = api.serverSettings;
  const cursor = new EventCursor();
  const socket: PrismSocket = io(base.origin, {
    path: `${base.pathname}socket.io`,
    // One connection, so any balancer in front of several replicas keeps it on one (docs/replicas.md);
    // JupyterLab's kernels need WebSockets too, so wherever JupyterLab works, this does.
    transports: ['websocket'],
    withCredentials: true,
    auth: callback =>
      callback(cursor.auth(api.serviceToken ? { token: api.serviceToken } : {})),
    query: token && appendToken ? { token } : {},
    reconnectionDelayMax: 10000
  });
  socket.onAny((event: string, payload?: unknown) => cursor.hear(event, payload));
  if (api.signsInThroughHub) {
    // Refused before the hub sign-in finished: sign in, then connect once more.
    let retried = false;
    socket.on('connect_error', error => {
      if (!retried && error.message.startsWith('UNAUTHENTICATED')) {
        retried = true;
        void api.signIn().then(signedIn => signedIn && socket.connect());
      }
    });
  }
  return socket;
}
