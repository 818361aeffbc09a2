import type { Knex } from 'knex';
import { canSeeWorkflow } from '../auth/scope.ts';
import { newId } from '../ids.ts';
import { insertOutbox, type NewOutboxRow, type OutboxRow } from '../store/outbox.ts';
import { subscribersTo } from '../store/webhook-subscriptions.ts';
import { findWorkflow } from '../store/workflows.ts';
import { webhookEventType } from './events.ts';
import { noticePayload, readerOf, rowAtStep, webhookBody } from './payload.ts';

export interface FanOutContext {
  publicUrl: string;
  now: Date;
  /** How long each delivery is tried before it is given up. */
  retryForMs: number;
}

/**
 * Turns a notice into one delivery per subscription that asked for its events and may see
 * its workflow, each with the body that reader may read. Runs in the transaction that
 * deletes the notice, so that it happens once; every delivery of one event shares its id.
 * Returns how many deliveries it wrote.
 */
export async function fanOut(
  tx: Knex.Transaction,
  message: OutboxRow,
  context: FanOutContext,
): Promise<number> {
  const notice = noticePayload.parse(message.payload);
  const subscriptions = await subscribersTo(tx, notice.events);
  if (subscriptions.length === 0) return 0;
  const current = await findWorkflow(tx, notice.workflowId);
  if (!current) return 0;
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
  await insertOutbox(tx, deliveries);
  return deliveries.length;
}
