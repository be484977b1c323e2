/**
 * socket.io: same token as REST (handshake `auth.token` or Authorization
 * header), an Origin check in `allowRequest` (the `cors` option alone lets a
 * foreign page's WebSocket in), and one room per user.
 */
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
  WorkstationEvent
} from '../contract/events';
import type { ProjectRole } from '../contract/projects';
import type { BudgetSink } from '../domain/budgets';
import type { EventSink, IdentityProvider, MetricsSink } from '../domain/ports';
import type { Workstations } from '../domain/workstations';
import { bearerToken } from '../http/auth';
import type { Logger } from '../logger';

export type PrismSocketServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export interface RealtimeDeps {
  httpServer: HttpServer;
  path: string;
  identity: IdentityProvider;
  workstations: Workstations;
  /** The ids of the user's projects: each connection joins their rooms. */
  projectsOf: (user: string) => string[];
  allowedOrigins: string[];
  logger: Logger;
}

export const userRoom = (user: string): string => `user:${user}`;
export const projectRoom = (project: string): string => `project:${project}`;

export function createRealtime(deps: RealtimeDeps): PrismSocketServer {
  const io: PrismSocketServer = new Server(deps.httpServer, {
    path: deps.path,
    serveClient: false,
    allowRequest: (req, callback) => callback(null, originAllowed(req, deps.allowedOrigins))
  });

  io.use(async (socket, next) => {
    const token =
      typeof socket.handshake.auth?.token === 'string'
        ? socket.handshake.auth.token
        : bearerToken(socket.handshake.headers.authorization);
    const caller = await deps.identity.authenticate(token).catch(() => null);
    if (!caller) {
      return next(new Error('UNAUTHENTICATED: send auth: { token } (the Prism token) when connecting'));
    }
    socket.data.user = caller.user;
    next();
  });

  io.on('connection', socket => {
    void socket.join([userRoom(socket.data.user), ...deps.projectsOf(socket.data.user).map(projectRoom)]);
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

/** Publishes domain events to the owner's room (and the project's, when shared). */
export function socketEventSink(io: () => PrismSocketServer | undefined): EventSink {
  return {
    publish(owner: string, event: WorkstationEvent, project?: string | null) {
      const server = io();
      if (!server) {
        return;
      }
      const rooms = project ? [userRoom(owner), projectRoom(project)] : [userRoom(owner)];
      const target = server.to(rooms);
      if (event.kind === 'progress') {
        target.emit('instance:progress', event);
      } else if (event.kind === 'log') {
        target.emit('instance:log', event);
      } else if (event.kind === 'state') {
        target.emit('instance:state', event);
      } else if (event.status === 'warning') {
        // Postponements and actions live in the history; the action shows live as state events.
        target.emit('instance:idle-warning', event);
      }
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

/**
 * A browser always sends Origin on a WebSocket; only the service's own origin
 * (directly or behind a proxy) and configured ones may connect. Non-browser
 * clients send none and are judged by their token alone.
 */
export function originAllowed(req: IncomingMessage, allowed: string[]): boolean {
  const origin = req.headers.origin;
  if (!origin) {
    return true;
  }
  if (allowed.includes(origin)) {
    return true;
  }
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = req.headers['x-forwarded-host'];
  const hosts = [req.headers.host, ...(Array.isArray(forwarded) ? forwarded : [forwarded])].filter(Boolean);
  return hosts.some(h => h === host);
}
