import { z } from 'zod';
import type {
  BillingCycle,
  SubscriptionKind,
  SubscriptionStatus,
} from '../../machines/subscription-transfer/subscription-terms.ts';

/**
 * What stands between a partner's customers and their transfer to the provider, worked out
 * from what is stored, before anything moves. The codes are those the machines refuse with
 * (or, for `info`, what goes as it is), so that a finding here is the refusal a transfer
 * would otherwise meet half-way. Pure: the caller loads the facts and passes today's date.
 */

export const preflightSeverities = ['blocker', 'action', 'info'] as const;
export type PreflightSeverity = (typeof preflightSeverities)[number];

/**
 * Every code, with its severity. `blocker`: as the data stands, a transfer (of the customer,
 * or of the subscription named) would be refused; something must change first. `action`: the
 * move goes on, but someone must do a step of it by hand. `info`: nothing to do; worth knowing.
 */
export const preflightCodes = {
  partner_of_record_not_ready: 'blocker',
  customer_region_mismatch: 'blocker',
  legacy_azure_blocks_transfer: 'blocker',
  legacy_subscription_requires_migration: 'blocker',
  subscription_not_active: 'blocker',
  marketplace_not_transferable: 'blocker',
  addon_without_base: 'blocker',
  mca_acceptance_required: 'action',
  gdap_required: 'action',
  term_ending_soon: 'info',
  azure_reservation_transfers: 'info',
  azure_savings_plan_transfers: 'info',
  software_transfers: 'info',
  marketplace_saas_transfers: 'info',
  partner_of_record_ready: 'info',
} as const satisfies Record<string, PreflightSeverity>;
export type PreflightCode = keyof typeof preflightCodes;
export const preflightCodeList = Object.keys(preflightCodes) as PreflightCode[];

export interface Finding {
  code: PreflightCode;
  severity: PreflightSeverity;
  subscriptionId?: string;
  /** Plain words for the partner (or the provider): what is wrong, and what to do. */
  detail: string;
}

function finding(code: PreflightCode, detail: string, subscriptionId?: string): Finding {
  return {
    code,
    severity: preflightCodes[code],
    ...(subscriptionId === undefined ? {} : { subscriptionId }),
    detail,
  };
}

/** A subscription as the transfer sees it now: a migrated legacy one has its new id and kind. */
export interface PreflightSubscription {
  id: string;
  kind: SubscriptionKind;
  baseSubscriptionId: string | null;
  status: SubscriptionStatus;
  termEndDate: string | null;
  billingCycle: BillingCycle | null;
  transferEligible: boolean;
}

/** A subscription as the import stored it, in the customer's order. */
export type StoredSubscription = PreflightSubscription;

/** Only the parts of a `subscriptionTransfer` context the preflight reads; anything else may vary. */
const transferContext = z.object({
  subscriptions: z.array(
    z.object({
      id: z.string(),
      kind: z.string(),
      baseSubscriptionId: z.string().nullable().optional(),
    }),
  ),
  results: z.record(z.string(), z.object({ status: z.string() })).optional(),
});

const knownKinds = new Set<string>([
  'nce_license',
  'azure_plan',
  'azure_reservation',
  'azure_savings_plan',
  'software',
  'marketplace_saas',
  'legacy_license',
  'legacy_azure',
]);

/**
 * The customer's subscriptions still to move: as stored, overlaid with what its newest
 * transfer made of them. A legacy subscription migrated there carries its new id and kind; one
 * already transferred has gone and is left out. The transfer lists the stored subscriptions in
 * their order and keeps that order through migrations, so they are paired by place when the
 * counts agree, else by id. A context of a shape this code does not know changes nothing.
 */
export function subscriptionsToMove(
  stored: readonly StoredSubscription[],
  transfer: { subscriptions: unknown; results: unknown } | null,
): PreflightSubscription[] {
  const parsed = transfer === null ? undefined : transferContext.safeParse(transfer);
  if (!parsed?.success) return [...stored];
  const current = parsed.data.subscriptions;
  const byId = new Map(current.map((s) => [s.id, s]));
  const pairByPlace = current.length === stored.length;
  const results = parsed.data.results ?? {};
  const out: PreflightSubscription[] = [];
  stored.forEach((s, i) => {
    const now = pairByPlace ? current[i] : byId.get(s.id);
    if (!now) {
      out.push(s);
      return;
    }
    if (results[now.id]?.status === 'transferred') return;
    out.push({
      ...s,
      id: now.id,
      kind: knownKinds.has(now.kind) ? (now.kind as SubscriptionKind) : s.kind,
      baseSubscriptionId:
        now.baseSubscriptionId === undefined ? s.baseSubscriptionId : now.baseSubscriptionId,
    });
  });
  return out;
}

/** A customer still to move, with where its workflows of this transition stand. */
export interface PreflightCustomer {
  mcaAcceptance: 'none' | 'partner_attestation' | 'admin_center';
  providerNeedsAdmin: boolean;
  /** The bill-to country, ISO 3166-1 alpha-2. */
  country: string;
  /** The country must not be named: the reader is a provider it was not handed to yet. */
  countryWithheld: boolean;
  /** The state of its newest workflow of each machine, or null before there is one. */
  relationshipState: string | null;
  mcaState: string | null;
  subscriptions: readonly PreflightSubscription[];
}

/** Where the customers must be billed: the chosen provider's region, else the partner's. */
export interface PreflightRegion {
  code: string;
  source: 'provider' | 'partner';
}

export interface PreflightSettings {
  region: PreflightRegion;
  /** Today's UTC date, YYYY-MM-DD. */
  today: string;
}

/** Days ahead within which an ending term is reported. */
export const termWarningDays = 7;

const settledMca = new Set(['accepted', 'retained']);

/** Every finding of one customer: its own first, then each subscription's in its order. */
export function customerFindings(
  customer: PreflightCustomer,
  settings: PreflightSettings,
): Finding[] {
  const findings: Finding[] = [];
  const region = regionFinding(customer, settings.region);
  if (region) findings.push(region);
  const mca = mcaFinding(customer);
  if (mca) findings.push(mca);
  const gdap = gdapFinding(customer);
  if (gdap) findings.push(gdap);
  const blockedBases = untransferableBases(customer.subscriptions);
  for (const s of customer.subscriptions) {
    findings.push(...subscriptionFindings(s, blockedBases, settings.today));
  }
  return findings;
}

function regionFinding(customer: PreflightCustomer, region: PreflightRegion): Finding | undefined {
  if (customer.country.toUpperCase() === region.code.toUpperCase()) return undefined;
  const whose =
    region.source === 'provider'
      ? `the provider's region, ${region.code}`
      : `the partner's CSP region, ${region.code}, where any provider it chooses must be`;
  const billed = customer.countryWithheld
    ? 'The customer is billed outside'
    : `The customer is billed in ${customer.country}, outside`;
  return finding(
    'customer_region_mismatch',
    `${billed} ${whose}. A reseller relationship is possible only within the provider's region, so this customer cannot move to it.`,
  );
}

function mcaFinding(customer: PreflightCustomer): Finding | undefined {
  if (customer.mcaAcceptance === 'admin_center') return undefined;
  if (customer.mcaState !== null && settledMca.has(customer.mcaState)) return undefined;
  const why =
    customer.mcaAcceptance === 'none'
      ? 'The customer has not accepted the Microsoft Customer Agreement'
      : "The customer accepted the Microsoft Customer Agreement through the partner's attestation, which is not kept";
  const where =
    customer.mcaState === 'requested'
      ? ' Its acceptance was asked for; the provider records it.'
      : '';
  return finding(
    'mca_acceptance_required',
    `${why}: it accepts it${customer.mcaAcceptance === 'none' ? '' : ' again'} through the provider, and no transfer proceeds before.${where}`,
  );
}

function gdapFinding(customer: PreflightCustomer): Finding | undefined {
  if (!customer.providerNeedsAdmin || customer.relationshipState === 'established')
    return undefined;
  const where =
    customer.relationshipState === null
      ? ''
      : ` Its reseller relationship is in ${customer.relationshipState}.`;
  return finding(
    'gdap_required',
    `The provider needs admin rights (GDAP) for this customer: the relationship goes by an indirect reseller invitation, not the extension, and GDAP is requested and approved once the customer accepts it.${where}`,
  );
}

/** Why a subscription cannot transfer as it stands, in words; undefined when it can. */
function ownBlock(s: PreflightSubscription): string | undefined {
  if (s.kind === 'legacy_license' || s.kind === 'legacy_azure')
    return 'it is a legacy subscription not yet migrated to new commerce';
  if (s.kind === 'marketplace_saas' && !s.transferEligible)
    return 'it is a marketplace item its publisher does not let transfer';
  if (s.status !== 'active') return `it is ${s.status === 'trial' ? 'a trial' : s.status}`;
  return undefined;
}

/**
 * The subscriptions an add-on cannot travel with, by id, with the reason: those that cannot
 * transfer themselves, and add-ons whose own base cannot (followed to the root; a loop counts
 * as blocked). A base not among the subscriptions still to move but already transferred is
 * not listed: the add-on follows it to the provider.
 */
function untransferableBases(subscriptions: readonly PreflightSubscription[]): Map<string, string> {
  const byId = new Map(subscriptions.map((s) => [s.id, s]));
  const blocked = new Map<string, string>();
  const reasonOf = (s: PreflightSubscription, seen: Set<string>): string | undefined => {
    const own = ownBlock(s);
    if (own) return own;
    if (s.baseSubscriptionId === null) return undefined;
    if (seen.has(s.id)) return 'its bases name each other in a loop';
    seen.add(s.id);
    const base = byId.get(s.baseSubscriptionId);
    if (!base) return undefined;
    return reasonOf(base, seen) === undefined ? undefined : 'its own base cannot transfer';
  };
  for (const s of subscriptions) {
    const reason = reasonOf(s, new Set());
    if (reason) blocked.set(s.id, reason);
  }
  return blocked;
}

const kindInfo: Partial<Record<SubscriptionKind, { code: PreflightCode; what: string }>> = {
  azure_reservation: { code: 'azure_reservation_transfers', what: 'An Azure reservation' },
  azure_savings_plan: { code: 'azure_savings_plan_transfers', what: 'An Azure savings plan' },
  software: { code: 'software_transfers', what: 'A software subscription' },
  marketplace_saas: {
    code: 'marketplace_saas_transfers',
    what: 'A marketplace item its publisher lets transfer',
  },
};

const cycleWords: Record<BillingCycle, string> = {
  monthly: 'billed monthly',
  annual: 'billed yearly',
  triennial: 'billed every three years',
  one_time: 'paid once',
  none: 'not billed',
};

function subscriptionFindings(
  s: PreflightSubscription,
  blockedBases: ReadonlyMap<string, string>,
  today: string,
): Finding[] {
  const findings: Finding[] = [];
  if (s.kind === 'legacy_azure') {
    findings.push(
      finding(
        'legacy_azure_blocks_transfer',
        'A legacy Azure subscription: none of this customer’s subscriptions can transfer until it is migrated to an Azure plan.',
        s.id,
      ),
    );
  }
  if (s.kind === 'legacy_license') {
    findings.push(
      finding(
        'legacy_subscription_requires_migration',
        'A legacy license-based subscription: it must be migrated to new commerce before it can transfer.',
        s.id,
      ),
    );
  }
  if (s.kind === 'marketplace_saas' && !s.transferEligible) {
    findings.push(
      finding(
        'marketplace_not_transferable',
        'A marketplace item whose publisher does not allow a transfer: leave it out; the customer cancels it and buys it again through the provider.',
        s.id,
      ),
    );
  }
  if (s.status !== 'active') {
    const what =
      s.status === 'trial'
        ? 'A trial cannot transfer: convert it to a paid subscription first, or leave it out.'
        : `It is ${s.status}, and only an active subscription can transfer: reactivate it first, or leave it out.`;
    findings.push(finding('subscription_not_active', what, s.id));
  }
  const base = s.baseSubscriptionId;
  const baseBlocked = base === null ? undefined : blockedBases.get(base);
  if (base !== null && baseBlocked) {
    findings.push(
      finding(
        'addon_without_base',
        `An add-on travels with its base subscription ${base}, never alone, and that base cannot transfer now (${baseBlocked}): this add-on moves once its base can.`,
        s.id,
      ),
    );
  }
  const ending = daysUntil(today, s.termEndDate);
  if (ending !== undefined && ending >= 0 && ending <= termWarningDays) {
    const when = ending === 0 ? 'today' : ending === 1 ? 'tomorrow' : `in ${ending} days`;
    findings.push(
      finding(
        'term_ending_soon',
        `Its term ends on ${s.termEndDate} (${when}): settle its renewal with the customer before the transfer, so that it neither lapses nor renews halfway.`,
        s.id,
      ),
    );
  }
  const info = kindInfo[s.kind];
  if (info && findings.every((f) => f.severity !== 'blocker')) {
    const terms = [
      s.termEndDate ? `its term ending ${s.termEndDate}` : undefined,
      s.billingCycle ? cycleWords[s.billingCycle] : undefined,
    ].filter(Boolean);
    findings.push(
      finding(
        info.code,
        `${info.what}: it transfers like a license-based subscription, in the same transfer request${terms.length > 0 ? `, and keeps its terms (${terms.join(', ')})` : ''}.`,
        s.id,
      ),
    );
  }
  return findings;
}

const dayMs = 24 * 60 * 60 * 1000;

/** Whole days from `today` to `date` (both YYYY-MM-DD, UTC); undefined without a date. */
function daysUntil(today: string, date: string | null): number | undefined {
  if (date === null) return undefined;
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / dayMs);
}

/** The partner as the partner of record on every transfer. */
export interface PreflightPartner {
  mpnId: string;
  /** From the newer copy of the profile: the partner's or its enrollment's. */
  plaVerified: boolean;
}

/** Whether the partner can be put as partner of record on a transfer, which FY26 requires. */
export function partnerFindings(partner: PreflightPartner): Finding[] {
  if (!partner.plaVerified) {
    return [
      finding(
        'partner_of_record_not_ready',
        `The partner's PLA is not verified: since FY26 a transaction without a valid partner of record is refused, so no transfer can name PartnerID ${partner.mpnId} until the PLA is verified.`,
      ),
    ];
  }
  return [
    finding(
      'partner_of_record_ready',
      `The provider puts PartnerID ${partner.mpnId} as partner of record on every transfer and order for these customers.`,
    ),
  ];
}

export interface PreflightTotals {
  /** Customers still to move. */
  customers: number;
  /** Of them, those with at least one blocker of their own. */
  customersBlocked: number;
  bySeverity: Record<PreflightSeverity, number>;
  byCode: Record<PreflightCode, number>;
}

/** Counts of every finding, the partner's included; every code and severity appears, 0 or not. */
export function tally(
  partner: readonly Finding[],
  customers: ReadonlyArray<readonly Finding[]>,
): PreflightTotals {
  const bySeverity = Object.fromEntries(preflightSeverities.map((s) => [s, 0])) as Record<
    PreflightSeverity,
    number
  >;
  const byCode = Object.fromEntries(preflightCodeList.map((c) => [c, 0])) as Record<
    PreflightCode,
    number
  >;
  const count = (f: Finding) => {
    bySeverity[f.severity] += 1;
    byCode[f.code] += 1;
  };
  partner.forEach(count);
  let customersBlocked = 0;
  for (const findings of customers) {
    findings.forEach(count);
    if (findings.some((f) => f.severity === 'blocker')) customersBlocked += 1;
  }
  return { customers: customers.length, customersBlocked, bySeverity, byCode };
}
