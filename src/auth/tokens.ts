import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../engine/hash.ts';

/** A new bearer token; only its hash is ever stored. */
export function newToken(): string {
  return `ts_${randomBytes(32).toString('base64url')}`;
}

export function hashToken(token: string): string {
  return sha256Hex(token);
}
