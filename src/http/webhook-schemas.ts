import { z } from 'zod';
import { webhookEventType, webhookEventTypes, type WebhookEventType } from '../webhooks/events.ts';
import { apiSchema } from './api-schema.ts';

const events = z
  .array(webhookEventType)
  .min(1)
  .max(webhookEventTypes.length)
  .refine((list) => new Set(list).size === list.length, 'each event at most once')
  .describe('the events to hear; see the `webhooks` section for what each carries');
const url = z
  .string()
  .min(1)
  .max(2048)
  .describe(
    'where to POST: https, a public address (http and loopback only when the server allows insecure targets)',
  );
const description = z.string().trim().max(500);

export const createWebhook = z.strictObject({
  url,
  events,
  description: description.optional(),
});

export const updateWebhook = z
  .strictObject({
    url: url.optional(),
    events: events.optional(),
    description: description.nullable().optional(),
    enabled: z
      .boolean()
      .optional()
      .describe('false disables it; true enables it again and clears why it was disabled'),
  })
  .refine((body) => Object.keys(body).length > 0, 'name at least one field to change');

export const rotateWebhookSecret = z.strictObject({
  overlapSeconds: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 3600)
    .default(24 * 3600)
    .describe('how long the old secret keeps signing beside the new one; a day if not given'),
});

export const webhookView = apiSchema(
  'Webhook',
  z.object({
    id: z.string(),
    url: z.string(),
    events: z.array(webhookEventType),
    description: z.string().nullable(),
    status: z.enum(['active', 'disabled']),
    disabledReason: z
      .string()
      .nullable()
      .describe('why it was disabled, by its owner or by failures'),
    disabledAt: z.string().nullable(),
    scope: z
      .enum(['admin', 'partner', 'provider'])
      .describe("whose workflows it hears: every one, its partner's, or what its provider may see"),
    partnerId: z.string().nullable(),
    providerId: z.string().nullable(),
    failedMessages: z
      .number()
      .int()
      .describe('messages given up in a row since the last delivered'),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .describe('while set and in the future, the previous secret signs too'),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);

export const webhookCreated = apiSchema(
  'WebhookCreated',
  webhookView.extend({
    secret: z.string().describe('`whsec_…`, shown once: verify signatures with it'),
  }),
);

export const webhookSecretRotated = apiSchema(
  'WebhookSecretRotated',
  z.object({
    id: z.string(),
    secret: z.string().describe('the new `whsec_…`, shown once'),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .describe('until then the old secret signs beside the new one; null without overlap'),
  }),
);

export const deliveryView = apiSchema(
  'WebhookDelivery',
  z.object({
    id: z.string(),
    eventId: z.string().describe('the `webhook-id` header: the same on every attempt'),
    eventType: webhookEventType,
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    responseStatus: z.number().int().nullable().describe('the HTTP status of the last attempt'),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    lastAttemptAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable().describe('when a pending delivery is tried next'),
    finishedAt: z.string().nullable().describe('when it was delivered or given up'),
  }),
);

export const deliveryQuery = z.strictObject({
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().optional(),
});

/** The body of one event type, for the document's `webhooks` section. */
export function webhookBodySchema(type: WebhookEventType, workflowSchema: z.ZodType) {
  return z.object({
    id: z.string().describe('the event id, also in `webhook-id`'),
    type: z.literal(type),
    timestamp: z.string().describe('when the step was recorded'),
    data: z.object({
      // The named component itself: described in the README, not re-described per event.
      workflow: workflowSchema,
      step: z.object({
        seq: z.number().int().describe('the history row that recorded the step'),
        event: z.string(),
        from: z.string().nullable(),
        to: z.string(),
        actorRole: z.string(),
      }),
    }),
    links: z.object({
      workflow: z.string(),
      history: z.string(),
      parent: z.string().optional(),
    }),
  });
}
