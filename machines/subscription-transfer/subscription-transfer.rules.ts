import { z } from 'zod';
import type { Refusal } from '../common.ts';
import {
  subscriptionTransferFailed,
  subscriptionTransferred,
} from './subscription-transfer.events.ts';

export const subscriptionKind = z.enum([
  'nce_license',
  'azure_plan',
  'legacy_license',
  'legacy_azure',
]);
export type SubscriptionKind = z.infer<typeof subscriptionKind>;

export const transferSubscription = z.strictObject({
  id: z.string(),
  kind: subscriptionKind,
  baseSubscriptionId: z
    .string()
    .nullable()
    .describe('The base subscription an add-on belongs to and travels with; null for a base.'),
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
export const isLegacy = (s: TransferSubscription) => legacyKinds.has(s.kind);

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

export function confirmRefusals(
  subscriptions: readonly TransferSubscription[],
  ids: readonly string[],
): Refusal[] {
  const unknown = unknownIds(subscriptions, ids);
  if (unknown.length > 0)
    return [{ code: 'subscription_not_found', details: { subscriptionIds: unknown } }];
  const chosen = new Set(withAddOns(subscriptions, ids));
  const legacy = subscriptions.filter((s) => chosen.has(s.id) && isLegacy(s)).map((s) => s.id);
  return legacy.length > 0
    ? [{ code: 'legacy_subscription_requires_migration', details: { subscriptionIds: legacy } }]
    : [];
}

export function migrationRefusals(
  subscriptions: readonly TransferSubscription[],
  id: string,
  newId?: string,
): Refusal[] {
  const found = subscriptions.find((s) => s.id === id);
  if (!found) return [{ code: 'subscription_not_found', details: { subscriptionIds: [id] } }];
  const refusals: Refusal[] = [];
  if (!isLegacy(found))
    refusals.push({ code: 'subscription_not_legacy', details: { subscriptionIds: [id] } });
  if (newId !== undefined && newId !== id && subscriptions.some((s) => s.id === newId)) {
    refusals.push({ code: 'subscription_id_taken', details: { subscriptionIds: [newId] } });
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
    id: s.id === id ? to : s.id,
    kind: s.id === id ? migratedKind(s.kind) : s.kind,
    baseSubscriptionId: s.baseSubscriptionId === id ? to : s.baseSubscriptionId,
  }));
}

export function submitRefusals(
  confirmedIds: readonly string[],
  ids: readonly string[],
  mcaConfirmed: boolean,
): Refusal[] {
  const refusals: Refusal[] = [];
  const notConfirmed = ids.filter((id) => !confirmedIds.includes(id));
  if (notConfirmed.length > 0)
    refusals.push({
      code: 'subscription_not_confirmed',
      details: { subscriptionIds: notConfirmed },
    });
  if (!mcaConfirmed) refusals.push('mca_not_confirmed');
  return refusals;
}

export function resultRefusals(
  results: Readonly<Record<string, TransferResult>>,
  id: string,
): Refusal[] {
  return results[id]?.status === 'pending'
    ? []
    : [{ code: 'subscription_not_in_transfer', details: { subscriptionIds: [id] } }];
}

export function retryRefusals(
  results: Readonly<Record<string, TransferResult>>,
  ids: readonly string[],
): Refusal[] {
  const notFailed = ids.filter((id) => results[id]?.status !== 'failed');
  return notFailed.length > 0
    ? [{ code: 'subscription_not_failed', details: { subscriptionIds: notFailed } }]
    : [];
}

export function sourceRefusals(partnerTenantId: string, sourcePartnerTenantId: string): Refusal[] {
  return partnerTenantId.toLowerCase() === sourcePartnerTenantId.toLowerCase()
    ? []
    : ['source_partner_mismatch'];
}

export function allSettled(results: Readonly<Record<string, TransferResult>>): boolean {
  return Object.values(results).every((r) => r.status !== 'pending');
}

export function anyFailed(results: Readonly<Record<string, TransferResult>>): boolean {
  return Object.values(results).some((r) => r.status === 'failed');
}
