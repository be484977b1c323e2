import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MIGRATIONS } from './migrations';
import { PG_MIGRATIONS } from './pg-migrations';
import { numberedPlaceholders } from './postgres-database';
import { SqliteDatabase } from './sqlite-database';
import { describeStoreContract } from './testing/store-contract';

// The same contract runs on PostgreSQL in server/test/stores-postgres.test.ts.
describeStoreContract({
  dialect: 'sqlite',
  fresh() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-store-'));
    return {
      open: () => new SqliteDatabase(path.join(dir, 'nested', 'prism.sqlite')),
      dispose: () => fs.rmSync(dir, { recursive: true, force: true })
    };
  }
});

describe('the PostgreSQL migrations', () => {
  it('has a twin for every SQLite migration, at the same index', () => {
    expect(PG_MIGRATIONS).toHaveLength(MIGRATIONS.length);
  });
});

describe('placeholders on PostgreSQL', () => {
  it('numbers each ? outside quoted text and identifiers', () => {
    expect(numberedPlaceholders(`SELECT "a?" FROM t WHERE x = ? AND y LIKE '%?%' ESCAPE '\\' AND z IN (?, ?)`)).toEqual({
      text: `SELECT "a?" FROM t WHERE x = $1 AND y LIKE '%?%' ESCAPE '\\' AND z IN ($2, $3)`,
      count: 3
    });
  });
});
