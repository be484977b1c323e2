/**
 * socket.io: same token as REST (handshake `auth.token` or Authorization
 * header), an Origin check in `allowRequest` (the `cors` option alone lets a
 * foreign page's WebSocket in), and one room per user. A client that says
 * what it saw last (`auth.since`) gets what it missed first, then live events.
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type BroadcastOperator, type ServerOptions, type Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
  WorkstationEvent
} from '../contract/events';
import type { ProjectRole } from '../contract/projects';
import type { BudgetSink } from '../domain/budgets';
import type { EventSink, IdentityProvider, MetricsSink, WorkstationStore } from '../domain/ports';
import type { Workstations } from '../domain/workstations';
import { PrismError } from '../domain/errors';
import { tokenOf } from '../http/auth';
import { socketOriginAllowed } from '../http/origin-check';
import type { HubSignIn } from '../identity/hub-sign-in';
import type { Logger } from '../logger';

export type PrismSocketServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RealtimeDeps {
  httpServer: HttpServer;
  path: string;
  identity: IdentityProvider;
  /** Behind JupyterHub, a browser's handshake carries the session cookie. */
  signIn?: HubSignIn;
  workstations: Workstations;
  /** The ids of the user's projects: each connection joins their rooms. */
  projectsOf: (user: string) => string[];
  allowedOrigins: string[];
  /** The kept history every replay is read from. */
  history: Pick<WorkstationStore, 'eventsSince' | 'lastEventSeq'>;
  logger: Logger;
  /** Rooms shared with the other replicas (realtime/redis-adapter.ts); absent: this process's own. */
  adapter?: ServerOptions['adapter'];
}

/** Missed events sent on one connection at most; past that the client reads each history over REST. */
export const REPLAY_LIMIT = 5000;

export const userRoom = (user: string): string => `user:${user}`;
export const projectRoom = (project: string): string => `project:${project}`;

export function createRealtime(deps: RealtimeDeps): PrismSocketServer {
  const io: PrismSocketServer = new Server(deps.httpServer, {
    path: deps.path,
    serveClient: false,
    ...(deps.adapter && { adapter: deps.adapter }),
    allowRequest: (req, callback) => callback(null, socketOriginAllowed(req, deps.allowedOrigins))
  });

  io.use(async (socket, next) => {
    const token =
      typeof socket.handshake.auth?.token === 'string'
        ? socket.handshake.auth.token
        : tokenOf(socket.handshake.headers, deps.signIn);
    let caller;
    try {
      caller = await deps.identity.authenticate(token);
    } catch (error) {
      // Say why (a hub token without the service's scope, a hub that did not answer), as REST does.
      return next(new Error(error instanceof PrismError ? `${error.code}: ${error.hint}` : 'UNAUTHENTICATED: the token could not be checked'));
    }
    if (!caller) {
      return next(new Error('UNAUTHENTICATED: send auth: { token } (the Prism token) when connecting'));
    }
    socket.data.user = caller.user;
    next();
  });

  io.on('connection', socket => {
    // Joining, reading the history and replaying happen in one synchronous turn: no event
    // can be published in between, so each is either replayed or live, never both or neither.
    void socket.join([userRoom(socket.data.user), ...deps.projectsOf(socket.data.user).map(projectRoom)]);
    replayMissed(socket, deps);
    socket.on('instance:watch', (id, ack) => {
      if (typeof ack !== 'function') {
        return;
      }
      if (!deps.workstations.canWatch(socket.data.user, id)) {
        ack({
          error: {
            type: 'https://prism.dev/problems/workstation-not-found',
            title: 'No such workstation',
            status: 404,
            detail: `There is no workstation '${id}'.`,
            code: 'WORKSTATION_NOT_FOUND',
            hint: 'List your workstations with GET /instances.'
          }
        });
        return;
      }
      ack({ data: { watching: id } });
    });
  });

  deps.logger.info({ path: deps.path }, 'socket.io ready');
  return io;
}

type PrismSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** `auth.since`: the kept events after it that this user may watch, in order; then where the client now is. */
function replayMissed(socket: PrismSocket, deps: RealtimeDeps): void {
  const since: unknown = socket.handshake.auth?.since;
  const last = deps.history.lastEventSeq();
  if (typeof since !== 'number' || !Number.isInteger(since) || since < 0) {
    socket.emit('events:caught-up', { seq: last, replayed: 0, complete: true });
    return;
  }
  const missed = deps.history.eventsSince(since, REPLAY_LIMIT);
  const complete = missed.length < REPLAY_LIMIT;
  const visible = new Map<string, boolean>();
  let replayed = 0;
  for (const event of missed) {
    if (!visible.has(event.id)) visible.set(event.id, deps.workstations.canWatch(socket.data.user, event.id));
    if (visible.get(event.id) && emitWorkstationEvent(socket, event)) replayed++;
  }
  const seq = complete ? last : (missed[missed.length - 1].seq ?? since);
  socket.emit('events:caught-up', { seq, replayed, complete });
  deps.logger.debug({ user: socket.data.user, since, replayed, complete }, 'replayed missed events');
}

/** The socket event a kept workstation event goes out as; false for one kept but not sent live. */
function emitWorkstationEvent(
  target: PrismSocket | BroadcastOperator<ServerToClientEvents, SocketData>,
  event: WorkstationEvent
): boolean {
  if (event.kind === 'progress') {
    target.emit('instance:progress', event);
  } else if (event.kind === 'log') {
    target.emit('instance:log', event);
  } else if (event.kind === 'state') {
    target.emit('instance:state', event);
  } else if (event.status === 'warning') {
    // Postponements and actions live in the history; the action shows live as state events.
    target.emit('instance:idle-warning', event);
  } else {
    return false;
  }
  return true;
}

/** Publishes domain events to the owner's room (and the project's, when shared). */
export function socketEventSink(io: () => PrismSocketServer | undefined): EventSink {
  return {
    publish(owner: string, event: WorkstationEvent, project?: string | null) {
      const server = io();
      if (!server) {
        return;
      }
      const rooms = project ? [userRoom(owner), projectRoom(project)] : [userRoom(owner)];
      emitWorkstationEvent(server.to(rooms), event);
    }
  };
}

/** Budget notifications go to everyone in the project. */
export function socketBudgetSink(io: () => PrismSocketServer | undefined): BudgetSink {
  return {
    publish(event) {
      io()?.to(projectRoom(event.project)).emit('project:budget', event);
    }
  };
}

/** A member added or removed: their open connections join or leave the project's room at once. */
export function followMembership(io: () => PrismSocketServer | undefined) {
  return (project: string, user: string, role: ProjectRole | null): void => {
    const sockets = io()?.in(userRoom(user));
    if (role) sockets?.socketsJoin(projectRoom(project));
    else sockets?.socketsLeave(projectRoom(project));
  };
}

/** Publishes monitoring points to the owner's room (and the project's, when shared). */
export function socketMetricsSink(io: () => PrismSocketServer | undefined): MetricsSink {
  return {
    publish(owner, event, project) {
      io()
        ?.to(project ? [userRoom(owner), projectRoom(project)] : [userRoom(owner)])
        .emit('instance:metrics', event);
    }
  };
}

