/**
 * Public keys as researchers paste them: fingerprints and sizes agree with
 * what `ssh-keygen -lf` prints for keys it made here, and what is not a
 * public key Prism should install is refused with a hint.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseSshPublicKey } from './ssh-public-key';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-ssh-keys-'));
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A new key pair from ssh-keygen: its .pub line and what `ssh-keygen -lf` says of it. */
function keygen(name: string, args: string[]): { line: string; bits: number; fingerprint: string; privateKey: string } {
  const file = path.join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-N', '', '-C', `${name}@laptop`, '-f', file, ...args]);
  const [bits, fingerprint] = execFileSync('ssh-keygen', ['-lf', `${file}.pub`], { encoding: 'utf8' }).split(' ');
  return { line: fs.readFileSync(`${file}.pub`, 'utf8'), bits: Number(bits), fingerprint, privateKey: fs.readFileSync(file, 'utf8') };
}

const code = (paste: string): unknown => {
  try {
    parseSshPublicKey(paste);
  } catch (error) {
    return error;
  }
  throw new Error('accepted');
};

describe('a pasted public key', () => {
  it.each([
    ['ed25519', ['-t', 'ed25519']],
    ['ecdsa-256', ['-t', 'ecdsa', '-b', '256']],
    ['ecdsa-384', ['-t', 'ecdsa', '-b', '384']],
    ['ecdsa-521', ['-t', 'ecdsa', '-b', '521']],
    ['rsa-2048', ['-t', 'rsa', '-b', '2048']],
    ['rsa-3072', ['-t', 'rsa', '-b', '3072']]
  ])('fingerprints a %s key as ssh-keygen -lf does', (name, args) => {
    const made = keygen(name, args);
    const key = parseSshPublicKey(made.line);
    expect(key.fingerprint).toBe(made.fingerprint);
    expect(key.bits).toBe(made.bits);
    expect(key.comment).toBe(`${name}@laptop`);
    expect(`${key.type} ${key.blob}`).toBe(made.line.split(' ').slice(0, 2).join(' '));
  });

  it('matches a fingerprint ssh-keygen printed elsewhere (a fixed vector)', () => {
    const key = parseSshPublicKey('ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAID0Qp76ojs4+A5XGF1nrOU7lnaWd95iXIB45NAn6UkrW vector@example\n');
    expect(key.fingerprint).toBe('SHA256:+miLcl0+RWMmHwYfm/KtDNnmvkiM5E2T6Jnlm6l/gbg');
    expect(key.bits).toBe(256);
  });

  it('keeps a comment with spaces and no comment at all', () => {
    const made = keygen('spaces', ['-t', 'ed25519']);
    const [type, blob] = made.line.split(' ');
    expect(parseSshPublicKey(`${type} ${blob} Alice's laptop (2026)`).comment).toBe("Alice's laptop (2026)");
    expect(parseSshPublicKey(`${type} ${blob}`).comment).toBe('');
  });

  it('refuses a private key, and says to paste the .pub file', () => {
    const made = keygen('secret', ['-t', 'ed25519']);
    expect(code(made.privateKey)).toMatchObject({ code: 'SSH_KEY_INVALID', status: 422, hint: expect.stringContaining('.pub') });
  });

  it('refuses an RSA key under 2048 bits', () => {
    const made = keygen('small', ['-t', 'rsa', '-b', '1024']);
    expect(code(made.line)).toMatchObject({ code: 'SSH_KEY_INVALID', detail: expect.stringContaining('1024 bits') });
  });

  it('refuses a key whose blob is of another type than its label', () => {
    const ed = keygen('label', ['-t', 'ed25519']).line.split(' ');
    expect(code(`ssh-rsa ${ed[1]}`)).toMatchObject({ code: 'SSH_KEY_INVALID', detail: expect.stringContaining('holds ssh-ed25519') });
  });

  it('refuses a key cut short, options before the key, two keys at once, and the SSH2 format', () => {
    const [type, blob] = keygen('cut', ['-t', 'ed25519']).line.split(' ');
    expect(code(`${type} ${blob.slice(0, 40)}`)).toMatchObject({ code: 'SSH_KEY_INVALID' });
    expect(code(`from="10.0.0.1" ${type} ${blob}`)).toMatchObject({ detail: expect.stringContaining('options') });
    expect(code(`${type} ${blob} a\n${type} ${blob} b`)).toMatchObject({ hint: expect.stringContaining('one key at a time') });
    expect(code('---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----')).toMatchObject({ hint: expect.stringContaining('ssh-keygen -i') });
    expect(code('ssh-dss AAAAB3NzaC1kc3M=')).toMatchObject({ detail: expect.stringContaining('DSA') });
  });
});
