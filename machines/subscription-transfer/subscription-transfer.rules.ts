import { z } from 'zod';
import type { EventFacts, Refusal } from '../common.ts';
import {
  subscriptionTransferFailed,
  subscriptionTransferred,
} from './subscription-transfer.events.ts';
import {
  billingCycles,
  subscriptionKinds,
  subscriptionStatuses,
  type SubscriptionKind,
} from './subscription-terms.ts';

export const subscriptionKind = z.enum(subscriptionKinds);

export const transferSubscription = z.strictObject({
  id: z.string(),
  kind: subscriptionKind,
  baseSubscriptionId: z
    .string()
    .nullable()
    .describe('The base subscription an add-on belongs to and travels with; null for a base.'),
  status: z.enum(subscriptionStatuses),
  termEndDate: z.iso
    .date()
    .nullable()
    .describe('The day the term ends; the transfer keeps it. Null when unknown or termless.'),
  billingCycle: z
    .enum(billingCycles)
    .nullable()
    .describe('How it is billed; the transfer keeps it. Null when unknown.'),
  transferEligible: z
    .boolean()
    .describe('For a marketplace item: its publisher allows the transfer.'),
});
export type TransferSubscription = z.infer<typeof transferSubscription>;

/** Where the transfer of one submitted subscription stands. */
export const transferResult = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('pending') }),
  z.strictObject({
    status: z.literal('transferred'),
    newSubscriptionId: subscriptionTransferred.shape.newSubscriptionId,
  }),
  z.strictObject({ status: z.literal('failed'), reason: subscriptionTransferFailed.shape.reason }),
]);
export type TransferResult = z.infer<typeof transferResult>;

const legacyKinds = new Set<SubscriptionKind>(['legacy_license', 'legacy_azure']);
export const isLegacy = (s: Pick<TransferSubscription, 'kind'>) => legacyKinds.has(s.kind);

/** The kind a legacy subscription becomes once migrated to new commerce. */
export function migratedKind(kind: SubscriptionKind): SubscriptionKind {
  if (kind === 'legacy_license') return 'nce_license';
  if (kind === 'legacy_azure') return 'azure_plan';
  return kind;
}

/** The given ids with every add-on of a given base: an add-on travels with its base. */
export function withAddOns(
  subscriptions: readonly TransferSubscription[],
  ids: readonly string[],
): string[] {
  const chosen = new Set(ids);
  for (const s of subscriptions) {
    if (s.baseSubscriptionId !== null && chosen.has(s.baseSubscriptionId)) chosen.add(s.id);
  }
  return subscriptions.filter((s) => chosen.has(s.id)).map((s) => s.id);
}

export function unknownIds(
  subscriptions: readonly TransferSubscription[],
  ids: readonly string[],
): string[] {
  const known = new Set(subscriptions.map((s) => s.id));
  return ids.filter((id) => !known.has(id));
}

/** A refusal naming the subscriptions it concerns, or nothing when there are none. */
function naming(code: string, subscriptionIds: readonly string[]): Refusal[] {
  return subscriptionIds.length > 0 ? [{ code, details: { subscriptionIds } }] : [];
}

/**
 * Add-ons among `ids` whose base is not among them, nor already on the provider's billing
 * from an earlier request: an add-on never moves on its own.
 */
function addOnsWithoutBase(
  subscriptions: readonly TransferSubscription[],
  ids: readonly string[],
  results: Readonly<Record<string, TransferResult>> = {},
): string[] {
  const chosen = new Set(ids);
  const joins = (baseId: string) => chosen.has(baseId) || results[baseId]?.status === 'transferred';
  return subscriptions
    .filter((s) => chosen.has(s.id) && s.baseSubscriptionId !== null)
    .filter((s) => !joins(s.baseSubscriptionId ?? ''))
    .map((s) => s.id);
}

/**
 * Partner Center refuses a transfer for a customer who still holds a legacy Azure
 * subscription, whichever subscriptions the transfer names.
 */
export function legacyAzureRefusals(subscriptions: readonly TransferSubscription[]): Refusal[] {
  return naming(
    'legacy_azure_blocks_transfer',
    subscriptions.filter((s) => s.kind === 'legacy_azure').map((s) => s.id),
  );
}

/** Why a subscription cannot move as it is, by code, or nothing when it can. */
export function transferBlock(s: TransferSubscription): string | undefined {
  if (isLegacy(s)) return 'legacy_subscription_requires_migration';
  if (s.kind === 'marketplace_saas' && !s.transferEligible) return 'marketplace_not_transferable';
  if (s.status !== 'active') return 'subscription_not_active';
  return undefined;
}

/** Every reason the chosen subscriptions, and the customer, cannot transfer. */
function chosenRefusals(
  subscriptions: readonly TransferSubscription[],
  chosenIds: readonly string[],
): Refusal[] {
  const chosen = new Set(chosenIds);
  const blocked = new Map<string, string[]>();
  for (const s of subscriptions) {
    const code = chosen.has(s.id) ? transferBlock(s) : undefined;
    if (code !== undefined) blocked.set(code, [...(blocked.get(code) ?? []), s.id]);
  }
  return [
    ...[...blocked].flatMap(([code, ids]) => naming(code, ids)),
    ...legacyAzureRefusals(subscriptions),
  ];
}

export function confirmRefusals(
  subscriptions: readonly TransferSubscription[],
  ids: readonly string[],
): Refusal[] {
  const unknown = unknownIds(subscriptions, ids);
  if (unknown.length > 0) return naming('subscription_not_found', unknown);
  return [
    ...naming('addon_without_base', addOnsWithoutBase(subscriptions, ids)),
    ...chosenRefusals(subscriptions, withAddOns(subscriptions, ids)),
  ];
}

export function migrationRefusals(
  subscriptions: readonly TransferSubscription[],
  id: string,
  newId?: string,
): Refusal[] {
  const found = subscriptions.find((s) => s.id === id);
  if (!found) return naming('subscription_not_found', [id]);
  const refusals: Refusal[] = [];
  if (!isLegacy(found)) refusals.push(...naming('subscription_not_legacy', [id]));
  if (newId !== undefined && newId !== id && subscriptions.some((s) => s.id === newId)) {
    refusals.push(...naming('subscription_id_taken', [newId]));
  }
  return refusals;
}

/** Replaces a migrated subscription's id everywhere it is named, and gives it its new kind. */
export function applyMigration(
  subscriptions: readonly TransferSubscription[],
  id: string,
  newId: string | undefined,
): TransferSubscription[] {
  const to = newId ?? id;
  return subscriptions.map((s) => ({
    ...s,
    id: s.id === id ? to : s.id,
    kind: s.id === id ? migratedKind(s.kind) : s.kind,
    baseSubscriptionId: s.baseSubscriptionId === id ? to : s.baseSubscriptionId,
  }));
}

export function submitRefusals(
  context: {
    subscriptions: readonly TransferSubscription[];
    confirmedIds: readonly string[];
    results: Readonly<Record<string, TransferResult>>;
    mcaConfirmed: boolean;
  },
  ids: readonly string[],
): Refusal[] {
  const refusals = [
    ...naming(
      'subscription_not_confirmed',
      ids.filter((id) => !context.confirmedIds.includes(id)),
    ),
    ...naming('addon_without_base', addOnsWithoutBase(context.subscriptions, ids, context.results)),
    ...legacyAzureRefusals(context.subscriptions),
  ];
  if (!context.mcaConfirmed) refusals.push('mca_not_confirmed');
  return refusals;
}

/**
 * The request must name the transitioning partner as partner of record, and that partner's
 * PLA must be verified: since FY26 Partner Center blocks a transaction without a valid one.
 * Without the facts (a replay of the history) the refusals were already decided.
 */
export function requestRefusals(
  context: { partnerTenantId: string; subscriptions: readonly TransferSubscription[] },
  event: { sourcePartnerTenantId: string; partnerOnRecord: string; facts?: EventFacts },
): Refusal[] {
  const refusals: Refusal[] = [];
  if (context.partnerTenantId.toLowerCase() !== event.sourcePartnerTenantId.toLowerCase())
    refusals.push('source_partner_mismatch');
  const partner = event.facts?.partner;
  if (partner && (event.partnerOnRecord !== partner.mpnId || !partner.plaVerified))
    refusals.push('partner_of_record_invalid');
  return [...refusals, ...legacyAzureRefusals(context.subscriptions)];
}

export function resultRefusals(
  results: Readonly<Record<string, TransferResult>>,
  id: string,
): Refusal[] {
  return results[id]?.status === 'pending' ? [] : naming('subscription_not_in_transfer', [id]);
}

/**
 * A retry starts a new transfer request: the completed one cannot be changed. An add-on goes
 * again only with its base, or after it.
 */
export function retryRefusals(
  context: {
    subscriptions: readonly TransferSubscription[];
    results: Readonly<Record<string, TransferResult>>;
  },
  ids: readonly string[],
): Refusal[] {
  return [
    ...naming(
      'subscription_not_failed',
      ids.filter((id) => context.results[id]?.status !== 'failed'),
    ),
    ...naming('addon_without_base', addOnsWithoutBase(context.subscriptions, ids, context.results)),
  ];
}

/** The failed subscriptions a retry asks for again, with their failed add-ons. */
export function retriedIds(
  subscriptions: readonly TransferSubscription[],
  results: Readonly<Record<string, TransferResult>>,
  ids: readonly string[],
): string[] {
  return withAddOns(subscriptions, ids).filter((id) => results[id]?.status === 'failed');
}

export function allSettled(results: Readonly<Record<string, TransferResult>>): boolean {
  return Object.values(results).every((r) => r.status !== 'pending');
}

export function anyFailed(results: Readonly<Record<string, TransferResult>>): boolean {
  return Object.values(results).some((r) => r.status === 'failed');
}
