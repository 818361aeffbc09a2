import { randomUUID } from 'node:crypto';
import type { CallRecord, Simulator } from '../src/partner-center/simulator/index.ts';
import { logLimit, type Account } from '../src/partner-center/simulator/state.ts';
import type { Api } from './api.ts';
import { simulatorCustomer, tiershiftCustomer, type PlannedCustomer } from './connected-plan.ts';
import {
  createProvider,
  partnerInEnrolling,
  toInvitationSent,
  type Partner,
  type Provider,
} from './scenario.ts';

/** An account as the simulator is seeded with it, holding the credentials Tiershift is given. */
export type SimAccount = Omit<Account, 'kind' | 'userId'>;

export function simAccount(
  name: string,
  mpnId: string,
  tenantId: string = randomUUID(),
): SimAccount {
  return {
    tenantId,
    name,
    mpnId,
    clientId: randomUUID(),
    clientSecret: `secret-${randomUUID()}`,
    refreshToken: `refresh-${randomUUID()}`,
  };
}

/** A server's settings that point its connected mode at the simulator listening at `simUrl`. */
export function simulatorEnv(simUrl: string): Record<string, string> {
  return {
    PARTNER_CENTER_URL: simUrl,
    PARTNER_CENTER_GRAPH_URL: `${simUrl}/graph/v1.0`,
    PARTNER_CENTER_AUTHORITY: simUrl,
    PARTNER_CENTER_WEBHOOK_CERT_URLS: `${simUrl}/certificates/`,
  };
}

/** A call to the simulator (its control API under `/_sim`, or Partner Center's own paths). */
export async function simCall<T>(
  sim: Api,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await sim.request(method, path, body === undefined ? {} : { body });
  if (res.status >= 300) throw new Error(`simulator ${method} ${path} → ${res.status} ${res.text}`);
  return (res.text ? JSON.parse(res.text) : undefined) as T;
}

/**
 * Registers `receiver` (Tiershift, or whatever stands in front of its instances) for an
 * account's Partner Center webhooks, as the account.
 */
export async function registerWebhooks(sim: Api, a: SimAccount, receiver: string): Promise<void> {
  const token = await sim.request('POST', `/${a.tenantId}/oauth2/v2.0/token`, {
    text: new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: a.clientId,
      client_secret: a.clientSecret,
      refresh_token: a.refreshToken,
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation',
    }).toString(),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  });
  if (token.status !== 200) throw new Error(`simulator token → ${token.status} ${token.text}`);
  const accessToken = (JSON.parse(token.text) as { access_token: string }).access_token;
  const res = await sim.request('POST', '/webhooks/v1/registration', {
    token: accessToken,
    body: {
      WebhookUrl: `${receiver}/partner-center/webhooks`,
      WebhookEvents: [
        'complete-transfer',
        'fail-transfer',
        'indirect-reseller-relationship-accepted-by-customer',
        'reseller-relationship-accepted-by-customer',
      ],
    },
  });
  if (res.status >= 300) throw new Error(`webhook registration → ${res.status} ${res.text}`);
}

/** Both sides of a connected move, set up and one acceptance away from migrating. */
export interface ConnectedMove {
  partner: Partner & { enrollmentId: string };
  provider: Provider;
  asPartner: SimAccount;
  asProvider: SimAccount;
  /** The planned customers by their Tiershift id. */
  customers: Map<string, PlannedCustomer>;
}

/**
 * A connected move up to the provider's invitation: a provider and a partner in Tiershift,
 * both known to the simulator with their webhooks going to `receiver`, the customers in both,
 * both sides' credentials registered, the enrollment approved and the invitation sent.
 * `PROVIDER_INVITATION_ACCEPTED` by the partner's Global admin starts the move.
 */
export async function setUpConnectedMove(
  api: Api,
  sim: Api,
  admin: string,
  planned: readonly PlannedCustomer[],
  receiver: string,
): Promise<ConnectedMove> {
  const provider = await createProvider(api, admin);
  const partner = await partnerInEnrolling(api, admin);
  const asPartner = simAccount(`Partner ${partner.id}`, partner.mpnId, partner.tenantId);
  const asProvider = simAccount('Distributor', String(2_000_000 + Math.floor(Math.random() * 1e6)));

  await simCall(sim, 'POST', '/_sim/accounts', [
    { ...asPartner, kind: 'partner' },
    { ...asProvider, kind: 'provider' },
  ]);
  for (const a of [asPartner, asProvider]) await registerWebhooks(sim, a, receiver);
  for (let i = 0; i < planned.length; i += 1000) {
    await simCall(
      sim,
      'POST',
      '/_sim/customers',
      planned.slice(i, i + 1000).map((c) => simulatorCustomer(c, partner.tenantId)),
    );
  }

  const credentials = (a: SimAccount) => ({
    tenantId: a.tenantId,
    clientId: a.clientId,
    clientSecret: a.clientSecret,
    refreshToken: a.refreshToken,
  });
  await api.call(
    admin,
    'PUT',
    `/v1/partners/${partner.id}/partner-center-connection`,
    credentials(asPartner),
  );
  await api.call(
    admin,
    'PUT',
    `/v1/providers/${provider.id}/partner-center-connection`,
    credentials(asProvider),
  );

  const byTenant = new Map(planned.map((c) => [c.tenantId, c]));
  const customers = new Map<string, PlannedCustomer>();
  for (let i = 0; i < planned.length; i += 2000) {
    const created: { items: Array<{ id: string; tenantId: string }> } = await api.call(
      partner.manager,
      'POST',
      `/v1/partners/${partner.id}/customers`,
      planned.slice(i, i + 2000).map(tiershiftCustomer),
      [201],
    );
    for (const c of created.items) customers.set(c.id, byTenant.get(c.tenantId)!);
  }

  await toInvitationSent(api, admin, partner, provider);
  return { partner, provider, asPartner, asProvider, customers };
}

/** Partner Center effects each customer must see exactly this many times. */
export function expectedEffects(c: PlannedCustomer): Record<string, number> {
  return {
    acceptProviderRelationship: 1,
    acceptResellerRelationship: 1,
    signMcaDirectly: c.signsMca ? 1 : 0,
    createAgreement: c.providerRecordsMca ? 1 : 0,
    createMigration: c.legacy ? 1 : 0,
    completeMigration: c.legacy ? 1 : 0,
    createGdapRelationship: c.gdap ? 1 : 0,
    lockGdapForApproval: c.gdap ? 1 : 0,
    'gdap:approved': c.gdap ? 1 : 0,
    'gdap:activating': c.gdap ? 1 : 0,
    'gdap:active': c.gdap ? 1 : 0,
    createTransfer: 1,
    submitTransfer: 1,
    completeTransfer: 1,
  };
}

/**
 * Where the effects the simulator carried out (a repeat answered from memory is none) differ
 * from what each customer calls for, one line each; empty when every one happened as often as
 * it should.
 */
export function wrongEffects(
  calls: readonly CallRecord[],
  planned: readonly PlannedCustomer[],
): string[] {
  const perCustomer = new Map<string, Record<string, number>>();
  for (const call of calls) {
    if (call.replayed || !call.customer) continue;
    const counts = perCustomer.get(call.customer) ?? {};
    counts[call.operation] = (counts[call.operation] ?? 0) + 1;
    perCustomer.set(call.customer, counts);
  }
  const wrong: string[] = [];
  for (const c of planned) {
    const seen = perCustomer.get(c.tenantId) ?? {};
    const expected = expectedEffects(c);
    for (const operation of new Set([...Object.keys(expected), ...Object.keys(seen)])) {
      const times = expected[operation] ?? 0;
      if ((seen[operation] ?? 0) !== times) {
        wrong.push(`${c.name}: ${operation} ${seen[operation] ?? 0} times, ${times} expected`);
      }
    }
  }
  return wrong;
}

export interface ConnectedOutcome {
  /** Every call the simulator logged, repeats included. */
  calls: CallRecord[];
  transfersCompleted: number;
  /** What is not as a finished move must leave it, one line each; empty when all is. */
  problems: string[];
}

/**
 * How a connected move ended: every transfer completed in Tiershift, one transfer request per
 * customer in Partner Center, each Complete, and each effect carried out there as often as its
 * customer calls for, no more (a repeat answered from memory is no effect).
 */
export async function connectedOutcome(
  api: Api,
  sim: Api,
  simulator: Simulator,
  admin: string,
  transitionId: string,
  planned: readonly PlannedCustomer[],
): Promise<ConnectedOutcome> {
  const problems: string[] = [];
  const transfers = await api.all(admin, `parentId=${transitionId}&machine=subscriptionTransfer`);
  const transfersCompleted = transfers.filter((t) => t.state === 'completed').length;
  if (transfersCompleted !== planned.length || transfers.length !== planned.length) {
    problems.push(
      `${transfersCompleted} of ${transfers.length} transfers completed, ${planned.length} expected: ${transfers
        .filter((t) => t.state !== 'completed')
        .map((t) => `${t.id} ${t.state}`)
        .join(', ')}`,
    );
  }
  const simTransfers = [...simulator.state.transfers.values()];
  const complete = simTransfers.filter((t) => t.status === 'Complete').length;
  if (complete !== planned.length || simTransfers.length !== planned.length) {
    problems.push(
      `Partner Center holds ${simTransfers.length} transfers, ${complete} Complete; ${planned.length} expected`,
    );
  }
  const calls = (await simCall<{ items: CallRecord[] }>(sim, 'GET', '/_sim/calls')).items;
  if (calls.length >= logLimit) {
    problems.push('The simulator dropped its oldest calls: the effects cannot be checked');
  }
  problems.push(...wrongEffects(calls, planned).slice(0, 40));
  return { calls, transfersCompleted, problems };
}
