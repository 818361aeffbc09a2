import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Metrics } from '../observability/metrics.ts';
import { countDeliveredMessage, countFailedMessage } from '../store/webhook-subscriptions.ts';
import { webhookHandlers } from './handlers.ts';
import { startOutboxWorker, type OutboxHandler, type OutboxWorker } from './outbox-worker.ts';
import type { OutboxKind } from '../store/outbox.ts';
import type { Secrets } from '../secrets/secrets.ts';
import type { Resolve } from './target.ts';

const keepFinishedMs = 30 * 24 * 60 * 60 * 1000;

export interface WebhookWorkerDeps {
  db: Knex;
  /** Opens the signing secrets, sealed in the database. */
  secrets: Secrets;
  config: Pick<
    Config,
    | 'PUBLIC_URL'
    | 'WEBHOOK_ALLOW_INSECURE'
    | 'WEBHOOK_TIMEOUT_MS'
    | 'WEBHOOK_RETRY_FOR_MS'
    | 'WEBHOOK_RETRY_BASE_MS'
    | 'WEBHOOK_RETRY_MAX_MS'
    | 'WEBHOOK_DISABLE_AFTER'
    | 'OUTBOX_INTERVAL_MS'
    | 'OUTBOX_CONCURRENCY'
  >;
  logger: Logger;
  now: () => Date;
  metrics?: Pick<Metrics, 'webhookAttempt'>;
  resolve?: Resolve;
  /** Handlers of other kinds carried by the same worker (Partner Center's steps). */
  handlers?: Partial<Record<OutboxKind, OutboxHandler>>;
  /** The longest an attempt of those may take; their claims outlast it. */
  leaseMs?: number;
}

/**
 * The outbox worker with the webhook handlers: fans notices out to subscriptions, sends
 * deliveries, and disables a subscription whose messages keep failing.
 */
export function startWebhookWorker({
  db,
  secrets,
  config,
  logger,
  now,
  metrics,
  resolve,
  handlers = {},
  leaseMs,
}: WebhookWorkerDeps): OutboxWorker {
  const webhooks = webhookHandlers({
    db,
    secrets,
    now,
    publicUrl: config.PUBLIC_URL,
    retryForMs: config.WEBHOOK_RETRY_FOR_MS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    policy: { allowInsecure: config.WEBHOOK_ALLOW_INSECURE },
    resolve,
  });
  return startOutboxWorker({
    db,
    now,
    logger,
    handlers: { ...webhooks.handlers, ...handlers },
    batchHandlers: webhooks.batchHandlers,
    intervalMs: config.OUTBOX_INTERVAL_MS,
    concurrency: config.OUTBOX_CONCURRENCY,
    // Past any attempt's time-out, name resolution included, with room to record it.
    leaseMs: 2 * config.WEBHOOK_TIMEOUT_MS + 5000,
    // The other kinds' claims last as long as their own attempts, and no longer: a webhook
    // held by a dead worker is not kept waiting on a Partner Center call's patience.
    leaseMsByKind:
      leaseMs === undefined
        ? {}
        : Object.fromEntries(Object.keys(handlers).map((kind) => [kind, leaseMs])),
    retry: { baseMs: config.WEBHOOK_RETRY_BASE_MS, maxMs: config.WEBHOOK_RETRY_MAX_MS },
    keepFinishedMs,
    onAttempt(message, outcome) {
      if (message.kind === 'webhook.delivery') metrics?.webhookAttempt(outcome);
    },
    async onGivenUp(message, error) {
      if (!message.subscription_id) return;
      const subscription = await countFailedMessage(
        db,
        message.subscription_id,
        config.WEBHOOK_DISABLE_AFTER,
        now(),
        error,
      );
      if (
        subscription?.status === 'disabled' &&
        subscription.failed_messages === config.WEBHOOK_DISABLE_AFTER
      )
        logger.warn(
          { subscriptionId: subscription.id, reason: subscription.disabled_reason },
          'webhook subscription disabled',
        );
    },
    async onDelivered(message) {
      if (message.subscription_id) await countDeliveredMessage(db, message.subscription_id);
    },
  });
}
