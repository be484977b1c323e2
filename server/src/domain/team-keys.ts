/**
 * Team keys (docs/api.md, "Team SSH keys"): each researcher's SSH public keys,
 * kept in Prism and installed by each workstation's agent for everyone who may
 * reach it: its owner, and its project's members and admins (viewers watch,
 * they do not log in). The desired state is worked out at each agent round, so
 * a key added or removed, or a member added, changed or removed, reaches the
 * workstations at their next round; the owner's own Prism key pair is outside
 * the block the agent keeps and stays as it is.
 */
import type { ProjectMember } from '../contract/projects';
import type { SshKey } from '../contract/team';
import { PrismError } from './errors';
import type { AuthorizedKey } from './mount-spec';
import type { Caller, Clock, DomainLogger, WorkstationRecord } from './ports';
import { atLeast } from './projects';
import { parseSshPublicKey } from './ssh-public-key';

export interface StoredSshKey extends SshKey {
  user: string;
}

/** The keys, kept durably (store/sqlite-team-store.ts). */
export interface SshKeyStore {
  sshKeys(users: string[]): StoredSshKey[];
  /** False when a key with this fingerprint is kept already (anyone's). */
  addSshKey(key: StoredSshKey): boolean;
  /** False when the user has no such key. */
  removeSshKey(user: string, fingerprint: string): boolean;
}

export interface TeamKeysDeps {
  store: SshKeyStore;
  members: (project: string) => ProjectMember[];
  clock: Clock;
  logger: DomainLogger;
  /** A user's keys changed: the workstations they reach get a new desired state. */
  onChange?: (user: string) => void;
}

/** Enough for anyone's laptops, desktops and security keys; a list longer than this is a mistake. */
export const MAX_KEYS_PER_USER = 20;

export class TeamKeys {
  constructor(private readonly deps: TeamKeysDeps) {}

  listKeys(user: string): SshKey[] {
    return this.deps.store.sshKeys([user]).map(publicView);
  }

  /**
   * @throws {PrismError} SSH_KEY_INVALID (422), SSH_KEY_EXISTS (409), SSH_KEY_LIMIT (409).
   */
  addKey(user: string, publicKey: string): SshKey {
    const parsed = parseSshPublicKey(publicKey);
    if (this.deps.store.sshKeys([user]).length >= MAX_KEYS_PER_USER) {
      throw new PrismError('SSH_KEY_LIMIT', 409, 'Too many keys', `You have ${MAX_KEYS_PER_USER} SSH keys in Prism already.`, 'Delete a key you no longer use (DELETE /me/ssh-keys/:fingerprint), then add this one.');
    }
    const key: StoredSshKey = {
      user,
      fingerprint: parsed.fingerprint,
      type: parsed.type,
      bits: parsed.bits,
      comment: parsed.comment,
      publicKey: [parsed.type, parsed.blob, parsed.comment].filter(Boolean).join(' '),
      addedAt: this.deps.clock.now().toISOString()
    };
    if (!this.deps.store.addSshKey(key)) {
      const mine = this.deps.store.sshKeys([user]).some(k => k.fingerprint === key.fingerprint);
      throw new PrismError(
        'SSH_KEY_EXISTS',
        409,
        'Key already in Prism',
        mine ? `You added the key ${key.fingerprint} already.` : `The key ${key.fingerprint} is in Prism already, under another account.`,
        mine ? 'Nothing to do: it is installed on your workstations.' : 'Each key belongs to one person: make your own with `ssh-keygen -t ed25519` and add its .pub line.'
      );
    }
    this.deps.logger.info({ user, fingerprint: key.fingerprint, type: key.type }, 'ssh key added');
    this.deps.onChange?.(user);
    return publicView(key);
  }

  /**
   * `fingerprint` as ssh-keygen prints it, or in URL-safe base64 (`-` for `+`, `_` for `/`): a proxy
   * in front of Prism (jupyter-server-proxy) may decode a `%2F` into a path separator.
   * @throws {PrismError} SSH_KEY_NOT_FOUND.
   */
  removeKey(user: string, fingerprint: string): void {
    if (!this.deps.store.removeSshKey(user, fingerprint.replace(/-/g, '+').replace(/_/g, '/'))) {
      throw new PrismError(
        'SSH_KEY_NOT_FOUND',
        404,
        'No such SSH key',
        `You have no SSH key '${fingerprint.slice(0, 80)}' in Prism.`,
        'List your keys with GET /me/ssh-keys; name one by its fingerprint, URL-encoded (SHA256%3A...).'
      );
    }
    this.deps.logger.info({ user, fingerprint }, 'ssh key removed');
    this.deps.onChange?.(user);
  }

  /** A Prism admin looks at someone's keys (to help them, or to check who reaches what). */
  keysOf(caller: Caller, user: string): SshKey[] {
    if (!caller.roles.includes('admin')) {
      throw new PrismError('FORBIDDEN', 403, 'Not allowed', "Only a Prism admin lists another person's keys.", 'List your own with GET /me/ssh-keys.');
    }
    return this.listKeys(user);
  }

  /** Everyone whose keys go on the workstation: its owner, and its project's members and admins. */
  reachers(record: Pick<WorkstationRecord, 'owner' | 'project'>): string[] {
    const members = record.project ? this.deps.members(record.project).filter(m => atLeast(m.role, 'member')).map(m => m.user) : [];
    return [...new Set([record.owner, ...members])].sort();
  }

  /** The lines the workstation's agent keeps in its login user's authorized_keys. */
  authorizedKeys(record: Pick<WorkstationRecord, 'owner' | 'project'>): AuthorizedKey[] {
    return this.deps.store.sshKeys(this.reachers(record)).map(key => ({
      user: key.user,
      fingerprint: key.fingerprint,
      // The comment names the Prism user, so `who reached this` reads from the file and sshd's log.
      line: `${key.type} ${key.publicKey.split(' ')[1]} prism:${key.user.replace(/[^A-Za-z0-9._@-]/g, '_')}`
    }));
  }
}

function publicView(key: StoredSshKey): SshKey {
  const { user: _user, ...view } = key;
  return view;
}
