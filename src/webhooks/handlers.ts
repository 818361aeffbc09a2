import type { Knex } from 'knex';
import { deleteMessages, lockClaimed, type OutboxKind, type OutboxRow } from '../store/outbox.ts';
import { isSealed, type Secrets } from '../secrets/secrets.ts';
import {
  findSubscription,
  signingSecretContext,
  type SubscriptionRow,
} from '../store/webhook-subscriptions.ts';
import { fanOut, type FanOutContext } from './fan-out.ts';
import type { BatchHandler, HandlerResult, OutboxHandler } from './outbox-worker.ts';
import { postWebhook } from './post.ts';
import { signatureHeaders } from './signature.ts';
import type { Resolve, TargetPolicy } from './target.ts';

export interface WebhookHandlerOptions {
  db: Knex;
  secrets: Secrets;
  now: () => Date;
  publicUrl: string;
  retryForMs: number;
  timeoutMs: number;
  policy: TargetPolicy;
  /** How target names are resolved; the system's resolver unless a test says otherwise. */
  resolve?: Resolve;
}

/**
 * The handlers of the webhook messages: notices fanned out in batches (all database work),
 * deliveries sent one by one, side by side.
 */
export function webhookHandlers(options: WebhookHandlerOptions): {
  handlers: Partial<Record<OutboxKind, OutboxHandler>>;
  batchHandlers: Partial<Record<OutboxKind, BatchHandler>>;
} {
  return {
    handlers: { 'webhook.delivery': (message) => sendDelivery(options, message) },
    batchHandlers: {
      'webhook.notice': (messages, claimToken) => fanOutNotices(options, messages, claimToken),
    },
  };
}

/**
 * The notices are deleted in the transaction that writes their deliveries, and only while
 * this worker's claim on each holds: a notice fans out once, even when a lapsed claim was
 * taken over.
 */
async function fanOutNotices(
  options: WebhookHandlerOptions,
  messages: readonly OutboxRow[],
  claimToken: string,
): Promise<void> {
  await options.db.transaction(async (tx) => {
    const held = new Set(
      await lockClaimed(
        tx,
        messages.map((m) => m.id),
        claimToken,
      ),
    );
    const context: FanOutContext = {
      publicUrl: options.publicUrl,
      now: options.now(),
      retryForMs: options.retryForMs,
    };
    await fanOut(
      tx,
      messages.filter((m) => held.has(m.id)),
      context,
    );
    await deleteMessages(tx, [...held]);
  });
}

async function sendDelivery(
  options: WebhookHandlerOptions,
  message: OutboxRow,
): Promise<HandlerResult> {
  const subscription = message.subscription_id
    ? await findSubscription(options.db, message.subscription_id)
    : undefined;
  if (!subscription || subscription.status !== 'active') {
    // Not counted against it: the delivery waits, unclaimed, until it is enabled again.
    return { ok: false, error: 'the subscription is disabled' };
  }
  const body = typeof message.payload.body === 'string' ? message.payload.body : '';
  const at = options.now();
  const result = await postWebhook({
    url: subscription.url,
    headers: signatureHeaders(
      message.event_id ?? message.id,
      at,
      body,
      signingSecrets(subscription, at, options.secrets),
    ),
    body,
    timeoutMs: options.timeoutMs,
    policy: options.policy,
    resolve: options.resolve,
  });
  return result.ok
    ? { ok: true, responseStatus: result.status }
    : { ok: false, error: result.error, responseStatus: result.status };
}

/** The current secret, and the one it replaced while their overlap lasts, opened. */
export function signingSecrets(
  subscription: SubscriptionRow,
  at: Date,
  secrets: Secrets,
): string[] {
  const { previous_secret: previous, previous_secret_expires_at: until } = subscription;
  const stored =
    previous && until && until.getTime() > at.getTime()
      ? [subscription.secret, previous]
      : [subscription.secret];
  const context = signingSecretContext(subscription.id);
  // A secret in the clear was written by a build from before sealing (an instance not yet
  // replaced during an upgrade); the next start seals it.
  return stored.map((value) => (isSealed(value) ? secrets.open(value, context) : value));
}
