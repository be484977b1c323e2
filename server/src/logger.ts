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
  'userData',
  // One level down too (`{ launch: { bootToken } }`), and the other names a secret goes by.
  '*.token',
  '*.jupyterToken',
  '*.bootToken',
  '*.authorization',
  '*.privateKey',
  '*.userData',
  'apiToken',
  '*.apiToken',
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
  'KeyMaterial',
  '*.KeyMaterial',
  'cookie',
  'headers.cookie',
  'req.headers.cookie',
  'password',
  '*.password'
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACTED_FIELDS, censor: '[redacted]' } }, destination);
}
