import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { keyIdOf } from './key.ts';

/** Every sealed value starts so: the format's version, then the id of the key that sealed it. */
const prefix = 'enc:v1:';
const sealedPattern =
  /^enc:v1:([0-9a-f]{8}):([A-Za-z0-9_-]{16}):([A-Za-z0-9_-]*):([A-Za-z0-9_-]{22})$/;

/** A stored secret that cannot be read back: the wrong key, or a value changed where it lies. */
export class SecretUnreadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretUnreadable';
  }
}

/** Whether a stored value is sealed (as opposed to written before values were). */
export function isSealed(value: string): boolean {
  return sealedPattern.test(value);
}

/** The id of the key a sealed value needs; undefined for anything not sealed. */
export function sealedKeyId(value: string): string | undefined {
  return sealedPattern.exec(value)?.[1];
}

/**
 * Secrets kept in the database (webhook signing secrets, Partner Center credentials),
 * sealed with AES-256-GCM under `SECRETS_KEY`. Each value names the key that sealed it; one
 * sealed under `SECRETS_KEY_PREVIOUS` still opens, so that the key can be changed without a
 * moment when stored values are unreadable.
 *
 * Each value is bound to where it is kept (`context`: its table, row and field) as
 * associated data: one copied to another row, by someone who can write the database but
 * holds no key, does not open there.
 */
export class Secrets {
  readonly keyId: string;
  readonly previousKeyId: string | undefined;
  readonly #keys = new Map<string, Buffer>();
  readonly #current: Buffer;

  constructor(current: Buffer, previous?: Buffer) {
    this.#current = current;
    this.keyId = keyIdOf(current);
    this.#keys.set(this.keyId, current);
    const previousId = previous ? keyIdOf(previous) : undefined;
    this.previousKeyId = previousId === this.keyId ? undefined : previousId;
    if (previous && this.previousKeyId) this.#keys.set(this.previousKeyId, previous);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.#current, iv);
    cipher.setAAD(associatedData(this.keyId, context));
    const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const parts = [iv, sealed, cipher.getAuthTag()].map((b) => b.toString('base64url'));
    return `${prefix}${this.keyId}:${parts.join(':')}`;
  }

  open(value: string, context: string): string {
    const match = sealedPattern.exec(value);
    if (!match) throw new SecretUnreadable(`The secret stored for ${context} is not sealed.`);
    const [, keyId = '', iv = '', sealed = '', tag = ''] = match;
    const key = this.#keys.get(keyId);
    if (!key) {
      throw new SecretUnreadable(
        `The secret stored for ${context} was sealed under key ${keyId}, which is ${this.#describeKeys()}; ` +
          'set SECRETS_KEY_PREVIOUS to the key it was sealed under.',
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(associatedData(keyId, context));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([
        decipher.update(Buffer.from(sealed, 'base64url')),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new SecretUnreadable(
        `The secret stored for ${context} does not open under key ${keyId}: it was changed or ` +
          'copied from elsewhere after it was sealed.',
      );
    }
  }

  /** Whether a stored value is sealed under the current key, and so needs no new seal. */
  isCurrent(value: string): boolean {
    return sealedKeyId(value) === this.keyId;
  }

  /** Whether this keyring holds the key a sealed value names. */
  canOpen(value: string): boolean {
    const keyId = sealedKeyId(value);
    return keyId !== undefined && this.#keys.has(keyId);
  }

  #describeKeys(): string {
    const previous = this.previousKeyId ? `key ${this.previousKeyId}` : 'unset';
    return `neither SECRETS_KEY (key ${this.keyId}) nor SECRETS_KEY_PREVIOUS (${previous})`;
  }
}

/**
 * Secrets under a key made for this process alone, for what never outlives it: an in-memory
 * database, the document the API describes itself with.
 */
export function ephemeralSecrets(): Secrets {
  return new Secrets(randomBytes(32));
}

function associatedData(keyId: string, context: string): Buffer {
  return Buffer.from(`tiershift secret v1\n${keyId}\n${context}`, 'utf8');
}
