import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { z } from 'zod';
import type { TransferLineItem } from '../partner-center.ts';
import { collection, customerOf, guid, relatedCustomer, text } from './access.ts';
import { announce, recordWork, type Core } from './core.ts';
import { fail, SimulatedFailure } from './failures.ts';
import { defineOperation, parse, type Call } from './pipeline.ts';
import type { Customer, StoredTransfer, Subscription } from './state.ts';

/** A transfer request lapses 30 days after it was made if the source partner never accepts it. */
export const transferLifetimeMs = 30 * 24 * 60 * 60 * 1000;

const mpnId = z
  .string()
  .trim()
  .regex(/^\d{1,12}$/, 'expected an MPN id, in digits');

/**
 * The body of "Create a transfer for new commerce": `transferType` 3 (ModernAzure) or 5
 * (NewCommerce), which the TransferEntity resource says both work for new commerce. An omitted
 * target resolves to the caller, as documented.
 */
const newTransferSchema = z.object({
  sourcePartnerTenantId: guid,
  sourcePartnerName: text(256).optional(),
  customerEmailId: z.email().max(256),
  customerName: text(256).optional(),
  targetPartnerTenantId: guid.optional(),
  targetPartnerEmailId: z.email().max(256).optional(),
  targetProductTypes: z.array(text(64)).max(10).nullish(),
  partnerOnRecord: mpnId.optional(),
  transferType: z
    .union([z.literal(3), z.literal(5), z.literal('3'), z.literal('5')])
    .transform(Number),
});

const lineFields = {
  id: z.number().int().min(0).max(10_000).optional(),
  subscriptionId: text(128),
  quantity: z.number().int().min(1).max(1_000_000).optional(),
  billingCycle: text(32).optional(),
  friendlyName: text(256).optional(),
  partnerIdOnRecord: z.union([mpnId, z.literal('')]).nullish(),
};
const addOnSchema = z.object(lineFields);
/** Older pages spell the add-on list `addonItems`; both spellings are read. */
const lineSchema = z.object({
  ...lineFields,
  addOnItems: z.array(addOnSchema).max(50).optional(),
  addonItems: z.array(addOnSchema).max(50).optional(),
});

/**
 * "Update a transfer request": the whole entity comes back, with `status: "Cancel"` from the
 * target to cancel, or with `lineItems` from the source to accept. Other fields are ignored.
 */
const updateSchema = z.object({
  status: z.string().trim().max(32).optional(),
  lineItems: z.array(lineSchema).max(200).optional(),
});

const cancelWords = new Set(['cancel', 'canceled', 'cancelled']);

/** A transfer as Partner Center answers it. */
function present(transfer: StoredTransfer) {
  return {
    ...transfer,
    links: {
      self: {
        uri: `/customers/${transfer.customerTenantId}/transfers/${transfer.id}`,
        method: 'GET',
        headers: [] as unknown[],
      },
    },
    attributes: { objectType: 'TransferEntity' },
  };
}

function transferOf(core: Core, customer: Customer, transferId: string): StoredTransfer {
  const transfer = core.state.transfers.get(transferId);
  if (!transfer || transfer.customerTenantId !== customer.tenantId) {
    throw fail.notFound(`Transfer ${transferId}`);
  }
  return transfer;
}

/** The transfer, when the caller is one of its two sides. */
function visibleTransfer(core: Core, call: Call): StoredTransfer {
  const customer = customerOf(core, call.params.customerId ?? '');
  const transfer = transferOf(core, customer, call.params.transferId ?? '');
  const me = call.account.tenantId;
  if (me !== transfer.sourcePartnerTenantId && me !== transfer.targetPartnerTenantId) {
    throw fail.forbidden('Only the source and target partners of a transfer can see it.');
  }
  return transfer;
}

export function transferRoutes(router: Router, core: Core): void {
  const base = '/v1/customers/:customerId/transfers';
  const spec = (name: string, method: 'get' | 'post' | 'patch', path: string) => ({
    name,
    method,
    path,
    api: 'partnerCenter' as const,
  });

  defineOperation(router, core, spec('createTransfer', 'post', base), (call) => {
    const body = parse(newTransferSchema, call.body);
    const customer = customerOf(core, call.params.customerId ?? '');
    const target = body.targetPartnerTenantId ?? call.account.tenantId;
    if (target !== call.account.tenantId) {
      throw fail.forbidden('Only the target partner can create a transfer request to itself.');
    }
    // The target must already be one of the customer's partners, as after the customer
    // accepted its reseller relationship.
    relatedCustomer(core, customer.tenantId, call.account);
    if (body.sourcePartnerTenantId !== customer.partnerTenantId) {
      throw fail.invalid(
        `Partner ${body.sourcePartnerTenantId} is not the partner this customer buys from.`,
      );
    }
    if (
      body.partnerOnRecord !== undefined &&
      ![...core.state.accounts.values()].some((a) => a.mpnId === body.partnerOnRecord)
    ) {
      throw fail.invalid(`No partner has the MPN id ${body.partnerOnRecord}.`);
    }
    const created = call.now.toISOString();
    const source = core.state.accounts.get(body.sourcePartnerTenantId);
    const transfer: StoredTransfer = {
      id: randomUUID(),
      status: 'Active',
      transferType: body.transferType,
      customerTenantId: customer.tenantId,
      customerEmailId: body.customerEmailId,
      customerName: body.customerName ?? customer.name,
      sourcePartnerTenantId: body.sourcePartnerTenantId,
      sourcePartnerName: body.sourcePartnerName ?? source?.name ?? '',
      targetPartnerTenantId: target,
      targetPartnerName: call.account.name,
      partnerOnRecord: body.partnerOnRecord ?? '',
      createdTime: created,
      lastModifiedTime: created,
      expirationTime: new Date(call.now.getTime() + transferLifetimeMs).toISOString(),
      lineItems: [],
    };
    core.state.transfers.set(transfer.id, transfer);
    core.work.schedule(
      new Date(transfer.expirationTime),
      `expire transfer ${transfer.id}`,
      () => expireTransfer(core, transfer.id),
      true,
    );
    call.effect('createTransfer', customer.tenantId);
    return { status: 201, body: present(transfer) };
  });

  defineOperation(router, core, spec('listTransfers', 'get', base), (call) => {
    const customer = customerOf(core, call.params.customerId ?? '');
    const me = call.account.tenantId;
    const items = [...core.state.transfers.values()].filter(
      (t) =>
        t.customerTenantId === customer.tenantId &&
        (t.sourcePartnerTenantId === me || t.targetPartnerTenantId === me),
    );
    if (items.length === 0) relatedCustomer(core, customer.tenantId, call.account);
    return {
      status: 200,
      body: collection(items.map(present), `/customers/${customer.tenantId}/transfers`),
    };
  });

  defineOperation(router, core, spec('getTransfer', 'get', `${base}/:transferId`), (call) => ({
    status: 200,
    body: present(visibleTransfer(core, call)),
  }));

  defineOperation(router, core, spec('updateTransfer', 'patch', `${base}/:transferId`), (call) => {
    const body = parse(updateSchema, call.body);
    const transfer = visibleTransfer(core, call);
    if (body.status !== undefined && cancelWords.has(body.status.toLowerCase())) {
      return cancelTransfer(call, transfer);
    }
    if (body.lineItems && body.lineItems.length > 0) {
      return submitTransfer(core, call, transfer, body.lineItems);
    }
    throw fail.invalid('Send `status: "Cancel"` to cancel, or `lineItems` to accept.');
  });
}

/**
 * Only an Active request can change. A completed one answers 900102, the code Tiershift's
 * rules already name for it (README, Partner Center's rules); for the others Partner Center
 * documents no code.
 */
function notActive(transfer: StoredTransfer, verb: string): SimulatedFailure {
  const why = `A ${transfer.status} transfer cannot be ${verb}.`;
  return transfer.status === 'Complete'
    ? new SimulatedFailure(409, '900102', why)
    : fail.conflict(why);
}

function cancelTransfer(call: Call, transfer: StoredTransfer) {
  if (call.account.tenantId !== transfer.targetPartnerTenantId) {
    throw fail.forbidden('Only the target partner that created the transfer can cancel it.');
  }
  if (transfer.status !== 'Active') throw notActive(transfer, 'cancelled');
  transfer.status = 'Cancelled';
  transfer.lastModifiedTime = call.now.toISOString();
  call.effect('cancelTransfer', transfer.customerTenantId);
  return { status: 200, body: present(transfer) };
}

type LineInput = z.infer<typeof lineSchema>;

function submitTransfer(core: Core, call: Call, transfer: StoredTransfer, lines: LineInput[]) {
  if (call.account.tenantId !== transfer.sourcePartnerTenantId) {
    throw fail.forbidden('Only the source partner can accept a transfer with its line items.');
  }
  if (transfer.status !== 'Active') throw notActive(transfer, 'accepted');
  const customer = customerOf(core, transfer.customerTenantId);
  const seen = new Set<string>();
  const subscriptionFor = (id: string): Subscription => {
    const subscription = customer.subscriptions.find(
      (s) =>
        s.id.toLowerCase() === id.toLowerCase() &&
        s.status === 'active' &&
        s.partnerTenantId === transfer.sourcePartnerTenantId,
    );
    if (!subscription) throw fail.subscriptionNotFound(id);
    if (subscription.legacy) {
      throw fail.invalid(`Subscription ${id} is not new commerce; migrate it before transferring.`);
    }
    if (seen.has(subscription.id)) throw fail.invalid(`Subscription ${id} is listed twice.`);
    seen.add(subscription.id);
    return subscription;
  };
  const item = (
    input: z.infer<typeof addOnSchema>,
    subscription: Subscription,
    id: number,
  ): TransferLineItem => ({
    id: input.id ?? id,
    subscriptionId: subscription.id,
    quantity: input.quantity ?? subscription.quantity,
    billingCycle: input.billingCycle ?? subscription.billingCycle,
    friendlyName: input.friendlyName ?? subscription.friendlyName,
    partnerIdOnRecord: input.partnerIdOnRecord || transfer.partnerOnRecord,
    status: 'InProgress',
  });
  const lineItems = lines.map((line, index) => {
    const base = subscriptionFor(line.subscriptionId);
    if (base.baseSubscriptionId) {
      throw fail.invalid(`Subscription ${base.id} is an add-on; list it under its base.`);
    }
    const addOns = [...(line.addOnItems ?? []), ...(line.addonItems ?? [])].map((a, i) => {
      const addOn = subscriptionFor(a.subscriptionId);
      if (addOn.baseSubscriptionId?.toLowerCase() !== base.id.toLowerCase()) {
        throw fail.invalid(`Subscription ${addOn.id} is not an add-on of ${base.id}.`);
      }
      return item(a, addOn, i);
    });
    return { ...item(line, base, index), addOnItems: addOns };
  });
  transfer.lineItems = lineItems;
  transfer.status = 'InProgress';
  transfer.lastModifiedTime = call.now.toISOString();
  core.work.schedule(
    new Date(call.now.getTime() + core.options.transferCompletionDelayMs),
    `complete transfer ${transfer.id}`,
    () => completeTransfer(core, transfer.id),
  );
  call.effect('submitTransfer', transfer.customerTenantId);
  return { status: 200, body: present(transfer) };
}

/**
 * Each line completes (its subscription now billed by the target, under a new id) or fails as
 * a test planned; an add-on fails with its base. The transfer is then Complete, and both sides
 * hear `complete-transfer`, or `fail-transfer` when any line failed.
 */
function completeTransfer(core: Core, transferId: string): void {
  const transfer = core.state.transfers.get(transferId);
  const customer = transfer && core.state.customers.get(transfer.customerTenantId);
  if (!transfer || !customer || transfer.status !== 'InProgress') return;
  const now = core.now().toISOString();
  const settle = (line: TransferLineItem, inherited?: TransferLineItem['transferError']) => {
    const planned = core.state.lineFailures.get(line.subscriptionId.toLowerCase());
    const error = inherited ?? planned;
    if (planned) core.state.lineFailures.delete(line.subscriptionId.toLowerCase());
    if (error) {
      line.status = 'Failed';
      line.transferError = { code: error.code, description: error.description };
      return undefined;
    }
    line.status = 'Complete';
    line.transferError = null;
    line.transferredSubscriptionId = randomUUID();
    return line.transferredSubscriptionId;
  };
  const moved = new Map<string, string>();
  for (const line of transfer.lineItems) {
    const newBase = settle(line);
    if (newBase) moved.set(line.subscriptionId, newBase);
    for (const addOn of line.addOnItems ?? []) {
      const newId = settle(addOn, newBase ? undefined : line.transferError);
      if (newId) moved.set(addOn.subscriptionId, newId);
    }
  }
  for (const [oldId, newId] of moved) {
    const old = customer.subscriptions.find((s) => s.id === oldId);
    if (!old) continue;
    old.status = 'transferred';
    const line = transfer.lineItems
      .flatMap((l) => [l, ...(l.addOnItems ?? [])])
      .find((l) => l.subscriptionId === oldId);
    customer.subscriptions.push({
      ...old,
      id: newId,
      quantity: line?.quantity ?? old.quantity,
      baseSubscriptionId: old.baseSubscriptionId
        ? (moved.get(old.baseSubscriptionId) ?? old.baseSubscriptionId)
        : undefined,
      partnerTenantId: transfer.targetPartnerTenantId,
      partnerIdOnRecord: line?.partnerIdOnRecord || transfer.partnerOnRecord || undefined,
      status: 'active',
    });
  }
  transfer.status = 'Complete';
  transfer.completedTime = now;
  transfer.lastModifiedTime = now;
  recordWork(core, 'completeTransfer', transfer.sourcePartnerTenantId, customer.tenantId);
  const failed = transfer.lineItems.some(
    (l) => l.status === 'Failed' || (l.addOnItems ?? []).some((a) => a.status === 'Failed'),
  );
  // Documented as {baseURL}/webhooks/v1/customers/{id}/transfers/{id}; partners report the
  // field sends /v1/customers/{id}. This path is the transfer itself, which a receiver can GET.
  announce(
    core,
    [transfer.sourcePartnerTenantId, transfer.targetPartnerTenantId],
    failed ? 'fail-transfer' : 'complete-transfer',
    {
      uri: `/v1/customers/${customer.tenantId}/transfers/${transfer.id}`,
      name: 'Transfer',
    },
  );
}

/** A request nobody accepted in time lapses. */
export function expireTransfer(core: Core, transferId: string): void {
  const transfer = core.state.transfers.get(transferId);
  if (!transfer || transfer.status !== 'Active') return;
  transfer.status = 'Expired';
  transfer.lastModifiedTime = core.now().toISOString();
  recordWork(core, 'expireTransfer', transfer.targetPartnerTenantId, transfer.customerTenantId);
}
