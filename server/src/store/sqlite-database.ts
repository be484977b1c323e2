/**
 * The SQL seam on SQLite (better-sqlite3): one file, WAL, migrations tracked
 * in `PRAGMA user_version`.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from './migrations';
import type { SqlDatabase, SqlValue } from './sql-database';

const MAX_STATEMENTS = 500;

export class SqliteDatabase implements SqlDatabase {
  readonly dialect = 'sqlite';
  readonly ilike = 'LIKE';
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();

  /** Opens (or makes) the file and applies the migrations it lacks; ':memory:' for a throwaway one. */
  constructor(file: string) {
    if (file !== ':memory:') {
      fs.mkdirSync(path.dirname(file), { recursive: true });
    }
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
  }

  run(sql: string, ...params: SqlValue[]): number {
    return this.statement(sql).run(...params).changes;
  }

  get<T>(sql: string, ...params: SqlValue[]): T | undefined {
    return this.statement(sql).get(...params) as T | undefined;
  }

  all<T>(sql: string, ...params: SqlValue[]): T[] {
    return this.statement(sql).all(...params) as T[];
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  transaction<T>(work: () => T): T {
    // IMMEDIATE takes the write lock at BEGIN, so another process's check-then-write waits for this one.
    return this.db.transaction(work).immediate();
  }

  lock(_name: string): void {
    // The transaction's write lock already covers the whole file.
  }

  close(): void {
    this.db.close();
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      // Texts differ only by the length of an IN list or a filter's clauses: few, but not bounded by the code.
      if (this.statements.size >= MAX_STATEMENTS) this.statements.clear();
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private migrate(): void {
    const applied = this.db.pragma('user_version', { simple: true }) as number;
    MIGRATIONS.slice(applied).forEach((sql, i) => {
      this.db.transaction(() => {
        this.db.exec(sql);
        this.db.pragma(`user_version = ${applied + i + 1}`);
      })();
    });
  }
}
