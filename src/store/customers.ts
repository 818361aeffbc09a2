import type { Knex } from 'knex';
import type {
  BillingCycle,
  SubscriptionKind,
  SubscriptionStatus,
} from '../../machines/subscription-transfer/subscription-terms.ts';

export type AcquiredAs = 'direct_bill' | 'indirect_reseller';
export type McaAcceptance = 'none' | 'partner_attestation' | 'admin_center';
export interface BillTo {
  companyName: string;
  email: string;
  country: string;
  address?: string | undefined;
}

export interface CustomerRow {
  id: string;
  partner_id: string;
  name: string;
  tenant_id: string;
  acquired_as: AcquiredAs;
  mca_acceptance: McaAcceptance;
  provider_needs_admin: boolean;
  bill_to: BillTo;
  position: number;
  created_at: Date;
}

export interface SubscriptionRow {
  partner_id: string;
  id: string;
  customer_id: string;
  offer: string;
  kind: SubscriptionKind;
  quantity: number;
  base_subscription_id: string | null;
  status: SubscriptionStatus;
  term_end_date: string | null;
  billing_cycle: BillingCycle | null;
  transfer_eligible: boolean;
  position: number;
}

export interface Subscription {
  id: string;
  offer: string;
  kind: SubscriptionKind;
  quantity: number;
  baseSubscriptionId?: string;
  status: SubscriptionStatus;
  termEndDate?: string;
  billingCycle?: BillingCycle;
  transferEligible: boolean;
}

export interface Customer {
  id: string;
  partnerId: string;
  name: string;
  tenantId: string;
  acquiredAs: AcquiredAs;
  mcaAcceptance: McaAcceptance;
  providerNeedsAdmin: boolean;
  billTo: BillTo;
  subscriptions: Subscription[];
  createdAt: string;
}

export function toCustomer(row: CustomerRow, subscriptions: SubscriptionRow[]): Customer {
  return {
    id: row.id,
    partnerId: row.partner_id,
    name: row.name,
    tenantId: row.tenant_id,
    acquiredAs: row.acquired_as,
    mcaAcceptance: row.mca_acceptance,
    providerNeedsAdmin: row.provider_needs_admin,
    billTo: row.bill_to,
    subscriptions: subscriptions.map((s) => ({
      id: s.id,
      offer: s.offer,
      kind: s.kind,
      quantity: s.quantity,
      ...(s.base_subscription_id ? { baseSubscriptionId: s.base_subscription_id } : {}),
      status: s.status,
      ...(s.term_end_date ? { termEndDate: s.term_end_date } : {}),
      ...(s.billing_cycle ? { billingCycle: s.billing_cycle } : {}),
      transferEligible: s.transfer_eligible,
    })),
    createdAt: row.created_at.toISOString(),
  };
}

/** Tenant ids and subscription ids of the partner that are already stored, of those given. */
export async function findExisting(
  db: Knex,
  partnerId: string,
  tenantIds: string[],
  subscriptionIds: string[],
): Promise<{ tenantIds: string[]; subscriptionIds: string[] }> {
  const tenants = tenantIds.length
    ? await db<CustomerRow>('customers')
        .where('partner_id', partnerId)
        .whereIn('tenant_id', tenantIds)
        .pluck('tenant_id')
    : [];
  const subs = subscriptionIds.length
    ? await db<SubscriptionRow>('subscriptions')
        .where('partner_id', partnerId)
        .whereIn('id', subscriptionIds)
        .pluck('id')
    : [];
  return { tenantIds: tenants, subscriptionIds: subs };
}

/**
 * Makes imports of one partner take turns, so that each hands out positions after the last
 * one stored. `FOR NO KEY UPDATE` leaves the key-share locks of rows that reference the
 * partner (its workflows, created meanwhile) free.
 */
export async function lockPartnerForImport(tx: Knex.Transaction, partnerId: string): Promise<void> {
  await tx('partners').where({ id: partnerId }).forNoKeyUpdate().first('id');
}

export async function nextPosition(db: Knex, partnerId: string): Promise<number> {
  const row = (await db('customers')
    .where('partner_id', partnerId)
    .max('position as max')
    .first()) as { max: number | null } | undefined;
  return (row?.max ?? 0) + 1;
}

const chunk = 500;

export async function insertCustomers(
  db: Knex,
  customers: CustomerRow[],
  subscriptions: SubscriptionRow[],
): Promise<void> {
  for (let i = 0; i < customers.length; i += chunk) {
    await db('customers').insert(
      customers.slice(i, i + chunk).map((c) => ({ ...c, bill_to: JSON.stringify(c.bill_to) })),
    );
  }
  for (let i = 0; i < subscriptions.length; i += chunk) {
    await db('subscriptions').insert(subscriptions.slice(i, i + chunk));
  }
}

export async function listCustomers(
  db: Knex,
  partnerId: string,
  afterPosition: number,
  limit: number,
): Promise<Array<{ row: CustomerRow; subscriptions: SubscriptionRow[] }>> {
  const rows = await db<CustomerRow>('customers')
    .where('partner_id', partnerId)
    .andWhere('position', '>', afterPosition)
    .orderBy('position')
    .limit(limit);
  const subs = rows.length
    ? await db<SubscriptionRow>('subscriptions')
        .whereIn(
          'customer_id',
          rows.map((r) => r.id),
        )
        .orderBy('position')
    : [];
  return rows.map((row) => ({ row, subscriptions: subs.filter((s) => s.customer_id === row.id) }));
}
