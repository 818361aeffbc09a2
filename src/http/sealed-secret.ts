import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Request } from 'express';
import { Conflict } from '../errors.ts';
import type { StoredResponse } from '../store/idempotency.ts';

const prefix = 'sealed:v1:';

/**
 * A secret in a create's answer (a bearer token, a consent link) is kept with its
 * `Idempotency-Key` so that a retry can show it again, yet the database keeps only hashes of
 * credentials. So the stored answer holds it sealed, with a key derived from what only the
 * caller holds: its own bearer token, with the idempotency key. A reader of the
 * database has neither; the same caller retrying has both.
 */
function keyFor(req: Request): Buffer {
  // The token alone, however the scheme is spelled or spaced.
  const credential = (req.get('authorization') ?? '').trim().split(/\s+/).at(-1) ?? '';
  return createHmac('sha256', credential)
    .update(`tiershift sealed answer\n${req.get('idempotency-key') ?? ''}`)
    .digest();
}

export function seal(req: Request, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(req), iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return `${prefix}${[iv, sealed, cipher.getAuthTag()].map((b) => b.toString('base64url')).join('.')}`;
}

function unseal(req: Request, value: string): string {
  const [iv, sealed, tag] = value.slice(prefix.length).split('.');
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      keyFor(req),
      Buffer.from(iv ?? '', 'base64url'),
    );
    decipher.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed ?? '', 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new Conflict(
      'secret_not_replayable',
      'The first answer to this key held a secret that only the token which sent that request can ' +
        'read again.',
    );
  }
}

/** The answer with the sealed `fields` of its body opened for the caller. */
export function revealSealed(
  req: Request,
  response: StoredResponse,
  fields: readonly string[],
): StoredResponse {
  const body = response.body;
  if (typeof body !== 'object' || body === null) return response;
  const opened: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const field of fields) {
    const value = opened[field];
    if (typeof value === 'string' && value.startsWith(prefix)) opened[field] = unseal(req, value);
  }
  return { ...response, body: opened };
}
