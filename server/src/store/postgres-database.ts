/**
 * The SQL seam on PostgreSQL, through pg-native's synchronous libpq client
 * (the store ports are synchronous: docs/decisions.md). One connection per
 * process, reopened when it is lost (docs/replicas.md, "Database"); statements
 * are prepared once per text and connection, `?` turned into `$n`.
 */
import { PrismError } from '../domain/errors';
import type { Logger } from '../logger';
import { closeNativeClient, loadNativeClient, type NativeClient, type TypeParsers } from './native-client';
import { PG_MIGRATIONS } from './pg-migrations';
import type { SqlDatabase, SqlValue } from './sql-database';

/** int2, int4, int8, oid, float4, float8, numeric: numbers, as on SQLite (Prism's counters stay far below 2^53). */
const NUMBER_TYPES = new Set([21, 23, 20, 26, 700, 701, 1700]);
const BOOLEAN = 16;
/** Any constant: the key of the session lock two starting replicas take around the migrations. */
const MIGRATION_LOCK = 7_348_112;
/** Seconds a (re)connection may take: a request waits on it, the event loop with it. */
const CONNECT_TIMEOUT_S = 3;
const PQTRANS_UNKNOWN = 4;
const CONNECTION_GONE = /server closed the connection|SSL connection has been closed|terminating connection due to administrator command|no connection to the server|connection to server .* failed|could not send data to server|could not receive data from server/i;

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres';
  readonly ilike = 'ILIKE';
  private client: NativeClient;
  private readonly url: string;
  private readonly logger?: Logger;
  private prepared = new Map<string, string>();
  private depth = 0;
  private closed = false;
  /** Set when the connection was found gone: the next call outside a transaction reopens it. */
  private lost = false;

  /** Connects and applies the migrations the database lacks. @throws with a hint when the driver or the server is missing. */
  constructor(url: string, options: { logger?: Logger } = {}) {
    this.url = url;
    this.logger = options.logger;
    try {
      this.client = this.connect();
    } catch (error) {
      throw new Error(`Prism cannot connect to PostgreSQL at ${withoutPassword(url)}: ${reason(error)}. ` + 'Check PRISM_DATABASE_URL (postgresql://user:password@host:port/database) and that the server accepts this role.');
    }
    this.migrate();
  }

  run(sql: string, ...params: SqlValue[]): number {
    return this.statement(sql, () => {
      this.execute(sql, params);
      return Number.parseInt(this.client.pq.cmdTuples(), 10) || 0;
    });
  }

  get<T>(sql: string, ...params: SqlValue[]): T | undefined {
    return this.statement(sql, () => this.execute(sql, params)[0] as T | undefined);
  }

  all<T>(sql: string, ...params: SqlValue[]): T[] {
    return this.statement(sql, () => this.execute(sql, params) as T[]);
  }

  exec(sql: string): void {
    this.statement(sql, () => this.client.querySync(sql));
  }

  transaction<T>(work: () => T): T {
    const savepoint = this.depth > 0 ? `inner_${this.depth}` : null;
    if (savepoint) this.inTransaction(() => this.client.querySync(`SAVEPOINT ${savepoint}`));
    // Nothing is sent before BEGIN: opening it again on a new connection is safe.
    else this.statement('SELECT', () => this.client.querySync('BEGIN'));
    this.depth++;
    try {
      const result = work();
      this.inTransaction(() => this.client.querySync(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT'));
      return result;
    } catch (error) {
      // A lost connection took the transaction with it: the server rolled it back.
      if (!this.lost) this.client.querySync(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}` : 'ROLLBACK');
      throw error;
    } finally {
      this.depth--;
    }
  }

  lock(name: string): void {
    if (this.depth === 0) throw new Error(`the lock '${name}' is taken inside a transaction only`);
    this.inTransaction(() => this.execute('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [name]));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeNativeClient(this.client);
  }

  /**
   * One statement: inside a transaction, a lost connection fails it; outside,
   * the connection is reopened first when the server already closed it (the
   * statement never left), and a read cut on its way is run again once. A write
   * cut on its way may have committed, so it fails with that said.
   */
  private statement<T>(sql: string, run: () => T): T {
    if (this.depth > 0) return this.inTransaction(run);
    if (this.lost || this.serverClosed()) this.reopen();
    try {
      return run();
    } catch (error) {
      if (!this.isGone(error)) throw error;
      this.reopen();
      if (isRead(sql)) return run();
      throw unavailable(
        'The connection to the database was lost while this change was being saved; it is open again, but the change may or may not have been saved.',
        'Look whether the change took effect, then try again if it did not.'
      );
    }
  }

  private inTransaction<T>(run: () => T): T {
    if (this.lost) throw unavailable('The connection to the database was lost during this change; nothing of it was saved.', 'Try again: the next request reconnects.');
    try {
      return run();
    } catch (error) {
      if (!this.isGone(error)) throw error;
      throw unavailable('The connection to the database was lost during this change; nothing of it was saved.', 'Try again: the next request reconnects.');
    }
  }

  /** A server that closed an idle connection (restart, pg_terminate_backend) has said so on the socket: read it without blocking. */
  private serverClosed(): boolean {
    // The first read takes the server's goodbye, the second meets the closed socket.
    const open = this.client.pq.consumeInput() && this.client.pq.consumeInput();
    return !open || this.client.pq.transactionStatus() === PQTRANS_UNKNOWN;
  }

  private isGone(error: unknown): boolean {
    const gone = this.client.pq.transactionStatus() === PQTRANS_UNKNOWN || CONNECTION_GONE.test(String(error));
    if (gone) this.markLost(reason(error));
    return gone;
  }

  private markLost(why: string): void {
    if (this.lost) return;
    this.lost = true;
    this.logger?.warn({ database: withoutPassword(this.url), reason: why }, 'PostgreSQL connection lost; reopening it at the next call');
  }

  /** @throws a clear error when the server cannot be reached; the next call tries again. */
  private reopen(): void {
    this.markLost('the server closed the connection');
    let client: NativeClient;
    try {
      client = this.connect();
    } catch (error) {
      // The reason names the host: for the log, not for the researcher.
      this.logger?.debug({ database: withoutPassword(this.url), reason: reason(error) }, 'PostgreSQL connection not reopened yet');
      throw unavailable(
        'The service lost its connection to the database and cannot reopen it yet; each request tries again.',
        'Try again in a minute. If it lasts, the operator should check that PostgreSQL is up and accepts connections.'
      );
    }
    closeNativeClient(this.client);
    this.client = client;
    this.prepared = new Map();
    this.lost = false;
    this.logger?.info({ database: withoutPassword(this.url) }, 'PostgreSQL connection reopened');
  }

  private connect(): NativeClient {
    const Client = loadNativeClient();
    const client = new Client({ types: TYPES });
    try {
      client.connectSync(withConnectTimeout(this.url));
      // Notices (a table that already exists) would go to stderr, past the logger.
      client.querySync('SET client_min_messages = warning');
      return client;
    } catch (error) {
      // A failed connect has started closing its socket watcher too.
      closeNativeClient(client);
      throw error;
    }
  }

  private execute(sql: string, params: SqlValue[]): Record<string, unknown>[] {
    let name = this.prepared.get(sql);
    if (!name) {
      const candidate = `prism_${this.prepared.size + 1}`;
      const { text, count } = numberedPlaceholders(sql);
      this.client.prepareSync(candidate, text, count);
      this.prepared.set(sql, candidate);
      name = candidate;
    }
    return this.client.executeSync(name, params.map(value => (value === undefined ? null : value)));
  }

  /** In order, each in its own transaction, while holding a lock that a second replica starting at once waits on. */
  private migrate(): void {
    this.client.querySync(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`);
    try {
      this.client.querySync('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
      const row = this.client.querySync('SELECT version FROM schema_version')[0] as { version: number } | undefined;
      if (!row) this.client.querySync('INSERT INTO schema_version (version) VALUES (0)');
      const applied = row?.version ?? 0;
      if (applied > PG_MIGRATIONS.length) {
        throw new Error(
          `The database is at schema version ${applied}, newer than this Prism knows (${PG_MIGRATIONS.length}); run the newer Prism, or restore a backup taken before it.`
        );
      }
      PG_MIGRATIONS.slice(applied).forEach((sql, i) => {
        this.transaction(() => {
          this.client.querySync(sql);
          this.client.querySync(`UPDATE schema_version SET version = ${applied + i + 1}`);
        });
      });
    } finally {
      this.client.querySync(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`);
    }
  }
}

/** `?` outside quotes becomes `$1`, `$2`, …; quoted text and identifiers are left alone. */
export function numberedPlaceholders(sql: string): { text: string; count: number } {
  let count = 0;
  let quote: string | null = null;
  let text = '';
  for (const c of sql) {
    if (quote) {
      if (c === quote) quote = null;
      text += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      text += c;
    } else if (c === '?') {
      text += `$${++count}`;
    } else {
      text += c;
    }
  }
  return { text, count };
}

/** Numbers and booleans parsed, everything else (text, timestamps) kept as the text PostgreSQL sent. */
const TYPES: TypeParsers = {
  getTypeParser: oid => (NUMBER_TYPES.has(oid) ? Number : oid === BOOLEAN ? (text: string) => text === 't' : (text: string) => text)
};

/** A plain SELECT changes nothing, so running it twice is safe; anything else (nextval, a lock) is treated as a write. */
function isRead(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql) && !/\b(nextval|setval|pg_advisory_lock)\s*\(/i.test(sql);
}

/** Unless the URL sets its own, a short connect timeout: a request waits on a reconnection. */
function withConnectTimeout(url: string): string {
  if (!/^postgres(ql)?:\/\//i.test(url) || /[?&]connect_timeout=/.test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}connect_timeout=${CONNECT_TIMEOUT_S}`;
}

/** 503: the database, not the request, is at fault; what the researcher sees names no host. */
function unavailable(detail: string, hint: string): PrismError {
  return new PrismError('DATABASE_UNAVAILABLE', 503, 'Database unavailable', detail, hint);
}

function reason(error: unknown): string {
  return String(error).replace(/^Error: /, '').replace(/\s+/g, ' ').trim();
}

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(a URL that does not parse)';
  }
}
