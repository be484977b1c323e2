/**
 * The SQL seam on PostgreSQL, through pg-native's synchronous libpq client
 * (the store ports are synchronous: docs/decisions.md). One connection per
 * process; statements are prepared once per text, `?` turned into `$n`.
 */
import { closeNativeClient, loadNativeClient, type NativeClient, type TypeParsers } from './native-client';
import { PG_MIGRATIONS } from './pg-migrations';
import type { SqlDatabase, SqlValue } from './sql-database';

/** int2, int4, int8, oid, float4, float8, numeric: numbers, as on SQLite (Prism's counters stay far below 2^53). */
const NUMBER_TYPES = new Set([21, 23, 20, 26, 700, 701, 1700]);
const BOOLEAN = 16;
/** Any constant: the key of the session lock two starting replicas take around the migrations. */
const MIGRATION_LOCK = 7_348_112;

export class PostgresDatabase implements SqlDatabase {
  readonly dialect = 'postgres';
  readonly ilike = 'ILIKE';
  private readonly client: NativeClient;
  private readonly prepared = new Map<string, string>();
  private depth = 0;
  private closed = false;

  /** Connects and applies the migrations the database lacks. @throws with a hint when the driver or the server is missing. */
  constructor(url: string) {
    const Client = loadNativeClient();
    this.client = new Client({ types: TYPES });
    try {
      this.client.connectSync(url);
    } catch (error) {
      throw new Error(
        `Prism cannot connect to PostgreSQL at ${withoutPassword(url)}: ${String(error).replace(/^Error: /, '').trim()}. ` +
          'Check PRISM_DATABASE_URL (postgresql://user:password@host:port/database) and that the server accepts this role.'
      );
    }
    // Notices (a table that already exists) would go to stderr, past the logger.
    this.client.querySync('SET client_min_messages = warning');
    this.migrate();
  }

  run(sql: string, ...params: SqlValue[]): number {
    this.execute(sql, params);
    return Number.parseInt(this.client.pq.cmdTuples(), 10) || 0;
  }

  get<T>(sql: string, ...params: SqlValue[]): T | undefined {
    return this.execute(sql, params)[0] as T | undefined;
  }

  all<T>(sql: string, ...params: SqlValue[]): T[] {
    return this.execute(sql, params) as T[];
  }

  exec(sql: string): void {
    this.client.querySync(sql);
  }

  transaction<T>(work: () => T): T {
    const savepoint = this.depth > 0 ? `inner_${this.depth}` : null;
    this.client.querySync(savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN');
    this.depth++;
    try {
      const result = work();
      this.client.querySync(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT');
      return result;
    } catch (error) {
      this.client.querySync(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}` : 'ROLLBACK');
      throw error;
    } finally {
      this.depth--;
    }
  }

  lock(name: string): void {
    if (this.depth === 0) throw new Error(`the lock '${name}' is taken inside a transaction only`);
    this.execute('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [name]);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeNativeClient(this.client);
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

function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString();
  } catch {
    return '(a URL that does not parse)';
  }
}
