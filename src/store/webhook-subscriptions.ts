import type { Knex } from 'knex';

/** Whose workflows a subscription hears: every one, a partner's, or what a provider sees. */
export type SubscriptionScope = 'admin' | 'partner' | 'provider';
export type SubscriptionStatus = 'active' | 'disabled';

export interface SubscriptionRow {
  id: string;
  scope: SubscriptionScope;
  partner_id: string | null;
  provider_id: string | null;
  url: string;
  events: string[];
  description: string | null;
  status: SubscriptionStatus;
  disabled_reason: string | null;
  disabled_at: Date | null;
  /** Sealed (`enc:v1:…`) under SECRETS_KEY; in the clear only in rows older than sealing. */
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  failed_messages: number;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

/**
 * Where a subscription's signing secrets belong. The current and the previous secret share
 * it: a rotation moves the sealed value from one column to the other as it is.
 */
export function signingSecretContext(subscriptionId: string): string {
  return `webhook_subscriptions:${subscriptionId}:signing secret`;
}

export type NewSubscription = Omit<
  SubscriptionRow,
  | 'status'
  | 'disabled_reason'
  | 'disabled_at'
  | 'previous_secret'
  | 'previous_secret_expires_at'
  | 'failed_messages'
>;

/** Who may see and manage a subscription: an admin any, the others their own scope's. */
export interface SubscriptionOwner {
  scope: SubscriptionScope;
  partnerId: string | null;
  providerId: string | null;
}

export async function insertSubscription(db: Knex, row: NewSubscription): Promise<SubscriptionRow> {
  const [stored] = await db<SubscriptionRow>('webhook_subscriptions').insert(row).returning('*');
  if (!stored) throw new Error(`Subscription ${row.id} was not stored`);
  return stored;
}

function owned(q: Knex.QueryBuilder, owner: SubscriptionOwner | undefined): Knex.QueryBuilder {
  if (!owner || owner.scope === 'admin') return q;
  return owner.scope === 'partner'
    ? q.where({ scope: 'partner', partner_id: owner.partnerId })
    : q.where({ scope: 'provider', provider_id: owner.providerId });
}

/** A subscription its `owner` may see (any, when no owner is given). */
export async function findSubscription(
  db: Knex,
  id: string,
  owner?: SubscriptionOwner,
  forUpdate = false,
): Promise<SubscriptionRow | undefined> {
  const q = owned(db<SubscriptionRow>('webhook_subscriptions').where({ id }), owner).first();
  return (forUpdate ? q.forUpdate() : q) as Promise<SubscriptionRow | undefined>;
}

export async function listSubscriptions(
  db: Knex,
  owner: SubscriptionOwner | undefined,
  limit: number,
  after?: string,
): Promise<SubscriptionRow[]> {
  const q = owned(db<SubscriptionRow>('webhook_subscriptions'), owner);
  if (after !== undefined) q.andWhere('id', '>', after);
  return q.orderBy('id').limit(limit) as Promise<SubscriptionRow[]>;
}

/**
 * How many subscriptions `owner` holds: its own scope's only (an admin sees every
 * subscription, but holds only the admin ones). Takes a lock on the owner until the
 * transaction ends, so that two creates cannot both count below the limit and both insert.
 */
export async function lockAndCountSubscriptions(
  tx: Knex.Transaction,
  owner: SubscriptionOwner,
): Promise<number> {
  const held = { scope: owner.scope, partner_id: owner.partnerId, provider_id: owner.providerId };
  await tx.raw('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [
    `webhook_subscriptions:${JSON.stringify(held)}`,
  ]);
  const row = (await tx('webhook_subscriptions').where(held).count({ n: '*' }).first()) as
    { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}

/** The active subscriptions that asked for any of `events`. */
export async function subscribersTo(
  db: Knex,
  events: readonly string[],
): Promise<SubscriptionRow[]> {
  return db<SubscriptionRow>('webhook_subscriptions')
    .where('status', 'active')
    .andWhereRaw('events && ?::text[]', [events as string[]])
    .orderBy('id');
}

export async function updateSubscription(
  db: Knex,
  id: string,
  change: Partial<SubscriptionRow>,
): Promise<SubscriptionRow> {
  const [row] = await db<SubscriptionRow>('webhook_subscriptions')
    .where({ id })
    .update(change)
    .returning('*');
  if (!row) throw new Error(`Subscription ${id} vanished under its lock`);
  return row;
}

export async function deleteSubscription(db: Knex, id: string): Promise<void> {
  await db('webhook_subscriptions').where({ id }).delete();
}

/**
 * Counts a message given up for good: after `disableAfter` in a row the subscription is
 * disabled, with why, so that a dead receiver stops costing attempts. Returns the row after.
 */
export async function countFailedMessage(
  db: Knex,
  id: string,
  disableAfter: number,
  at: Date,
  lastError: string,
): Promise<SubscriptionRow | undefined> {
  return db.transaction(async (tx) => {
    const row = await findSubscription(tx, id, undefined, true);
    if (!row) return undefined;
    const failed = row.failed_messages + 1;
    const disable = row.status === 'active' && failed >= disableAfter;
    return updateSubscription(tx, id, {
      failed_messages: failed,
      ...(disable
        ? {
            status: 'disabled',
            disabled_at: at,
            disabled_reason: `Disabled after ${failed} messages in a row could not be delivered; the last: ${lastError}`,
          }
        : {}),
    });
  });
}

/** A delivered message ends a run of failures. */
export async function countDeliveredMessage(db: Knex, id: string): Promise<void> {
  await db('webhook_subscriptions')
    .where({ id })
    .andWhere('failed_messages', '>', 0)
    .update({ failed_messages: 0 });
}

/**
 * Subscriptions' signing secrets as stored, for sealing them again under a new key: every
 * one, or those of `ids`, locked until the transaction ends.
 */
export async function storedSigningSecrets(
  db: Knex,
  only?: { ids: readonly string[]; lock: true },
): Promise<Array<Pick<SubscriptionRow, 'id' | 'secret' | 'previous_secret'>>> {
  const q = db<SubscriptionRow>('webhook_subscriptions')
    .select('id', 'secret', 'previous_secret')
    .orderBy('id');
  return only ? q.whereIn('id', only.ids).forUpdate() : q;
}
