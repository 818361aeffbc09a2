import type { Principal } from '../auth/principal.ts';
import type { PreflightData, PreflightSubscriptionRow } from '../store/preflight.ts';
import {
  customerFindings,
  partnerFindings,
  subscriptionsToMove,
  tally,
  type Finding,
  type PreflightRegion,
  type PreflightTotals,
  type StoredSubscription,
} from './preflight.ts';

export interface PreflightCustomerReport {
  customerId: string;
  name: string;
  tenantId: string;
  findings: Finding[];
}

export interface PreflightReport {
  transitionId: string;
  partnerId: string;
  /** The transition's state when the report was made. */
  state: string;
  providerId: string | null;
  /** The UTC date the report counts days from. */
  asOf: string;
  region: PreflightRegion;
  partnerFindings: Finding[];
  customers: PreflightCustomerReport[];
  totals: PreflightTotals;
}

export interface PreflightSubject {
  id: string;
  partner_id: string;
  provider_id: string | null;
  state: string;
}

/**
 * The preflight of a transition from what `loadPreflight` read, as `viewer` may see it: a
 * provider is not told a customer's bill-to country before that customer's bill-to was
 * handed to it (SPEC §3: withheld everywhere the provider can look).
 */
export function preflightReport(
  transition: PreflightSubject,
  data: PreflightData,
  viewer: Principal,
  now: Date,
): PreflightReport {
  const today = now.toISOString().slice(0, 10);
  const region: PreflightRegion = data.provider
    ? { code: data.provider.region, source: 'provider' }
    : { code: data.partner.csp_region, source: 'partner' };
  const partner = partnerFindings({
    mpnId: data.partner.mpn_id,
    plaVerified: data.plaVerified,
  });
  const customers = data.customers.map((row): PreflightCustomerReport => {
    const stored = (data.subscriptions.get(row.id) ?? []).map(toStored);
    const findings = customerFindings(
      {
        mcaAcceptance: row.mca_acceptance,
        providerNeedsAdmin: row.provider_needs_admin,
        country: row.country,
        countryWithheld: viewer.role === 'provider' && !row.bill_to_shared,
        relationshipState: row.relationship_state,
        mcaState: row.mca_state,
        subscriptions: subscriptionsToMove(
          stored,
          row.transfer_subscriptions === null
            ? null
            : { subscriptions: row.transfer_subscriptions, results: row.transfer_results },
        ),
      },
      { region, today },
    );
    return { customerId: row.id, name: row.name, tenantId: row.tenant_id, findings };
  });
  return {
    transitionId: transition.id,
    partnerId: transition.partner_id,
    state: transition.state,
    providerId: transition.provider_id,
    asOf: today,
    region,
    partnerFindings: partner,
    customers,
    totals: tally(
      partner,
      customers.map((c) => c.findings),
    ),
  };
}

function toStored(s: PreflightSubscriptionRow): StoredSubscription {
  return {
    id: s.id,
    kind: s.kind,
    baseSubscriptionId: s.base_subscription_id,
    status: s.status,
    termEndDate: s.term_end_date,
    billingCycle: s.billing_cycle,
    transferEligible: s.transfer_eligible,
  };
}

/** The CSV's columns: one row per finding, the partner's with the customer cells empty. */
export const preflightCsvColumns = [
  'customerId',
  'customerName',
  'tenantId',
  'code',
  'severity',
  'subscriptionId',
  'detail',
] as const;

/** The report's findings as CSV records: the partner's first, then each customer's in order. */
export function* preflightCsvRecords(report: PreflightReport): Generator<string[]> {
  for (const f of report.partnerFindings) {
    yield ['', '', '', f.code, f.severity, f.subscriptionId ?? '', f.detail];
  }
  for (const c of report.customers) {
    for (const f of c.findings) {
      yield [
        c.customerId,
        c.name,
        c.tenantId,
        f.code,
        f.severity,
        f.subscriptionId ?? '',
        f.detail,
      ];
    }
  }
}
