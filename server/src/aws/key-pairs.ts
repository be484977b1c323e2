/**
 * One SSH key pair per owner, made once. The private key exists only at
 * creation, so it is written to `<data dir>/keys/` with mode 0600 and never
 * logged. A key already in AWS without its local file is left alone: it may be
 * the user's own, and deleting it would lock them out of running workstations.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CreateKeyPairCommand, DescribeKeyPairsCommand } from '@aws-sdk/client-ec2';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { AwsClients } from './clients';
import { awsCall, toPrismError } from './errors';
import { MANAGED_TAG } from './security-group';

export interface OwnerKeyPair {
  keyName: string;
  privateKeyPath: string | null;
}

const KEY_NAME_LIMIT = 255;

/** `prism-<owner>`, made safe; a hash keeps two owners that sanitize alike apart. */
export function keyNameFor(owner: string): string {
  const safe = owner.replace(/[^A-Za-z0-9._-]/g, '-');
  const suffix = safe === owner ? '' : `-${createHash('sha256').update(owner).digest('hex').slice(0, 8)}`;
  return `prism-${safe}`.slice(0, KEY_NAME_LIMIT - suffix.length) + suffix;
}

export function createKeyPairKeeper(
  clients: AwsClients,
  config: Pick<Config, 'dataDir'>,
  logger: Logger
): (owner: string) => Promise<OwnerKeyPair> {
  const keysDir = path.join(config.dataDir, 'keys');
  const pending = new Map<string, Promise<OwnerKeyPair>>();

  async function ensure(keyName: string): Promise<OwnerKeyPair> {
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

  return owner => {
    const keyName = keyNameFor(owner);
    let answer = pending.get(keyName);
    if (!answer) {
      answer = ensure(keyName).finally(() => pending.delete(keyName));
      pending.set(keyName, answer);
    }
    return answer;
  };
}

async function keyPairExists(clients: AwsClients, keyName: string): Promise<boolean> {
  const answer = await awsCall('ec2:DescribeKeyPairs', () =>
    clients.ec2.send(new DescribeKeyPairsCommand({ Filters: [{ Name: 'key-name', Values: [keyName] }] }))
  );
  return (answer.KeyPairs ?? []).length > 0;
}

async function writePrivateKey(keysDir: string, keyPath: string, material: string): Promise<void> {
  await fs.mkdir(keysDir, { recursive: true, mode: 0o700 });
  // Written aside then renamed, so a crash never leaves half a key under the real name.
  const partial = `${keyPath}.${process.pid}.partial`;
  await fs.rm(partial, { force: true });
  await fs.writeFile(partial, material.endsWith('\n') ? material : `${material}\n`, { mode: 0o600 });
  await fs.rename(partial, keyPath);
}

async function fileExists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
