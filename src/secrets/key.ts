import { createHmac, randomBytes } from 'node:crypto';

/** AES-256 takes a key of 32 bytes. */
export const keyBytes = 32;

export const keyFormatHelp =
  'expected 32 random bytes, written as 64 hex digits or in base64 (`openssl rand -base64 32` makes one)';

/**
 * A key as an operator writes it: 64 hex digits, or base64 (standard or URL-safe, padded or
 * not) of exactly 32 bytes. Returns undefined for anything else: a passphrase, a truncated
 * key, a key of another length.
 */
export function parseKey(text: string): Buffer | undefined {
  const value = text.trim();
  // Hex first: 64 hex digits are also valid base64, of 48 bytes.
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, 'hex');
  if (!/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) return undefined;
  const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === keyBytes ? key : undefined;
}

/** A new key, in base64, as `SECRETS_KEY` takes it. */
export function generateKey(): string {
  return randomBytes(keyBytes).toString('base64');
}

/**
 * A short name for a key, stored beside each value it sealed, so that the key a value needs
 * can be named without being shown: an HMAC under the key itself, of which nothing can be
 * learnt about it.
 */
export function keyIdOf(key: Buffer): string {
  return createHmac('sha256', key).update('tiershift secrets key id').digest('hex').slice(0, 8);
}
