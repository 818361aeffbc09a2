import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import { findDefinition } from '../../machines/registry.ts';
import { restore } from '../engine/engine.ts';
import { toUnsupportedView, toWorkflowView, type WorkflowView } from '../engine/workflow-view.ts';
import type { WorkflowRow } from '../store/workflows.ts';
import type { SubscriptionRow } from '../store/webhook-subscriptions.ts';
import type { WebhookEventType } from './events.ts';

/** What a notice keeps of the step it announces; written by the step's own statement. */
export const noticePayload = z.object({
  workflowId: z.string(),
  events: z.array(z.string()),
  step: z.object({
    seq: z.number().int(),
    type: z.string(),
    from: z.string().nullable(),
    to: z.string(),
    at: z.string(),
    actorRole: z.string(),
    providerId: z.string().nullable().optional(),
  }),
  row: z.object({
    snapshot: z.record(z.string(), z.unknown()),
    state: z.string(),
    status: z.enum(['active', 'done', 'cancelled']),
    version: z.number().int(),
    provider_id: z.string().nullable(),
    updated_at: z.string(),
  }),
});
export type NoticePayload = z.infer<typeof noticePayload>;

/** The body every webhook carries (the OpenAPI document's `webhooks` describe it). */
export interface WebhookBody {
  id: string;
  type: WebhookEventType;
  timestamp: string;
  data: {
    workflow: WorkflowView;
    step: { seq: number; event: string; from: string | null; to: string; actorRole: string };
  };
  links: { workflow: string; history: string; parent?: string };
}

/** The workflow as the step left it: the row's fixed columns, the notice's moving ones. */
export function rowAtStep(current: WorkflowRow, notice: NoticePayload): WorkflowRow {
  return {
    ...current,
    snapshot: notice.row.snapshot,
    state: notice.row.state,
    status: notice.row.status,
    version: notice.row.version,
    provider_id: notice.row.provider_id,
    updated_at: new Date(notice.row.updated_at),
    history_length: notice.step.seq,
  };
}

/**
 * Whose eyes a subscription sees with: an admin's, a partner's manager's, or its provider's.
 * Deliveries are filtered, and bill-to withheld, exactly as the API would for that reader.
 */
export function readerOf(subscription: SubscriptionRow): Principal {
  const name = `webhook ${subscription.id}`;
  switch (subscription.scope) {
    case 'admin':
      return { id: subscription.id, name, role: 'admin', partnerId: null, providerId: null };
    case 'partner':
      return {
        id: subscription.id,
        name,
        role: 'manager',
        partnerId: subscription.partner_id,
        providerId: null,
      };
    case 'provider':
      return {
        id: subscription.id,
        name,
        role: 'provider',
        partnerId: null,
        providerId: subscription.provider_id,
      };
  }
}

/** One event's body for one reader. */
export function webhookBody(
  event: { id: string; type: WebhookEventType },
  row: WorkflowRow,
  notice: NoticePayload,
  reader: Principal,
  publicUrl: string,
): WebhookBody {
  const base = publicUrl.replace(/\/+$/, '');
  const workflowUrl = `${base}/v1/workflows/${encodeURIComponent(row.id)}`;
  const { step } = notice;
  return {
    id: event.id,
    type: event.type,
    timestamp: step.at,
    data: {
      workflow: viewAt(row, reader, new Date(step.at)),
      step: {
        seq: step.seq,
        event: step.type,
        from: step.from,
        to: step.to,
        actorRole: step.actorRole,
      },
    },
    links: {
      workflow: workflowUrl,
      history: `${workflowUrl}/history`,
      ...(row.parent_id
        ? { parent: `${base}/v1/workflows/${encodeURIComponent(row.parent_id)}` }
        : {}),
    },
  };
}

function viewAt(row: WorkflowRow, reader: Principal, at: Date): WorkflowView {
  const definition = findDefinition(row.machine);
  if (!definition || definition.version !== row.machine_version) return toUnsupportedView(row);
  return toWorkflowView(row, definition, restore(definition, row), at, reader);
}
