import type { Knex } from 'knex';
import type { CustomerRow } from '../store/customers.ts';
import { findCustomer, latestChildren, subscriptionsOf } from '../store/moves.ts';
import { findPartner, type PartnerRow } from '../store/partners.ts';
import type { WorkflowRow } from '../store/workflows.ts';

const settledMca = new Set(['accepted', 'retained']);

/** Rows the caller has already read in this transaction, so they are not read again. */
export interface KnownRows {
  partner?: PartnerRow | undefined;
  customer?: CustomerRow | undefined;
}

/**
 * Everything a new child needs that lives in the database rather than in its parent's
 * context: the partner's profile, the customer's records. The parent's machine names the
 * child and the customer; this fills in the rest at the moment the child is created.
 */
export async function childInput(
  tx: Knex,
  machine: string,
  parent: WorkflowRow,
  customerId: string | null,
  known: KnownRows = {},
): Promise<Record<string, unknown>> {
  const partner = known.partner ?? (await findPartner(tx, parent.partner_id));
  if (!partner) throw new Error(`Partner ${parent.partner_id} is missing`);
  if (machine === 'enrollment') {
    return {
      profile: partner.profile,
      plaRegion: partner.pla_region,
      cspRegion: partner.csp_region,
    };
  }
  if (customerId === null) throw new Error(`A ${machine} child needs a customer`);
  const customer =
    known.customer?.id === customerId
      ? known.customer
      : await findCustomer(tx, parent.partner_id, customerId);
  if (!customer) throw new Error(`Customer ${customerId} is missing`);
  const common = { customerId, providerId: parent.provider_id ?? '' };
  switch (machine) {
    case 'resellerRelationship':
      return {
        ...common,
        providerNeedsAdmin: customer.provider_needs_admin,
        billTo: customer.bill_to,
      };
    case 'mcaReacceptance':
      return { ...common, mcaAcceptance: customer.mca_acceptance };
    case 'subscriptionTransfer': {
      const siblings = await latestChildren(tx, parent.id, customerId);
      return {
        ...common,
        partnerTenantId: partner.tenant_id,
        mcaConfirmed: settledMca.has(siblings.mcaReacceptance?.state ?? ''),
        subscriptions: (await subscriptionsOf(tx, customerId)).map((s) => ({
          id: s.id,
          kind: s.kind,
          baseSubscriptionId: s.base_subscription_id,
          status: s.status,
          termEndDate: s.term_end_date,
          billingCycle: s.billing_cycle,
          transferEligible: s.transfer_eligible,
        })),
      };
    }
    default:
      return common;
  }
}
