/**
 * A small team without JupyterHub: `PRISM_USERS_FILE` lists each person with
 * their own token, `[{ "user": "ada", "token": "…", "roles": ["admin"] }]`.
 * The file is read once at start; tokens are compared as SHA-256 digests in
 * constant time, so no token is kept in memory as given.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { z } from 'zod';
import { ConfigError } from '../config';
import type { Caller, IdentityProvider } from '../domain/ports';

const UsersSchema = z
  .array(
    z
      .object({
        user: z.string().regex(/^[a-z_][a-z0-9_.-]{0,63}$/i, 'must be a user name (letters, digits, . _ -)'),
        token: z.string().min(16, 'must be at least 16 characters (openssl rand -hex 24 makes one)'),
        roles: z.array(z.enum(['admin', 'user'])).default(['user'])
      })
      .strict()
  )
  .min(1, 'must list at least one user')
  .refine(users => new Set(users.map(u => u.user)).size === users.length, 'lists a user twice')
  .refine(users => new Set(users.map(u => u.token)).size === users.length, 'gives two users the same token');

const digest = (token: string): Buffer => crypto.createHash('sha256').update(token).digest();

export function loadUsersFile(file: string): IdentityProvider {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`PRISM_USERS_FILE: cannot read ${file}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`PRISM_USERS_FILE: ${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = UsersSchema.safeParse(json);
  if (!parsed.success) {
    const lines = parsed.error.issues.map(i => `  ${i.path.join('.') || '(file)'}: ${i.message}`);
    throw new ConfigError(`PRISM_USERS_FILE: ${file} is not valid:\n${lines.join('\n')}`);
  }
  return createUsersIdentity(parsed.data);
}

export function createUsersIdentity(users: { user: string; token: string; roles: string[] }[]): IdentityProvider {
  const known = users.map(u => ({ digest: digest(u.token), caller: { user: u.user, roles: u.roles, projects: [] } as Caller }));
  return {
    async authenticate(given) {
      if (!given) return null;
      const actual = digest(given);
      // Compare with every entry, so the time taken does not say which one matched.
      let found: Caller | null = null;
      for (const entry of known) {
        if (crypto.timingSafeEqual(entry.digest, actual)) found = entry.caller;
      }
      return found;
    }
  };
}

/** The first identity that knows the token: the service's own token, then the team's. */
export function eitherIdentity(...providers: IdentityProvider[]): IdentityProvider {
  return {
    async authenticate(given) {
      for (const provider of providers) {
        const caller = await provider.authenticate(given);
        if (caller) return caller;
      }
      return null;
    }
  };
}
