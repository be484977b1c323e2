/**
 * A fresh PostgreSQL database per test suite on the cluster `make test` starts
 * (scripts/start-postgres.sh), dropped at the end. PostgreSQL missing is a
 * failure with a hint, never a skipped suite: CI provides it.
 */
import crypto from 'node:crypto';
import { closeNativeClient, loadNativeClient, type NativeClient } from '../../src/store/native-client';

/** The test cluster's maintenance database, as `make test-integration` exports it. */
export const TEST_DATABASE_URL = process.env.PRISM_TEST_DATABASE_URL ?? 'postgresql://prism:prism@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** A connection URL for the new database (it carries the test role's password). */
  url: string;
  name: string;
  /** Drops the database, closing any connection still open to it. */
  drop(): void;
}

/**
 * Creates `prism_test_<random>` on the test cluster. With `ownRole`, the
 * database belongs to a new role of its own with a random password (the URL
 * carries it), so a test can look for that password in logs.
 * @throws with a hint when PostgreSQL cannot be reached.
 */
export function createTestDatabase(options: { ownRole?: boolean } = {}): TestDatabase {
  const name = `prism_test_${crypto.randomBytes(6).toString('hex')}`;
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const role = options.ownRole ? { name: `${name}_owner`, password: crypto.randomBytes(18).toString('hex') } : null;
  withMaintenance(client => {
    if (role) {
      client.querySync(`CREATE ROLE ${role.name} LOGIN PASSWORD '${role.password}'`);
      url.username = role.name;
      url.password = role.password;
    }
    client.querySync(`CREATE DATABASE ${name}${role ? ` OWNER ${role.name}` : ''}`);
  });
  return {
    url: url.toString(),
    name,
    drop: () =>
      withMaintenance(client => {
        client.querySync(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        if (role) client.querySync(`DROP ROLE IF EXISTS ${role.name}`);
      })
  };
}

function withMaintenance(work: (client: NativeClient) => void): void {
  const client = connect();
  try {
    work(client);
  } finally {
    closeNativeClient(client);
  }
}

function connect(): NativeClient {
  const where = new URL(TEST_DATABASE_URL);
  where.password = '';
  const client = new (loadNativeClient())();
  try {
    client.connectSync(TEST_DATABASE_URL);
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${where.toString()} (${String(error).trim()}). ` +
        'Start it with `make test-services` (scripts/start-postgres.sh), or point PRISM_TEST_DATABASE_URL at a server where this role may CREATE DATABASE.'
    );
  }
  return client;
}
