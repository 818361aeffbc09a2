import type { Knex } from 'knex';
import { canSeeWorkflow } from '../auth/scope.ts';
import { newId } from '../ids.ts';
import { insertOutbox, type NewOutboxRow, type OutboxRow } from '../store/outbox.ts';
import { subscribersTo, type SubscriptionRow } from '../store/webhook-subscriptions.ts';
import { findWorkflow } from '../store/workflows.ts';
import { webhookEventType, type WebhookEventType } from './events.ts';
import { noticePayload, readerOf, rowAtStep, webhookBody, type NoticePayload } from './payload.ts';

export interface FanOutContext {
  publicUrl: string;
  now: Date;
  /** How long each delivery is tried before it is given up. */
  retryForMs: number;
}

/**
 * Turns notices into one delivery per subscription that asked for an event and may see its
 * workflow, each with the body that reader may read. Runs in the transaction that deletes
 * the notices, so that it happens once; every delivery of one event shares its id. Returns
 * how many deliveries it wrote.
 */
export async function fanOut(
  tx: Knex.Transaction,
  messages: readonly OutboxRow[],
  context: FanOutContext,
): Promise<number> {
  const notices = messages.map((m) => noticePayload.parse(m.payload));
  const events = [...new Set(notices.flatMap((n) => n.events))];
  // Most notices find nobody: one read of the subscriptions serves the whole batch.
  const subscriptions = events.length > 0 ? await subscribersTo(tx, events) : [];
  if (subscriptions.length === 0) return 0;
  const deliveries: NewOutboxRow[] = [];
  for (const notice of notices) {
    const listeners = subscriptions.filter((s) => notice.events.some((e) => s.events.includes(e)));
    if (listeners.length > 0)
      deliveries.push(...(await deliveriesOf(tx, notice, listeners, context)));
  }
  await insertOutbox(tx, deliveries);
  return deliveries.length;
}

async function deliveriesOf(
  tx: Knex.Transaction,
  notice: NoticePayload,
  subscriptions: readonly SubscriptionRow[],
  context: FanOutContext,
): Promise<NewOutboxRow[]> {
  const current = await findWorkflow(tx, notice.workflowId);
  if (!current) return [];
  const row = rowAtStep(current, notice);
  const events = notice.events.flatMap((type) => {
    const parsed = webhookEventType.safeParse(type);
    return parsed.success ? [{ id: newId('evt'), type: parsed.data }] : [];
  });
  const giveUpAt = new Date(context.now.getTime() + context.retryForMs);
  const deliveries: NewOutboxRow[] = [];
  for (const subscription of subscriptions) {
    const reader = readerOf(subscription);
    if (!(await canSeeWorkflow(tx, reader, row))) continue;
    for (const event of events) {
      if (!subscription.events.includes(event.type)) continue;
      if (concernsAnotherProvider(event.type, notice, subscription)) continue;
      const body = webhookBody(event, row, notice, reader, context.publicUrl);
      deliveries.push({
        id: newId('msg'),
        kind: 'webhook.delivery',
        payload: { body: JSON.stringify(body) },
        next_attempt_at: context.now,
        give_up_at: giveUpAt,
        created_at: context.now,
        subscription_id: subscription.id,
        event_id: event.id,
        event_type: event.type,
      });
    }
  }
  return deliveries;
}

/**
 * A provider asked once may read its transition for good, and so hears its state changes;
 * but a partnership request or acceptance naming another provider is not news for it.
 */
function concernsAnotherProvider(
  type: WebhookEventType,
  notice: NoticePayload,
  subscription: SubscriptionRow,
): boolean {
  const named = notice.step.providerId;
  return (
    subscription.scope === 'provider' &&
    (type === 'partnership.requested' || type === 'partnership.invitation_accepted') &&
    typeof named === 'string' &&
    named !== subscription.provider_id
  );
}
