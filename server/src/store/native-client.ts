/**
 * pg-native's synchronous libpq client (an optional dependency, typed here):
 * loaded on demand, and closed so that the process does not abort.
 */
import type { SqlValue } from './sql-database';

export interface NativeClient {
  connectSync(url: string): void;
  querySync(sql: string, values?: SqlValue[]): Record<string, unknown>[];
  prepareSync(name: string, sql: string, count: number): void;
  executeSync(name: string, values: SqlValue[]): Record<string, unknown>[];
  end(): void;
  pq: {
    cmdTuples(): string;
    /** 4 (PQTRANS_UNKNOWN) once the connection is bad. */
    transactionStatus(): number;
    /** Reads what the server sent without blocking; false once it has closed the connection. */
    consumeInput(): boolean;
  };
}

export interface TypeParsers {
  getTypeParser(oid: number, format?: string): (text: string) => unknown;
}

type NativeClientClass = new (config?: { types?: TypeParsers }) => NativeClient;

/** @throws with what to install when pg-native (or libpq under it) is missing. */
export function loadNativeClient(): NativeClientClass {
  try {
    // Only a service with PRISM_DATABASE_URL needs it (and libpq to build it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('pg-native') as NativeClientClass;
  } catch (error) {
    throw new Error(
      `PRISM_DATABASE_URL is set but the PostgreSQL driver pg-native is not installed (${String(error).split('\n')[0]}). ` +
        'Install libpq-dev (Debian) or libpq (elsewhere), then `npm install pg-native@3` beside Prism; or unset PRISM_DATABASE_URL to use SQLite.'
    );
  }
}

/** The clients closed last: enough that one is long closed before it is let go. */
const closing: NativeClient[] = [];
const KEPT_AFTER_CLOSE = 256;

/**
 * libpq's addon starts closing its socket watcher and lets go of the client at
 * once; were the client collected before libuv finished, the process would
 * abort (uv__finish_close). So it is kept until many closes later (no timer:
 * a test's fake timers could fire one at once).
 */
export function closeNativeClient(client: NativeClient): void {
  client.end();
  closing.push(client);
  if (closing.length > KEPT_AFTER_CLOSE) closing.shift();
}
