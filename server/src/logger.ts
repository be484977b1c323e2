/**
 * pino, one root logger; modules take `logger.child({ module })`.
 * Secrets never reach a log line: the redact list names every field that may hold one.
 */
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACTED_FIELDS = [
  'token',
  'jupyterToken',
  'bootToken',
  'authorization',
  'req.headers.authorization',
  'headers.authorization',
  'privateKey',
  'userData'
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_FIELDS, censor: '[redacted]' } }, destination);
}
