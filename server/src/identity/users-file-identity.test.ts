import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadUsersFile } from './users-file-identity';

let dir: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-users-'));
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function usersFile(users: unknown): string {
  const file = path.join(dir, 'users.json');
  fs.writeFileSync(file, JSON.stringify(users));
  return file;
}

describe('PRISM_USERS_FILE', () => {
  it('knows each user by their own token, with their roles', async () => {
    const identity = loadUsersFile(
      usersFile([
        { user: 'ada', token: 'ada-token-0123456789', roles: ['admin'] },
        { user: 'bob', token: 'bob-token-0123456789' }
      ])
    );
    await expect(identity.authenticate('ada-token-0123456789')).resolves.toEqual({ user: 'ada', roles: ['admin'], projects: [] });
    await expect(identity.authenticate('bob-token-0123456789')).resolves.toEqual({ user: 'bob', roles: ['user'], projects: [] });
    await expect(identity.authenticate('ada-token-012345678')).resolves.toBeNull();
    await expect(identity.authenticate(undefined)).resolves.toBeNull();
  });

  it('refuses to start on a file that would make tokens ambiguous or weak, naming the variable', () => {
    expect(() => loadUsersFile(usersFile([{ user: 'ada', token: 'short' }]))).toThrow(/PRISM_USERS_FILE: .* is not valid:\n {2}0\.token: must be at least 16 characters/);
    expect(() =>
      loadUsersFile(
        usersFile([
          { user: 'ada', token: 'same-token-0123456789' },
          { user: 'bob', token: 'same-token-0123456789' }
        ])
      )
    ).toThrow(/gives two users the same token/);
    expect(() => loadUsersFile(path.join(dir, 'missing.json'))).toThrow(/PRISM_USERS_FILE: cannot read/);
  });
});
