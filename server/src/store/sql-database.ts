/**
 * The one seam every store talks SQL through: SQLite (better-sqlite3) by
 * default, PostgreSQL (pg-native's synchronous libpq client) when
 * PRISM_DATABASE_URL is set. Both are synchronous, as the store ports are
 * (docs/decisions.md). Stores write SQL both accept: `?` placeholders,
 * `ON CONFLICT ... DO UPDATE/NOTHING`, `RETURNING`, `"user"` quoted, and
 * snake_case or quoted column names; what differs is asked of `dialect`.
 */

/** What a placeholder takes: booleans are stored as 0/1 integers on both. */
export type SqlValue = string | number | null;

export interface SqlDatabase {
  readonly dialect: 'sqlite' | 'postgres';
  /** Runs a statement; returns how many rows it changed. */
  run(sql: string, ...params: SqlValue[]): number;
  get<T>(sql: string, ...params: SqlValue[]): T | undefined;
  all<T>(sql: string, ...params: SqlValue[]): T[];
  /** Runs SQL text without parameters (migrations, several statements). */
  exec(sql: string): void;
  /**
   * Runs `work` in one transaction: committed when it returns, rolled back
   * when it throws. Nested calls are savepoints of the outer one.
   */
  transaction<T>(work: () => T): T;
  /**
   * Inside a transaction, waits until no other process holds `name`, and holds
   * it until the transaction ends: check-then-write across replicas.
   * SQLite's transactions already take the file's write lock at BEGIN.
   */
  lock(name: string): void;
  /** Case-insensitive LIKE: SQLite's LIKE is, PostgreSQL's is not. */
  readonly ilike: 'LIKE' | 'ILIKE';
  close(): void;
}

/** `?, ?, ?` for an IN list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
