/**
 * The service's database: PostgreSQL when PRISM_DATABASE_URL is set (replicas
 * share it), else the SQLite file in the data folder. Migrated on open.
 */
import type { Logger } from '../logger';
import { PostgresDatabase } from './postgres-database';
import type { SqlDatabase } from './sql-database';
import { SqliteDatabase } from './sqlite-database';

export function openDatabase(where: { databaseUrl?: string; sqliteFile: string; logger?: Logger }): SqlDatabase {
  return where.databaseUrl ? new PostgresDatabase(where.databaseUrl, { logger: where.logger }) : new SqliteDatabase(where.sqliteFile);
}
