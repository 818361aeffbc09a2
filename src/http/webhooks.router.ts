import { Router, type Request } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import { withTransactionRetry } from '../engine/retry.ts';
import { Forbidden, NotFound, RequirementUnmet } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Database } from '../store/database.ts';
import { findDelivery, listDeliveries, redeliver, type OutboxRow } from '../store/outbox.ts';
import {
  lockAndCountSubscriptions,
  deleteSubscription,
  findSubscription,
  insertSubscription,
  listSubscriptions,
  signingSecretContext,
  updateSubscription,
  type SubscriptionOwner,
  type SubscriptionRow,
} from '../store/webhook-subscriptions.ts';
import type { Secrets } from '../secrets/secrets.ts';
import { newSigningSecret } from '../webhooks/signature.ts';
import { addressProblem, systemResolve, urlProblem, type Resolve } from '../webhooks/target.ts';
import type { TargetPolicy } from '../webhooks/target.ts';
import { decodeCursor, encodeCursor, limitParam } from './cursor.ts';
import { idempotentCreate, sendStored } from './idempotent-create.ts';
import type { ApiCatalog } from './openapi.ts';
import { page, workflow } from './schemas.ts';
import { revealSealed, seal } from './sealed-secret.ts';
import { parseBody, parseWith } from './validate.ts';
import {
  createWebhook,
  deliveryQuery,
  deliveryView,
  rotateWebhookSecret,
  updateWebhook,
  webhookCreated,
  webhookSecretRotated,
  webhookBodySchema,
  webhookView,
} from './webhook-schemas.ts';
import { webhookEventMeanings, webhookEventTypes } from '../webhooks/events.ts';

/** Subscriptions one owner may hold: enough for every tool, too few to flood the fan-out. */
export const maxSubscriptionsPerOwner = 25;

const writers = ['admin', 'manager', 'global_admin', 'provider'] as const;
const listQuery = z.strictObject({ limit: limitParam, cursor: z.string().optional() });
const idCursor = z.object({ id: z.string() });
const deliveryCursor = z.object({ createdAt: z.iso.datetime(), id: z.string() });

export interface WebhookRouterDeps {
  db: Database;
  /** Signing secrets are stored sealed: shown once in the clear, kept only sealed. */
  secrets: Secrets;
  catalog: ApiCatalog;
  now: () => Date;
  policy: TargetPolicy;
  /** How long a redelivered message is tried again. */
  retryForMs: number;
  resolve?: Resolve;
}

/** Webhook subscriptions: who hears what, their secrets, and the log of their deliveries. */
export function createWebhookRouter({
  db,
  secrets,
  catalog,
  now,
  policy,
  retryForMs,
  resolve = systemResolve,
}: WebhookRouterDeps): Router {
  const router = Router();
  const checkTarget = (url: string) => targetRefusal(url, policy, resolve);

  for (const type of webhookEventTypes) {
    catalog.addWebhook({
      name: type,
      summary: webhookEventMeanings[type],
      description:
        'Sent to every active subscription that asked for it and whose owner may read the workflow. Signed by the Standard Webhooks scheme; delivered at least once, so deduplicate on `webhook-id`.',
      body: webhookBodySchema(type, workflow),
      bodyName: `WebhookEvent${type
        .split(/[._]/)
        .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
        .join('')}`,
    });
  }

  catalog.add({
    method: 'post',
    path: '/v1/webhooks',
    operationId: 'createWebhook',
    tag: 'Webhooks',
    summary: 'Subscribes a URL to events, and shows its signing secret once',
    roles:
      'provider (what it may see), manager or global_admin (their partner’s workflows), admin (every workflow)',
    description:
      'Each event reaches the subscription only for workflows its owner may read, shown as the API shows them to that owner (bill-to withheld from a provider until it was shared). The URL must be https and resolve to public addresses; it is checked again at every delivery.',
    body: createWebhook,
    examples: {
      readme: {
        summary: 'A distributor hears what waits for it',
        value: {
          url: 'https://hooks.distributor.example/tiershift',
          events: ['partnership.requested', 'mca.acceptance_requested', 'transfer.request_needed'],
          description: 'provisioning queue',
        },
      },
    },
    response: { status: 201, schema: webhookCreated },
    errors: [400, 401, 403, 422],
    idempotent: true,
  });
  router.post('/v1/webhooks', async (req, res) => {
    const response = await idempotentCreate(db, req, now, async (tx) => {
      const principal = requireRole(req, writers);
      const body = parseBody(createWebhook, req.body);
      await checkTarget(body.url);
      const owner = ownerOf(principal);
      if ((await lockAndCountSubscriptions(tx, owner)) >= maxSubscriptionsPerOwner) {
        throw new RequirementUnmet(
          ['webhook_limit_reached'],
          `At most ${maxSubscriptionsPerOwner} subscriptions per owner; delete one first.`,
        );
      }
      const at = now();
      const secret = newSigningSecret();
      const id = newId('whk');
      const row = await insertSubscription(tx, {
        id,
        scope: owner.scope,
        partner_id: owner.partnerId,
        provider_id: owner.providerId,
        url: body.url,
        events: body.events,
        description: body.description ?? null,
        secret: secrets.seal(secret, signingSecretContext(id)),
        created_by: principal.id,
        created_at: at,
        updated_at: at,
      });
      return {
        status: 201,
        headers: { Location: `/v1/webhooks/${row.id}` },
        body: { ...toWebhookView(row), secret: seal(req, secret) },
      };
    });
    sendStored(res, revealSealed(req, response, ['secret']));
  });

  catalog.add({
    method: 'get',
    path: '/v1/webhooks',
    operationId: 'listWebhooks',
    tag: 'Webhooks',
    summary: 'Lists the subscriptions the caller may see, oldest id first; secrets never shown',
    roles: 'provider, manager, global_admin (their own scope’s), admin, auditor (all)',
    query: listQuery,
    response: { status: 200, schema: page(webhookView) },
    errors: [401, 422],
  });
  router.get('/v1/webhooks', async (req, res) => {
    const owner = readerScope(principalOf(req));
    const query = parseWith(listQuery, req.query);
    const after = decodeCursor(idCursor, query.cursor);
    const rows = await listSubscriptions(db, owner, query.limit + 1, after?.id);
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    res.json({
      items: shown.map(toWebhookView),
      nextCursor: last && rows.length > query.limit ? encodeCursor({ id: last.id }) : null,
    });
  });

  catalog.add({
    method: 'get',
    path: '/v1/webhooks/:id',
    operationId: 'getWebhook',
    tag: 'Webhooks',
    summary: 'One subscription: where it goes, what it hears, whether and why it was disabled',
    roles: 'provider, manager, global_admin of its owner’s scope; admin; auditor',
    response: { status: 200, schema: webhookView },
    errors: [401, 404],
  });
  router.get('/v1/webhooks/:id', async (req, res) => {
    res.json(toWebhookView(await visibleSubscription(db, req, readerScope(principalOf(req)))));
  });

  catalog.add({
    method: 'patch',
    path: '/v1/webhooks/:id',
    operationId: 'updateWebhook',
    tag: 'Webhooks',
    summary: 'Changes the URL, the events or the description; disables or enables it again',
    roles: 'provider, manager, global_admin of its owner’s scope; admin',
    description:
      'Enabling a subscription clears why it was disabled and its count of failed messages; deliveries that waited while it was disabled go out again.',
    body: updateWebhook,
    examples: {
      readme: { summary: 'Back on after the receiver was fixed', value: { enabled: true } },
    },
    response: { status: 200, schema: webhookView },
    errors: [400, 401, 403, 404, 422],
  });
  router.patch('/v1/webhooks/:id', async (req, res) => {
    const principal = requireRole(req, writers);
    const body = parseBody(updateWebhook, req.body);
    if (body.url !== undefined) await checkTarget(body.url);
    const row = await withTransactionRetry(() =>
      db.transaction(async (tx) => {
        const current = await visibleSubscription(tx, req, ownerOf(principal), true);
        const at = now();
        const change: Partial<SubscriptionRow> = { updated_at: at };
        if (body.url !== undefined) change.url = body.url;
        if (body.events !== undefined) change.events = body.events;
        if (body.description !== undefined) change.description = body.description;
        if (body.enabled === false && current.status === 'active') {
          Object.assign(change, {
            status: 'disabled',
            disabled_at: at,
            disabled_reason: `Disabled by ${principal.name}.`,
          });
        } else if (body.enabled === true && current.status === 'disabled') {
          Object.assign(change, {
            status: 'active',
            disabled_at: null,
            disabled_reason: null,
            failed_messages: 0,
          });
        }
        return updateSubscription(tx, current.id, change);
      }),
    );
    res.json(toWebhookView(row));
  });

  catalog.add({
    method: 'delete',
    path: '/v1/webhooks/:id',
    operationId: 'deleteWebhook',
    tag: 'Webhooks',
    summary: 'Deletes a subscription with its delivery log; nothing more is sent to it',
    roles: 'provider, manager, global_admin of its owner’s scope; admin',
    otherResponses: [{ status: 204, description: 'Deleted', types: {} }],
    errors: [401, 403, 404],
  });
  router.delete('/v1/webhooks/:id', async (req, res) => {
    const principal = requireRole(req, writers);
    await withTransactionRetry(() =>
      db.transaction(async (tx) => {
        const row = await visibleSubscription(tx, req, ownerOf(principal), true);
        await deleteSubscription(tx, row.id);
      }),
    );
    res.status(204).end();
  });

  catalog.add({
    method: 'post',
    path: '/v1/webhooks/:id/rotate',
    operationId: 'rotateWebhookSecret',
    tag: 'Webhooks',
    summary:
      'Gives a subscription a new signing secret, shown once; the old one signs beside it until the overlap ends',
    roles: 'provider, manager, global_admin of its owner’s scope; admin',
    description:
      'During the overlap every delivery carries two signatures in `webhook-signature`, one per secret, so a receiver verifies with whichever it holds while it switches.',
    body: rotateWebhookSecret,
    examples: { readme: { summary: 'An hour to switch', value: { overlapSeconds: 3600 } } },
    response: { status: 201, schema: webhookSecretRotated },
    errors: [400, 401, 403, 404, 422],
    idempotent: true,
  });
  router.post('/v1/webhooks/:id/rotate', async (req, res) => {
    const response = await idempotentCreate(db, req, now, async (tx) => {
      const principal = requireRole(req, writers);
      const body = parseWith(rotateWebhookSecret, req.body ?? {});
      const current = await visibleSubscription(tx, req, ownerOf(principal), true);
      const at = now();
      const until = new Date(at.getTime() + body.overlapSeconds * 1000);
      const secret = newSigningSecret();
      const overlap = body.overlapSeconds > 0;
      await updateSubscription(tx, current.id, {
        secret: secrets.seal(secret, signingSecretContext(current.id)),
        // Moved as stored: sealed for this subscription, it opens from either column.
        previous_secret: overlap ? current.secret : null,
        previous_secret_expires_at: overlap ? until : null,
        updated_at: at,
      });
      return {
        status: 201,
        headers: {},
        body: {
          id: current.id,
          secret: seal(req, secret),
          previousSecretExpiresAt: overlap ? until.toISOString() : null,
        },
      };
    });
    sendStored(res, revealSealed(req, response, ['secret']));
  });

  catalog.add({
    method: 'get',
    path: '/v1/webhooks/:id/deliveries',
    operationId: 'listWebhookDeliveries',
    tag: 'Webhooks',
    summary:
      'The delivery log, newest first: each message, its status, attempts, last response and next attempt',
    roles: 'provider, manager, global_admin of its owner’s scope; admin; auditor',
    description: 'Delivered and failed messages are kept 30 days.',
    query: deliveryQuery,
    response: { status: 200, schema: page(deliveryView) },
    errors: [401, 404, 422],
  });
  router.get('/v1/webhooks/:id/deliveries', async (req, res) => {
    const subscription = await visibleSubscription(db, req, readerScope(principalOf(req)));
    const query = parseWith(deliveryQuery, req.query);
    const before = decodeCursor(deliveryCursor, query.cursor);
    const rows = await listDeliveries(db, subscription.id, {
      status: query.status,
      limit: query.limit + 1,
      before: before && { createdAt: new Date(before.createdAt), id: before.id },
    });
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    res.json({
      items: shown.map(toDeliveryView),
      nextCursor:
        last && rows.length > query.limit
          ? encodeCursor({ createdAt: last.created_at.toISOString(), id: last.id })
          : null,
    });
  });

  catalog.add({
    method: 'post',
    path: '/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    operationId: 'redeliverWebhook',
    tag: 'Webhooks',
    summary:
      'Sends a delivery again now, with the same event id and body, and a fresh window of retries',
    roles: 'provider, manager, global_admin of its owner’s scope; admin',
    response: { status: 202, schema: deliveryView },
    errors: [401, 403, 404],
  });
  router.post('/v1/webhooks/:id/deliveries/:deliveryId/redeliver', async (req, res) => {
    const principal = requireRole(req, writers);
    const row = await withTransactionRetry(() =>
      db.transaction(async (tx) => {
        const subscription = await visibleSubscription(tx, req, ownerOf(principal));
        const delivery = await findDelivery(tx, subscription.id, req.params.deliveryId, true);
        if (!delivery) throw new NotFound('delivery');
        const at = now();
        return redeliver(tx, delivery.id, at, new Date(at.getTime() + retryForMs));
      }),
    );
    res.status(202).json(toDeliveryView(row));
  });

  return router;
}

/** Whose subscriptions a writer holds; its new ones are created in that scope. */
function ownerOf(principal: Principal): SubscriptionOwner {
  switch (principal.role) {
    case 'admin':
      return { scope: 'admin', partnerId: null, providerId: null };
    case 'manager':
    case 'global_admin':
      return { scope: 'partner', partnerId: principal.partnerId, providerId: null };
    case 'provider':
      return { scope: 'provider', partnerId: null, providerId: principal.providerId };
    default:
      throw new Forbidden(
        'Only providers, a partner’s managers and Global admins, and admins hold webhooks.',
      );
  }
}

/** What a reader may see: an auditor every subscription, a writer those it could manage. */
function readerScope(principal: Principal): SubscriptionOwner | undefined {
  return principal.role === 'auditor' ? undefined : ownerOf(principal);
}

async function visibleSubscription(
  db: Knex,
  req: Request,
  owner: SubscriptionOwner | undefined,
  forUpdate = false,
): Promise<SubscriptionRow> {
  const row = await findSubscription(db, String(req.params.id), owner, forUpdate);
  if (!row) throw new NotFound('webhook');
  return row;
}

/**
 * Why a target is refused at registration, as a 422. The URL must be allowed, and a name
 * that resolves now must resolve to allowed addresses only; a name that does not resolve
 * yet is accepted, since every delivery checks what it resolves to then.
 */
async function targetRefusal(url: string, policy: TargetPolicy, resolve: Resolve): Promise<void> {
  const refuse = (detail: string) => {
    throw new RequirementUnmet(['webhook_target_forbidden'], `url: ${detail}`);
  };
  const problem = urlProblem(url, policy);
  if (problem) refuse(problem);
  const hostname = new URL(url).hostname.replace(/^\[|\]$/g, '');
  let addresses: Array<{ address: string }> = [];
  try {
    addresses = await resolve(hostname);
  } catch {
    return;
  }
  for (const { address } of addresses) {
    const forbidden = addressProblem(address, policy);
    if (forbidden) refuse(`${hostname} resolves to ${address}: ${forbidden}`);
  }
}

function toWebhookView(row: SubscriptionRow): z.infer<typeof webhookView> {
  return {
    id: row.id,
    url: row.url,
    events: row.events as z.infer<typeof webhookView>['events'],
    description: row.description,
    status: row.status,
    disabledReason: row.disabled_reason,
    disabledAt: row.disabled_at?.toISOString() ?? null,
    scope: row.scope,
    partnerId: row.partner_id,
    providerId: row.provider_id,
    failedMessages: row.failed_messages,
    previousSecretExpiresAt: row.previous_secret_expires_at?.toISOString() ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function toDeliveryView(row: OutboxRow): z.infer<typeof deliveryView> {
  const pending = row.status === 'pending';
  return {
    id: row.id,
    eventId: row.event_id ?? row.id,
    eventType: row.event_type as z.infer<typeof deliveryView>['eventType'],
    status: row.status,
    attempts: row.attempts,
    responseStatus: row.response_status,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
    // While an attempt is under way, when its claim lapses: the latest it is tried again.
    nextAttemptAt: pending ? row.next_attempt_at.toISOString() : null,
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}
