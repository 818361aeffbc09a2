import { randomUUID } from 'node:crypto';
import type { Schema } from '../src/client/index.ts';
import { defaultThrottleLimits } from '../src/partner-center/simulator/index.ts';

/** One customer of the connected move, as Tiershift imports it and the simulator holds it. */
export interface PlannedCustomer {
  index: number;
  tenantId: string;
  name: string;
  email: string;
  subscriptionIds: string[];
  /** Its first subscription is legacy: the move migrates it to new commerce first. */
  legacy: boolean;
  /** The provider needs admin rights: an invitation, then GDAP. */
  gdap: boolean;
  /** Its MCA was the partner's attestation: the customer signs it itself during the move. */
  signsMca: boolean;
  /**
   * Its MCA was the partner's attestation, and the customer accepts it again through its
   * provider, who records the acceptance (Tiershift then records it in Partner Center too).
   */
  providerRecordsMca: boolean;
}

export interface Mix {
  customers: number;
  /** Share of customers holding a legacy subscription, 0 to 1. */
  legacyShare: number;
  /** Share of the others whose provider needs admin rights (GDAP), 0 to 1. */
  gdapShare: number;
  /**
   * Share of the customers who must accept the MCA again that do so through their provider
   * rather than in the admin center, 0 (the default) to 1.
   */
  providerRecordsMcaShare?: number;
}

/** `count` of `total` positions, spread evenly rather than bunched at the start. */
function spread(total: number, count: number): (position: number) => boolean {
  return (p) => Math.floor(((p + 1) * count) / total) > Math.floor((p * count) / total);
}

/**
 * The customers of a run: one to three subscriptions each; a share with a legacy one, spread
 * through the list as a partner's customers come; some of the others needing GDAP; half with
 * an MCA from the admin center (kept), half from the partner's attestation (accepted again,
 * in the admin center or a share of them through the provider).
 */
export function planCustomers(mix: Mix): PlannedCustomer[] {
  const legacyCount = Math.round(mix.customers * mix.legacyShare);
  const isLegacy = spread(mix.customers, legacyCount);
  const others = mix.customers - legacyCount;
  const needsGdap = spread(others, Math.round(others * mix.gdapShare));
  const reaccepting = Math.floor(mix.customers / 2);
  const throughProvider = spread(
    reaccepting,
    Math.round(reaccepting * (mix.providerRecordsMcaShare ?? 0)),
  );
  let other = 0;
  let reaccepted = 0;
  return Array.from({ length: mix.customers }, (_, n) => {
    const legacy = isLegacy(n);
    const gdap = !legacy && needsGdap(other++);
    const reaccepts = n % 2 === 1;
    const byProvider = reaccepts && throughProvider(reaccepted++);
    return {
      index: n,
      tenantId: randomUUID(),
      name: `Customer ${n}`,
      email: `billing${n}@customer.example`,
      subscriptionIds: Array.from({ length: 1 + (n % 3) }, (_, s) => `c${n}-s${s}`),
      legacy,
      gdap,
      signsMca: reaccepts && !byProvider,
      providerRecordsMca: byProvider,
    };
  });
}

/** The customer as the partner imports it into Tiershift. */
export function tiershiftCustomer(c: PlannedCustomer): Schema<'CustomerInput'> {
  return {
    name: c.name,
    tenantId: c.tenantId,
    acquiredAs: 'direct_bill',
    mcaAcceptance: c.signsMca || c.providerRecordsMca ? 'partner_attestation' : 'admin_center',
    providerNeedsAdmin: c.gdap,
    billTo: { companyName: `${c.name} GmbH`, email: c.email, country: 'DE' },
    subscriptions: c.subscriptionIds.map((id, s) => ({
      id,
      offer: s === 0 && c.legacy ? 'Office 365 E3 (legacy)' : 'Microsoft 365 E3',
      kind: s === 0 && c.legacy ? 'legacy_license' : 'nce_license',
      quantity: 5,
      billingCycle: 'monthly',
    })),
  };
}

/** The same customer as the simulator's control API seeds it. */
export function simulatorCustomer(c: PlannedCustomer, partnerTenantId: string) {
  return {
    tenantId: c.tenantId,
    name: c.name,
    email: c.email,
    partnerTenantId,
    subscriptions: c.subscriptionIds.map((id, s) => ({
      id,
      offerId: s === 0 && c.legacy ? '796B6B5F-613C-4E24-A17C-EBA730D49C02' : 'CFQ7TTC0LFLZ:0001',
      friendlyName: s === 0 && c.legacy ? 'Office 365 E3 (legacy)' : 'Microsoft 365 E3',
      quantity: 5,
      billingCycle: 'Monthly',
      ...(s === 0 && c.legacy ? { legacy: true } : {}),
    })),
  };
}

/** The waits Partner Center imposes, in its own (real) time. */
export interface PartnerCenterTimes {
  migrationDelayMs: number;
  transferCompletionDelayMs: number;
  gdapActivationDelayMs: number;
  /** The documented limit on creating migrations: so many calls per partner in a window. */
  migrationLimit: { limit: number; windowMs: number };
}

export const documentedTimes = (delays: Omit<PartnerCenterTimes, 'migrationLimit'>) => ({
  ...delays,
  migrationLimit: defaultThrottleLimits.createMigration,
});

/**
 * The least time Partner Center lets the move take, in its own time: the migrations go out
 * `limit` to a window, so the last of them cannot be created before `ceil(M / limit) - 1`
 * windows have passed; it then takes its delay, and its transfer the transfer's. Any customer's
 * own chain of waits (GDAP activation, a migration, the transfer) is a floor too. Everything
 * else (Tiershift's own work, the people's steps) is taken to cost nothing.
 */
export function leastTimeMs(customers: readonly PlannedCustomer[], t: PartnerCenterTimes): number {
  const migrations = customers.filter((c) => c.legacy).length;
  const windows = Math.max(0, Math.ceil(migrations / t.migrationLimit.limit) - 1);
  const lastMigration =
    migrations === 0
      ? 0
      : windows * t.migrationLimit.windowMs + t.migrationDelayMs + t.transferCompletionDelayMs;
  const chains = customers.map(
    (c) =>
      (c.gdap ? t.gdapActivationDelayMs : 0) +
      (c.legacy ? t.migrationDelayMs : 0) +
      t.transferCompletionDelayMs,
  );
  return Math.max(lastMigration, ...chains);
}
