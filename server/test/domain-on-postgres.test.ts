/**
 * The domain unit tests that keep their state in real stores, run again with
 * every store on PostgreSQL: each database a test opens
 * (store/testing/test-database.ts) is a schema of one test database, emptied
 * for the test, and the same file opened again in a test is the same schema
 * (a restart). The suites are required here, so their tests are this file's.
 */
import crypto from 'node:crypto';
import { PostgresDatabase } from '../src/store/postgres-database';
import type { SqlDatabase } from '../src/store/sql-database';
import { openTestDatabasesWith } from '../src/store/testing/test-database';
import { createTestDatabase } from './support/postgres';

const database = createTestDatabase();
/** Schemas made and migrated so far, reused test after test: migrating costs far more than emptying. */
let migrated = 0;
/** This test's files, each with its schema. */
let schemas = new Map<string, string>();
let opened: SqlDatabase[] = [];

const inSchema = (schema: string): string => `${database.url}?options=${encodeURIComponent(`-c search_path=${schema} -c synchronous_commit=off`)}`;

function schemaFor(file: string): string {
  const key = file === ':memory:' ? crypto.randomUUID() : file;
  const known = schemas.get(key);
  if (known) return known;
  const schema = `domain_${schemas.size + 1}`;
  schemas.set(key, schema);
  const admin = new PostgresDatabase(database.url);
  try {
    if (schemas.size > migrated) {
      admin.exec(`CREATE SCHEMA ${schema}`);
      migrated = schemas.size;
      // Opening migrates it.
      new PostgresDatabase(inSchema(schema)).close();
    } else {
      const tables = admin.all<{ tablename: string }>('SELECT tablename FROM pg_tables WHERE schemaname = ? AND tablename <> ?', schema, 'schema_version');
      // No trigger fires in replica mode: the audit log refuses TRUNCATE to Prism, not to a test's reset.
      admin.exec(
        `SET session_replication_role = replica; TRUNCATE ${tables.map(t => `${schema}.${t.tablename}`).join(', ')} RESTART IDENTITY CASCADE; SET session_replication_role = origin`
      );
    }
  } finally {
    admin.close();
  }
  return schema;
}

openTestDatabasesWith(file => {
  const db = new PostgresDatabase(inSchema(schemaFor(file)));
  opened.push(db);
  return db;
});

beforeEach(() => {
  // The last test's connections (the harness does not close its stores); closing twice is harmless.
  opened.splice(0).forEach(db => db.close());
  schemas = new Map();
});

afterAll(() => {
  opened.splice(0).forEach(db => db.close());
  openTestDatabasesWith(null);
  database.drop();
});

// Each suite in its own describe, so its top-level hooks (fake timers, say) stay its own.
const SUITES = [
  'domain/budgets',
  'domain/catalog',
  'domain/costs',
  'domain/idle-watch',
  'domain/lease',
  'domain/launch-lease',
  'domain/metrics-recorder',
  'domain/orphans',
  'domain/projects',
  'domain/project-space',
  'domain/team-keys',
  'templates/template-versions'
];
for (const suite of SUITES) {
  describe(`${suite} on PostgreSQL`, () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    require(`../src/${suite}.test`);
  });
}
