/**
 * The database a domain unit test keeps its stores in: a SQLite file (or
 * ':memory:') by default; a PostgreSQL schema when the PostgreSQL run of those
 * tests (server/test/domain-on-postgres.test.ts) chose where.
 */
import type { SqlDatabase } from '../sql-database';
import { SqliteDatabase } from '../sqlite-database';

let elsewhere: ((file: string) => SqlDatabase) | null = null;

/** The same `file` twice in one test is the same database (a restart); ':memory:' is a new one each time. */
export function openTestDatabase(file: string): SqlDatabase {
  return elsewhere ? elsewhere(file) : new SqliteDatabase(file);
}

/** Sends every openTestDatabase to `open` (null: back to SQLite). */
export function openTestDatabasesWith(open: ((file: string) => SqlDatabase) | null): void {
  elsewhere = open;
}
