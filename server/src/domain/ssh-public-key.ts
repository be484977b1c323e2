/**
 * An OpenSSH public key as a researcher pastes it (the line of their
 * `~/.ssh/id_ed25519.pub`): checked, and fingerprinted as `ssh-keygen -lf`
 * prints it (SHA-256 of the key blob, unpadded base64). Its wire blob is read,
 * not trusted from the first word, so a mislabelled or truncated key is refused.
 */
import crypto from 'node:crypto';
import { PrismError } from './errors';

export interface SshPublicKey {
  type: string;
  /** The key blob in base64, as it goes into authorized_keys. */
  blob: string;
  /** `SHA256:...`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  bits: number;
  comment: string;
}

export const MIN_RSA_BITS = 2048;
const MAX_COMMENT = 200;

const ECDSA_BITS: Record<string, { bits: number; point: number }> = {
  nistp256: { bits: 256, point: 65 },
  nistp384: { bits: 384, point: 97 },
  nistp521: { bits: 521, point: 133 }
};

const TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com'
];

const PASTE_HINT = 'Paste the one line of your public key file, e.g. the output of `cat ~/.ssh/id_ed25519.pub`.';

function refused(detail: string, hint = PASTE_HINT): PrismError {
  return new PrismError('SSH_KEY_INVALID', 422, 'Not an SSH public key Prism accepts', detail, hint);
}

/** Reads the SSH wire format: uint32 length, then that many bytes. */
class WireReader {
  private offset = 0;
  constructor(private readonly bytes: Buffer) {}

  field(): Buffer {
    if (this.offset + 4 > this.bytes.length) throw refused('The key is cut short.');
    const length = this.bytes.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (length > this.bytes.length - start) throw refused('The key is cut short.');
    this.offset = start + length;
    return this.bytes.subarray(start, start + length);
  }

  text(): string {
    return this.field().toString('latin1');
  }

  done(): boolean {
    return this.offset === this.bytes.length;
  }
}

/**
 * @throws {PrismError} SSH_KEY_INVALID (422) for a private key, a key in another
 * format, an unsupported or mislabelled type, an RSA key under 2048 bits.
 */
export function parseSshPublicKey(pasted: string): SshPublicKey {
  const text = pasted.trim();
  if (/PRIVATE KEY-----/.test(text) || text.startsWith('PuTTY-User-Key-File')) {
    throw refused(
      'That is a private key. Prism never needs it, and it should not leave your computer.',
      'Paste the public half instead: the .pub file beside it (`cat ~/.ssh/id_ed25519.pub`), or `ssh-keygen -y -f ~/.ssh/id_ed25519` prints it.'
    );
  }
  if (text.startsWith('---- BEGIN SSH2 PUBLIC KEY')) {
    throw refused('That key is in the SSH2 (RFC 4716) format.', 'Convert it to one OpenSSH line with `ssh-keygen -i -f key.pub`, and paste that.');
  }
  const lines = text.split(/\r?\n/).filter(line => line.trim() !== '');
  if (lines.length !== 1) throw refused(lines.length === 0 ? 'No key was given.' : `${lines.length} lines were given.`, 'Add one key at a time: one line, `type key comment`.');
  const [type, encoded = '', ...rest] = lines[0].trim().split(/\s+/);
  if (!TYPES.includes(type)) {
    throw refused(
      type === 'ssh-dss'
        ? 'DSA keys are obsolete and OpenSSH no longer accepts them.'
        : type.endsWith('-cert-v01@openssh.com')
          ? 'Certificates are not kept in Prism.'
          : /^[a-z0-9-]+=|,/i.test(type)
            ? 'The line starts with authorized_keys options.'
            : `'${type.slice(0, 40)}' is not a key type Prism accepts.`,
      `Use an ed25519 key (\`ssh-keygen -t ed25519\`), or ECDSA, or RSA of at least ${MIN_RSA_BITS} bits; paste it without options.`
    );
  }
  const blob = Buffer.from(encoded, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || blob.length === 0 || blob.toString('base64') !== encoded) {
    throw refused('The key after its type is not valid base64; it may have been cut or wrapped when copied.');
  }
  const bits = keyBits(type, blob);
  const comment = rest.join(' ').replace(/[^\x20-\x7e]/g, '').slice(0, MAX_COMMENT);
  const fingerprint = `SHA256:${crypto.createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
  return { type, blob: encoded, fingerprint, bits, comment };
}

/** Checks the blob against its declared type; the key's size in bits as ssh-keygen counts it. */
function keyBits(type: string, blob: Buffer): number {
  const wire = new WireReader(blob);
  const inner = wire.text();
  if (inner !== type) throw refused(`The key says it is ${type} but holds ${inner.slice(0, 40) || 'something else'}.`);
  let bits: number;
  if (type === 'ssh-rsa') {
    wire.field();
    bits = mpintBits(wire.field());
    if (bits < MIN_RSA_BITS) {
      throw refused(`This RSA key has ${bits} bits; Prism takes ${MIN_RSA_BITS} or more.`, 'Make a new key with `ssh-keygen -t ed25519` (or `-t rsa -b 4096`) and paste its .pub line.');
    }
  } else if (type.includes('ed25519')) {
    if (wire.field().length !== 32) throw refused('The ed25519 key is not 32 bytes long.');
    bits = 256;
  } else {
    const curve = wire.text();
    const expected = ECDSA_BITS[curve];
    if (!expected || !type.includes(curve)) throw refused(`The key's curve ${curve.slice(0, 20)} does not match its type ${type}.`);
    const point = wire.field();
    if (point.length !== expected.point || point[0] !== 0x04) throw refused(`The ${curve} point is malformed.`);
    bits = expected.bits;
  }
  if (type.startsWith('sk-')) wire.text();
  if (!wire.done()) throw refused('The key has bytes after its end.');
  return bits;
}

/** Bit length of an SSH mpint (big-endian, a leading zero byte for a positive number with its top bit set). */
function mpintBits(value: Buffer): number {
  let start = 0;
  while (start < value.length && value[start] === 0) start++;
  if (start === value.length) return 0;
  return (value.length - start - 1) * 8 + (32 - Math.clz32(value[start]));
}
