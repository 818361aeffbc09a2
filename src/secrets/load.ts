import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config.ts';
import { generateKey, keyFormatHelp, parseKey } from './key.ts';
import { Secrets } from './secrets.ts';

/** The key cannot be had: the start stops, saying which setting to fix. */
export class SecretsKeyMissing extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsKeyMissing';
  }
}

export type SecretsSettings = Pick<
  Config,
  'SECRETS_KEY' | 'SECRETS_KEY_PREVIOUS' | 'DATABASE_URL' | 'DATA_DIR'
>;

/** Where a generated key is kept, beside the embedded database it serves. */
export const keyFileName = 'secrets.key';

/**
 * The keys stored secrets are sealed with. `SECRETS_KEY` when set. Without it, only the
 * embedded database may start: a key is generated once into its DATA_DIR (readable by this
 * user alone), which is fine for trying Tiershift and is said loudly. On Postgres several
 * instances must share one key and its loss loses every stored secret, so nothing is guessed:
 * the start stops until the operator sets one.
 */
export function loadSecrets(settings: SecretsSettings, warn: (message: string) => void): Secrets {
  const previous = settings.SECRETS_KEY_PREVIOUS
    ? required(settings.SECRETS_KEY_PREVIOUS, 'SECRETS_KEY_PREVIOUS')
    : undefined;
  if (settings.SECRETS_KEY)
    return new Secrets(required(settings.SECRETS_KEY, 'SECRETS_KEY'), previous);
  if (settings.DATABASE_URL) {
    throw new SecretsKeyMissing(
      'SECRETS_KEY is required with DATABASE_URL: stored secrets (webhook signing secrets, ' +
        'Partner Center credentials) are sealed with it. Generate one with ' +
        '`openssl rand -base64 32`, give every instance the same, and keep a copy: without ' +
        'it the stored secrets cannot be read.',
    );
  }
  if (settings.DATA_DIR === 'memory://') {
    warn(
      'SECRETS_KEY is not set: stored secrets are sealed with a key that lives as long as this ' +
        'process, like the in-memory database.',
    );
    return new Secrets(randomBytes(32), previous);
  }
  const file = path.resolve(settings.DATA_DIR, keyFileName);
  const key = readOrCreateKeyFile(file);
  warn(
    `SECRETS_KEY is not set: stored secrets are sealed with the key in ${file}, generated for ` +
      'this embedded database. Set SECRETS_KEY (to that key, to keep what is stored) before ' +
      'running on Postgres.',
  );
  return new Secrets(key, previous);
}

function required(text: string, name: string): Buffer {
  const key = parseKey(text);
  if (!key) throw new SecretsKeyMissing(`${name}: ${keyFormatHelp}.`);
  return key;
}

function readOrCreateKeyFile(file: string): Buffer {
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    // `wx`: never over an existing key, which would make every stored secret unreadable.
    writeFileSync(file, `${generateKey()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // A key copied in by hand may have come with wider permissions.
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const key = parseKey(readFileSync(file, 'utf8'));
  if (!key) throw new SecretsKeyMissing(`${file}: ${keyFormatHelp}.`);
  return key;
}
