/**
 * The researcher's own SSH key, which Prism manages: made at the first launch,
 * rotated on request, and handed to its owner once (docs/decisions.md: the
 * one secret that leaves the service, to its owner, a single time).
 */
import type { KeyRotation } from '../contract/api';
import { PrismError } from './errors';
import type { Cloud, WorkstationStore } from './ports';

export class OwnerKeys {
  constructor(private readonly deps: { cloud: Cloud; store: WorkstationStore }) {}

  /** A new key pair for later launches; running and stopped workstations keep the one they were launched with. */
  async rotateKey(owner: string): Promise<KeyRotation> {
    const rotated = await this.deps.cloud.rotateKeyPair(owner);
    const kept = this.deps.store
      .listByOwner(owner)
      .filter(w => w.state !== 'terminated' && w.state !== 'failed' && w.keyName !== rotated.keyName);
    const keep = kept.length
      ? ` Your ${kept.length} existing workstation${kept.length > 1 ? 's keep' : ' keeps'} the key ${kept[0].keyName ?? rotated.previousKeyName ?? 'it was launched with'}; keep that private key until you terminate them.`
      : '';
    return {
      keyName: rotated.keyName,
      previousKeyName: rotated.previousKeyName,
      downloadable: rotated.privateKeyPath !== null,
      message: `New launches use ${rotated.keyName}; download its private key once with GET /keys/private.${keep}`
    };
  }

  /** The current private key, the first time it is asked for. */
  async downloadPrivateKey(owner: string): Promise<{ keyName: string; privateKey: string }> {
    const handout = await this.deps.cloud.takePrivateKey(owner);
    if (!handout) {
      throw new PrismError(
        'KEY_NOT_FOUND',
        404,
        'No private key to download',
        'Prism holds no private key of yours: it is made at your first launch, and one made elsewhere is never held.',
        'Launch a workstation, or make a new key with POST /keys/rotate, then download it.'
      );
    }
    if ('takenAt' in handout) {
      throw new PrismError(
        'KEY_ALREADY_DOWNLOADED',
        410,
        'Private key already downloaded',
        `The private key ${handout.keyName} was downloaded at ${handout.takenAt}; Prism hands it out once.`,
        'Use the copy you saved (~/.ssh/, mode 600). Lost it? Rotate with POST /keys/rotate: new launches get a new key you can download once.'
      );
    }
    return handout;
  }
}
