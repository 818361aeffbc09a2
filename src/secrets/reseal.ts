import type { Knex } from 'knex';
import {
  connectionSecretContext,
  ownerOf,
  storedConnectionSecrets,
  updateSealedConnection,
  type SealedField,
} from '../store/partner-center-connections.ts';
import {
  signingSecretContext,
  storedSigningSecrets,
  updateSubscription,
} from '../store/webhook-subscriptions.ts';
import { isSealed, sealedKeyId, type Secrets } from './secrets.ts';

type Kind = 'webhook signing secret' | 'Partner Center credential';

interface Unreadable {
  kind: Kind;
  keyId: string | undefined;
  reason: 'unknown_key' | 'damaged' | 'not_sealed';
}

/**
 * Stored secrets that no configured key opens. Starting anyway would fail every delivery
 * and every call to Partner Center, and disable the webhooks one by one: the start stops,
 * naming the keys the values need.
 */
export class StoredSecretsUnreadable extends Error {
  constructor(unreadable: readonly Unreadable[], secrets: Secrets) {
    const groups = new Map<string, { kind: Kind; why: string; count: number }>();
    for (const u of unreadable) {
      const why =
        u.reason === 'unknown_key'
          ? `sealed under key ${u.keyId}`
          : u.reason === 'damaged'
            ? `not opening under key ${u.keyId} (changed after sealing)`
            : 'stored in the clear where only sealed values belong';
      const group = groups.get(`${u.kind}\n${why}`) ?? { kind: u.kind, why, count: 0 };
      group.count += 1;
      groups.set(`${u.kind}\n${why}`, group);
    }
    const listed = [...groups.values()]
      .map((g) => `${g.count} ${g.kind}${g.count === 1 ? '' : 's'} ${g.why}`)
      .join('; ');
    const previous = secrets.previousKeyId ? `key ${secrets.previousKeyId}` : 'unset';
    super(
      `Stored secrets cannot be opened with the keys configured (SECRETS_KEY is key ${secrets.keyId}, ` +
        `SECRETS_KEY_PREVIOUS ${previous}): ${listed}. Set SECRETS_KEY_PREVIOUS to the key they ` +
        'were sealed under; if it is lost, see "Partner Center credentials" in the README.',
    );
    this.name = 'StoredSecretsUnreadable';
  }
}

/**
 * Brings every stored secret under the current key, at start, under the migration lock:
 * values sealed under SECRETS_KEY_PREVIOUS are sealed again, and webhook signing secrets
 * stored in the clear before sealing began are sealed for the first time. All or nothing:
 * when any value cannot be opened, nothing changes and `StoredSecretsUnreadable` says why.
 * Only the rows to change are locked, so a start with nothing to do holds no row.
 * Returns how many values were sealed anew.
 */
export async function resealStoredSecrets(db: Knex, secrets: Secrets): Promise<number> {
  const stale = (value: string | null) => value !== null && !secrets.isCurrent(value);
  const subscriptions = (await storedSigningSecrets(db))
    .filter((r) => stale(r.secret) || stale(r.previous_secret))
    .map((r) => r.id);
  const connections = (await storedConnectionSecrets(db))
    .filter((r) => stale(r.client_secret) || stale(r.refresh_token))
    .map((r) => r.id);
  if (subscriptions.length === 0 && connections.length === 0) return 0;

  return db.transaction(async (tx) => {
    const unreadable: Unreadable[] = [];
    let resealed = 0;
    const again = (kind: Kind, value: string, context: string, clearAllowed: boolean) => {
      if (secrets.isCurrent(value)) return undefined;
      if (!isSealed(value)) {
        if (clearAllowed) return secrets.seal(value, context);
        unreadable.push({ kind, keyId: undefined, reason: 'not_sealed' });
        return undefined;
      }
      const keyId = sealedKeyId(value);
      if (!secrets.canOpen(value)) {
        unreadable.push({ kind, keyId, reason: 'unknown_key' });
        return undefined;
      }
      try {
        return secrets.seal(secrets.open(value, context), context);
      } catch {
        unreadable.push({ kind, keyId, reason: 'damaged' });
        return undefined;
      }
    };

    // Read again under the lock: a row may have changed since the first look.
    for (const row of await storedSigningSecrets(tx, { ids: subscriptions, lock: true })) {
      const context = signingSecretContext(row.id);
      const change: { secret?: string; previous_secret?: string } = {};
      const secret = again('webhook signing secret', row.secret, context, true);
      if (secret !== undefined) change.secret = secret;
      if (row.previous_secret !== null) {
        const previous = again('webhook signing secret', row.previous_secret, context, true);
        if (previous !== undefined) change.previous_secret = previous;
      }
      if (Object.keys(change).length > 0) {
        await updateSubscription(tx, row.id, change);
        resealed += Object.keys(change).length;
      }
    }

    for (const row of await storedConnectionSecrets(tx, { ids: connections, lock: true })) {
      const owner = ownerOf(row);
      const change: Partial<Record<SealedField, string>> = {};
      for (const field of ['client_secret', 'refresh_token'] as const) {
        const value = again(
          'Partner Center credential',
          row[field],
          connectionSecretContext(owner, field),
          false,
        );
        if (value !== undefined) change[field] = value;
      }
      if (Object.keys(change).length > 0) {
        await updateSealedConnection(tx, row.id, change);
        resealed += Object.keys(change).length;
      }
    }

    if (unreadable.length > 0) throw new StoredSecretsUnreadable(unreadable, secrets);
    return resealed;
  });
}
