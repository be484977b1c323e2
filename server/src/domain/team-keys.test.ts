/**
 * Team keys on the real store (SQLite in memory): who reaches a workstation,
 * the lines its agent writes, and a key named by its fingerprint in either
 * base64 alphabet.
 */
import type { ProjectMember } from '../contract/projects';
import type { SqlDatabase } from '../store/sql-database';
import { openTestDatabase } from '../store/testing/test-database';
import { SqlTeamStore } from '../store/team-store';
import { TeamKeys } from './team-keys';
import { silentLogger } from './testing/harness';

/** ssh-keygen -lf printed SHA256:+miLcl0+RWMmHwYfm/KtDNnmvkiM5E2T6Jnlm6l/gbg for this key. */
const VECTOR = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID0Qp76ojs4+A5XGF1nrOU7lnaWd95iXIB45NAn6UkrW vector@example';
const FINGERPRINT = 'SHA256:+miLcl0+RWMmHwYfm/KtDNnmvkiM5E2T6Jnlm6l/gbg';

let db: SqlDatabase;
let members: ProjectMember[];
let changed: string[];
let keys: TeamKeys;

beforeEach(() => {
  db = openTestDatabase(':memory:');
  members = [
    { user: 'ada', role: 'admin' },
    { user: 'bo', role: 'member' },
    { user: 'vi', role: 'viewer' }
  ];
  changed = [];
  keys = new TeamKeys({
    store: new SqlTeamStore(db),
    members: () => members,
    clock: { now: () => new Date('2026-11-27T12:00:00Z') },
    logger: silentLogger(),
    onChange: user => void changed.push(user)
  });
});

afterEach(() => db.close());

describe('team keys', () => {
  it('reach a project workstation for its owner, members and admins, never its viewers', () => {
    expect(keys.reachers({ owner: 'zed', project: 'genomics' })).toEqual(['ada', 'bo', 'zed']);
    expect(keys.reachers({ owner: 'vi', project: 'genomics' })).toEqual(['ada', 'bo', 'vi']);
    expect(keys.reachers({ owner: 'zed', project: null })).toEqual(['zed']);
  });

  it('give the agent one line per key, naming its Prism user, for the people who reach it', () => {
    keys.addKey('bo', VECTOR);
    expect(keys.authorizedKeys({ owner: 'ada', project: 'genomics' })).toEqual([
      { user: 'bo', fingerprint: FINGERPRINT, line: `ssh-ed25519 ${VECTOR.split(' ')[1]} prism:bo` }
    ]);
    expect(keys.authorizedKeys({ owner: 'zed', project: null })).toEqual([]);
    expect(changed).toEqual(['bo']);
  });

  it('delete a key named in URL-safe base64, as a proxy that decodes %2F needs', () => {
    keys.addKey('bo', VECTOR);
    expect(() => keys.removeKey('ada', FINGERPRINT)).toThrow(expect.objectContaining({ code: 'SSH_KEY_NOT_FOUND', status: 404 }));
    keys.removeKey('bo', FINGERPRINT.replace(/\+/g, '-').replace(/\//g, '_'));
    expect(keys.listKeys('bo')).toEqual([]);
  });
});
