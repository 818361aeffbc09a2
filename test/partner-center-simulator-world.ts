import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { Transfer } from '../src/partner-center/partner-center.ts';
import { createSimulator, type Simulator } from '../src/partner-center/simulator/simulator.ts';
import type { SimulatorOptions } from '../src/partner-center/simulator/options.ts';
import type { CallRecord, DeliveryRecord } from '../src/partner-center/simulator/state.ts';
import { graphScope, partnerCenterScope } from '../src/partner-center/simulator/token.ts';
import { ManualClock } from './clock.ts';

export interface SeededAccount {
  tenantId: string;
  name: string;
  mpnId: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  kind: 'partner' | 'provider';
}

let mpn = 4_100_000;

export function buildAccount(kind: 'partner' | 'provider', name: string): SeededAccount {
  mpn += 1;
  return {
    tenantId: randomUUID(),
    name,
    mpnId: String(mpn),
    clientId: randomUUID(),
    clientSecret: `secret-${randomUUID()}`,
    refreshToken: `refresh-${randomUUID()}`,
    kind,
  };
}

/**
 * A simulator on a hand-moved clock with three accounts (the transitioning partner, its
 * provider, a partner with no business here) and one customer of the partner with two
 * new-commerce subscriptions (one with an add-on) and a legacy one.
 */
export async function buildWorld(options: SimulatorOptions = {}) {
  const clock = new ManualClock();
  const sim: Simulator = createSimulator({
    clock,
    transferCompletionDelayMs: 60_000,
    migrationDelayMs: 60_000,
    gdapActivationDelayMs: 60_000,
    ...options,
  });
  const api = request(sim.app);
  const partner = buildAccount('partner', 'Contoso Partners');
  const provider = buildAccount('provider', 'Northwind Distribution');
  const outsider = buildAccount('partner', 'Fabrikam Resale');
  const subscriptions = {
    base: randomUUID(),
    addOn: randomUUID(),
    second: randomUUID(),
    legacy: randomUUID(),
  };
  const customer = {
    tenantId: randomUUID(),
    name: 'Tailspin Toys',
    email: 'it@tailspin.example',
    partnerTenantId: partner.tenantId,
    subscriptions: [
      {
        id: subscriptions.base,
        offerId: 'CFQ7TTC0LF8Q:0001',
        friendlyName: 'Business Premium',
        quantity: 25,
        billingCycle: 'monthly',
      },
      {
        id: subscriptions.addOn,
        offerId: 'CFQ7TTC0LHSF:0001',
        friendlyName: 'Defender add-on',
        quantity: 25,
        billingCycle: 'monthly',
        baseSubscriptionId: subscriptions.base,
      },
      {
        id: subscriptions.second,
        offerId: 'CFQ7TTC0LH0R:0001',
        friendlyName: 'Teams Essentials',
        quantity: 4,
        billingCycle: 'annual',
      },
      {
        id: subscriptions.legacy,
        offerId: '796B6B5F-613C-4E24-A17C-EBA730D49C02',
        friendlyName: 'Office 365 E3 (legacy)',
        quantity: 10,
        billingCycle: 'annual',
        legacy: true,
      },
    ],
  };
  await api.post('/_sim/accounts').send([partner, provider, outsider]).expect(201);
  await api.post('/_sim/customers').send(customer).expect(201);

  const tokenFor = async (account: SeededAccount, scope = partnerCenterScope) => {
    const res = await api
      .post(`/${account.tenantId}/oauth2/v2.0/token`)
      .type('form')
      .send({
        grant_type: 'refresh_token',
        client_id: account.clientId,
        client_secret: account.clientSecret,
        refresh_token: account.refreshToken,
        scope,
      })
      .expect(200);
    return `Bearer ${(res.body as { access_token: string }).access_token}`;
  };
  const auth = {
    partner: await tokenFor(partner),
    provider: await tokenFor(provider),
    outsider: await tokenFor(outsider),
    partnerGraph: await tokenFor(partner, graphScope),
    outsiderGraph: await tokenFor(outsider, graphScope),
  };

  /** The customer accepts the provider and, through it, the partner as indirect reseller. */
  const acceptRelationship = () =>
    api
      .post(`/_sim/customers/${customer.tenantId}/relationships`)
      .send({ providerTenantId: provider.tenantId, resellerTenantId: partner.tenantId })
      .expect(200);

  /** The body the provider posts, field for field as "Create a transfer for new commerce". */
  const newTransfer = () => ({
    sourcePartnerTenantId: partner.tenantId,
    sourcePartnerName: partner.name,
    customerEmailId: customer.email,
    customerName: customer.name,
    targetPartnerTenantId: provider.tenantId,
    partnerOnRecord: partner.mpnId,
    transferType: 3,
  });

  const createTransfer = async (requestId = randomUUID()) => {
    const res = await api
      .post(`/v1/customers/${customer.tenantId}/transfers`)
      .set('Authorization', auth.provider)
      .set('MS-RequestId', requestId)
      .set('MS-CorrelationId', randomUUID())
      .send(newTransfer())
      .expect(201);
    return res.body as Transfer;
  };

  const calls = async (query: Record<string, string> = {}) =>
    ((await api.get('/_sim/calls').query(query).expect(200)).body as { items: CallRecord[] }).items;
  const deliveries = async () =>
    ((await api.get('/_sim/webhooks').expect(200)).body as { items: DeliveryRecord[] }).items;

  return {
    sim,
    api,
    clock,
    partner,
    provider,
    outsider,
    customer,
    subscriptions,
    auth,
    tokenFor,
    acceptRelationship,
    newTransfer,
    createTransfer,
    calls,
    deliveries,
  };
}

export type World = Awaited<ReturnType<typeof buildWorld>>;
