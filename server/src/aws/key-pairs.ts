/**
 * One SSH key pair per owner, made once. The private key exists only at
 * creation, so it is written to `<data dir>/keys/` with mode 0600 and never
 * logged. A key already in AWS without its local file is left alone: it may be
 * the user's own, and deleting it would lock them out of running workstations.
 *
 * Rotation makes a new pair, `prism-<owner>+<n>` ('+' never occurs in a
 * sanitized owner, so two owners' names cannot meet), and points
 * `<key>.current` at it; earlier pairs and their files stay, since running
 * workstations were launched with them. The owner may take the current
 * private key once: a `<key>.pem.taken` file, created exclusively, records it.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CreateKeyPairCommand, DescribeKeyPairsCommand } from '@aws-sdk/client-ec2';
import type { Config } from '../config';
import type { PrivateKeyHandout } from '../domain/ports';
import type { Logger } from '../logger';
import type { AwsClients } from './clients';
import { awsCall, toPrismError } from './errors';
import { MANAGED_TAG } from './security-group';

export interface OwnerKeyPair {
  keyName: string;
  privateKeyPath: string | null;
}

export interface OwnerKeys {
  ensure(owner: string): Promise<OwnerKeyPair>;
  rotate(owner: string): Promise<OwnerKeyPair & { previousKeyName: string | null }>;
  take(owner: string): Promise<PrivateKeyHandout>;
}

const KEY_NAME_LIMIT = 255;

/** `prism-<owner>`, made safe; a hash keeps two owners that sanitize alike apart. */
export function keyNameFor(owner: string): string {
  const safe = owner.replace(/[^A-Za-z0-9._-]/g, '-');
  const suffix = safe === owner ? '' : `-${createHash('sha256').update(owner).digest('hex').slice(0, 8)}`;
  return `prism-${safe}`.slice(0, KEY_NAME_LIMIT - suffix.length) + suffix;
}

/** `prism-ada` → `prism-ada+2`, `prism-ada+2` → `prism-ada+3`. */
export function nextKeyName(current: string): string {
  const match = /^(.*)\+(\d+)$/.exec(current);
  return match ? `${match[1]}+${Number(match[2]) + 1}` : `${current}+2`;
}

export function createKeyPairKeeper(clients: AwsClients, config: Pick<Config, 'dataDir'>, logger: Logger): OwnerKeys {
  const keysDir = path.join(config.dataDir, 'keys');
  const pending = new Map<string, Promise<OwnerKeyPair>>();
  const pointerOf = (owner: string): string => path.join(keysDir, `${keyNameFor(owner)}.current`);

  async function currentKeyName(owner: string): Promise<string> {
    try {
      return (await fs.readFile(pointerOf(owner), 'utf8')).trim() || keyNameFor(owner);
    } catch {
      return keyNameFor(owner);
    }
  }

  async function ensureNamed(keyName: string): Promise<OwnerKeyPair> {
    const keyPath = path.join(keysDir, `${keyName}.pem`);
    if (await keyPairExists(clients, keyName)) {
      return { keyName, privateKeyPath: (await fileExists(keyPath)) ? keyPath : null };
    }
    let material: string | undefined;
    try {
      const created = await clients.ec2.send(
        new CreateKeyPairCommand({
          KeyName: keyName,
          KeyType: 'ed25519',
          TagSpecifications: [{ ResourceType: 'key-pair', Tags: [MANAGED_TAG] }]
        })
      );
      material = created.KeyMaterial;
    } catch (error) {
      // Another replica created it first; its file, if any, is on its disk.
      if ((error as Error).name === 'InvalidKeyPair.Duplicate') {
        return { keyName, privateKeyPath: (await fileExists(keyPath)) ? keyPath : null };
      }
      throw toPrismError(error, 'ec2:CreateKeyPair');
    }
    if (!material) return { keyName, privateKeyPath: null };
    await writePrivateKey(keysDir, keyPath, material);
    logger.info({ keyName }, 'created the owner’s key pair');
    return { keyName, privateKeyPath: keyPath };
  }

  /** One creation at a time per key name, however many launches ask. */
  function ensureOnce(keyName: string): Promise<OwnerKeyPair> {
    let answer = pending.get(keyName);
    if (!answer) {
      answer = ensureNamed(keyName).finally(() => pending.delete(keyName));
      pending.set(keyName, answer);
    }
    return answer;
  }

  async function rotate(owner: string): Promise<OwnerKeyPair & { previousKeyName: string | null }> {
    const previous = await currentKeyName(owner);
    const previousExists = await keyPairExists(clients, previous);
    let keyName = nextKeyName(previous);
    // A name left in AWS by an earlier rotation whose pointer was lost is skipped, not reused.
    while (await keyPairExists(clients, keyName)) keyName = nextKeyName(keyName);
    const made = await ensureOnce(keyName);
    await writeAtomically(keysDir, pointerOf(owner), `${keyName}\n`);
    logger.info({ keyName, previousKeyName: previous }, 'rotated the owner’s key pair');
    return { ...made, previousKeyName: previousExists ? previous : null };
  }

  async function take(owner: string): Promise<PrivateKeyHandout> {
    const keyName = await currentKeyName(owner);
    const keyPath = path.join(keysDir, `${keyName}.pem`);
    if (!(await fileExists(keyPath))) return null;
    const marker = `${keyPath}.taken`;
    try {
      // 'wx' fails when the file exists: of two simultaneous requests, one gets the key.
      await fs.writeFile(marker, `${new Date().toISOString()}\n`, { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      return { keyName, takenAt: (await fs.readFile(marker, 'utf8')).trim() };
    }
    logger.info({ keyName }, 'the owner downloaded their private key');
    return { keyName, privateKey: await fs.readFile(keyPath, 'utf8') };
  }

  return {
    ensure: async owner => ensureOnce(await currentKeyName(owner)),
    rotate,
    take
  };
}

async function keyPairExists(clients: AwsClients, keyName: string): Promise<boolean> {
  const answer = await awsCall('ec2:DescribeKeyPairs', () =>
    clients.ec2.send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: [keyName] }] }))
  );
  return (answer.KeyPairs ?? []).length > 0;
}

async function writePrivateKey(keysDir: string, keyPath: string, material: string): Promise<void> {
  await writeAtomically(keysDir, keyPath, material.endsWith('\n') ? material : `${material}\n`);
}

/** Written aside then renamed, so a crash never leaves half a file under the real name. */
async function writeAtomically(dir: string, file: string, text: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const partial = `${file}.${process.pid}.partial`;
  await fs.rm(partial, { force: true });
  await fs.writeFile(partial, text, { mode: 0o600 });
  await fs.rename(partial, file);
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
