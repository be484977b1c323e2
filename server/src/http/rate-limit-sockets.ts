/**
 * The socket's side of the rate limits: each event a client sends spends the
 * sender's bucket. An event over the limit is answered with a RATE_LIMITED
 * problem in its ack (or dropped when it has none); the connection stays
 * open, so a noisy tab does not start a reconnect storm. Open connections are
 * counted for the metrics here too.
 */
import type { PrismSocketServer } from '../realtime/socket';
import type { ServiceMetrics } from '../observability/metrics';
import { rateLimitedProblem, type RateLimiter } from './rate-limit';

export function guardSocketEvents(io: PrismSocketServer, limit: RateLimiter, metrics?: ServiceMetrics): void {
  io.on('connection', socket => {
    metrics?.sockets.inc();
    socket.on('disconnect', () => metrics?.sockets.dec());
    socket.use((packet, next) => {
      void Promise.resolve(limit.take(socket.data.user)).then(taken => {
        if (taken.ok) return next();
        metrics?.rateLimited.inc({ limit: limit.name });
        const ack: unknown = packet[packet.length - 1];
        if (typeof ack === 'function') ack({ error: rateLimitedProblem('socket events', taken.scope ?? 'user', taken.retryAfterSeconds) });
      }, next);
    });
  });
}
