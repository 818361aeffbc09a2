import { randomInt, randomUUID } from 'node:crypto';
import type { Schema } from '../src/client/index.ts';
import { Api, ok, pool } from './api.ts';

const profile = {
  maicppMember: true,
  plaVerified: true,
  mfaEnforced: true,
  securityContact: { name: 'Sam Secure', email: 'sam@contoso-it.com' },
  businessEmail: 'partner.ops@contoso-it.com',
  enrollingUser: {
    name: 'Gail',
    email: 'gail@contoso-it.com',
    globalAdmin: true,
    authorityToSign: true,
  },
};

export interface Partner {
  id: string;
  tenantId: string;
  /** The PartnerID a transfer request names as partner of record. */
  mpnId: string;
  manager: string;
  globalAdmin: string;
  transitionId: string;
}

export interface Provider {
  id: string;
  token: string;
}

let serial = 0;
const uniqueDigits = () =>
  String(1_000_000 + ((Date.now() * 7 + ++serial * 7919 + randomInt(1000)) % 8_999_999));

export async function createProvider(api: Api, admin: string): Promise<Provider> {
  const client = api.client(admin);
  const provider = ok(
    await client.POST('/v1/providers', {
      body: { name: `Distributor ${serial}`, mpnId: uniqueDigits(), region: 'DE' },
    }),
  );
  const principal = ok(
    await client.POST('/v1/principals', {
      body: { name: 'provider ops', role: 'provider', providerId: provider.id },
    }),
  );
  return { id: provider.id, token: principal.token };
}

export interface PartnerTeam {
  id: string;
  tenantId: string;
  mpnId: string;
  manager: string;
  globalAdmin: string;
}

/** A partner and its manager and global admin. */
export async function createPartnerTeam(api: Api, admin: string): Promise<PartnerTeam> {
  const client = api.client(admin);
  const tenantId = randomUUID();
  const mpnId = uniqueDigits();
  const partner = ok(
    await client.POST('/v1/partners', {
      body: {
        name: `Partner ${serial}`,
        mpnId,
        plaId: `PLA-${serial}`,
        plaRegion: 'DE',
        cspRegion: 'DE',
        tenantId,
        profile,
      },
    }),
  );
  const token = async (role: 'manager' | 'global_admin') =>
    ok(await client.POST('/v1/principals', { body: { name: role, role, partnerId: partner.id } }))
      .token;
  return {
    id: partner.id,
    tenantId,
    mpnId,
    manager: await token('manager'),
    globalAdmin: await token('global_admin'),
  };
}

/**
 * A partner with its people and a transition in `enrolling`; returns its enrollment too. A
 * new partner unless `team` names one already made (to subscribe its manager first, say).
 */
export async function partnerInEnrolling(
  api: Api,
  admin: string,
  team?: PartnerTeam,
): Promise<Partner & { enrollmentId: string }> {
  team ??= await createPartnerTeam(api, admin);
  const manager = api.client(team.manager);
  const globalAdmin = api.client(team.globalAdmin);
  const transition = ok(
    await manager.POST('/v1/transitions', {
      body: { partnerId: team.id, tenantStrategy: 'new_tenant' },
    }),
  );
  const path = { params: { path: { id: transition.id } } };
  ok(
    await manager.POST('/v1/workflows/{id}/events', { ...path, body: { type: 'CONFIRM_PROFILE' } }),
  );
  ok(
    await globalAdmin.POST('/v1/workflows/{id}/events', {
      ...path,
      body: { type: 'NEW_TENANT_REGISTERED', tenantId: randomUUID() },
    }),
  );
  const enrollments = ok(
    await manager.GET('/v1/workflows', {
      params: { query: { machine: 'enrollment', parentId: transition.id } },
    }),
  );
  return {
    ...team,
    transitionId: transition.id,
    enrollmentId: enrollments.items[0]!.id,
  };
}

export async function importCustomers(
  api: Api,
  partner: Partner,
  count: number,
  subscriptions: number,
): Promise<void> {
  const manager = api.client(partner.manager);
  const chunk = 2000;
  for (let start = 0; start < count; start += chunk) {
    const batch = customerBatch(start, Math.min(chunk, count - start), subscriptions);
    ok(
      await manager.POST('/v1/partners/{id}/customers', {
        params: { path: { id: partner.id } },
        body: batch,
      }),
    );
  }
}

/** Customers numbered from `start`, half of them with an MCA kept from the admin center. */
export function customerBatch(
  start: number,
  count: number,
  subscriptions: number,
): Array<Schema<'CustomerInput'>> {
  return Array.from({ length: count }, (_, i) => {
    const n = start + i;
    return {
      name: `Customer ${n}`,
      tenantId: randomUUID(),
      acquiredAs: 'direct_bill',
      mcaAcceptance: n % 2 === 0 ? 'admin_center' : 'partner_attestation',
      billTo: {
        companyName: `Customer ${n} GmbH`,
        email: `billing${n}@customer.example`,
        country: 'DE',
      },
      subscriptions: Array.from({ length: subscriptions }, (_, s) => ({
        id: `c${n}-s${s}`,
        offer: 'Microsoft 365 E3',
        kind: 'nce_license',
        quantity: 5,
      })),
    };
  });
}

/** Enrollment approved and the provider's invitation sent: one acceptance from migrating. */
export async function toInvitationSent(
  api: Api,
  admin: string,
  partner: Partner & { enrollmentId: string },
  provider: Provider,
): Promise<void> {
  await api.event(partner.globalAdmin, partner.enrollmentId, { type: 'SUBMIT' });
  await api.event(admin, partner.enrollmentId, { type: 'APPROVE' });
  await api.event(partner.globalAdmin, partner.enrollmentId, {
    type: 'ACCEPT_AGREEMENT',
    agreementVersion: 'MPA',
  });
  await api.event(partner.manager, partner.transitionId, {
    type: 'PARTNERSHIP_REQUESTED',
    providerId: provider.id,
  });
  await api.event(provider.token, partner.transitionId, {
    type: 'PROVIDER_INVITATION_SENT',
    providerId: provider.id,
  });
}

/** Enrollment approved and the provider's invitation accepted: the transition starts migrating. */
export async function startMigrating(
  api: Api,
  admin: string,
  partner: Partner & { enrollmentId: string },
  provider: Provider,
): Promise<void> {
  await toInvitationSent(api, admin, partner, provider);
  await api.event(partner.globalAdmin, partner.transitionId, {
    type: 'PROVIDER_INVITATION_ACCEPTED',
    providerId: provider.id,
  });
}

/** Every customer through relationship, MCA and transfer; returns how many events were sent. */
export async function moveEveryCustomer(
  api: Api,
  partner: Partner,
  provider: Provider,
  subscriptions: number,
  concurrency: number,
): Promise<number> {
  let events = 0;
  const send = async (token: string, id: string, event: Record<string, unknown>) => {
    await api.event(token, id, event);
    events += 1;
  };
  const t = partner.transitionId;
  const relationships = await api.all(
    partner.manager,
    `parentId=${t}&machine=resellerRelationship`,
  );
  const mcas = await api.all(
    partner.manager,
    `parentId=${t}&machine=mcaReacceptance&state=awaitingAcceptance`,
  );
  await pool(relationships, concurrency, async (r) => {
    await send(partner.manager, r.id, { type: 'USE_INVITATION' });
    await send(partner.manager, r.id, { type: 'INVITATION_ACCEPTED' });
  });
  await pool(mcas, concurrency, async (m) => {
    await send(partner.manager, m.id, { type: 'ACCEPTANCE_REQUESTED' });
    await send(provider.token, m.id, {
      type: 'ACCEPTANCE_RECORDED',
      acceptedBy: { firstName: 'Ann', lastName: 'Lee', email: 'ann@customer.example' },
      dateAgreed: '2026-01-15',
    });
  });
  const transfers = await api.all(partner.manager, `parentId=${t}&machine=subscriptionTransfer`);
  await pool(transfers, concurrency, async (x) => {
    const detail = await api.call<{ context: { subscriptions: Array<{ id: string }> } }>(
      partner.manager,
      'GET',
      `/v1/workflows/${x.id}`,
    );
    const ids = detail.context.subscriptions.map((s) => s.id).slice(0, subscriptions);
    await send(partner.manager, x.id, { type: 'CUSTOMER_AGREED' });
    await send(provider.token, x.id, { type: 'DETAILS_CONFIRMED', subscriptionIds: ids });
    await send(provider.token, x.id, {
      type: 'TRANSFER_REQUEST_CREATED',
      customerEmail: 'it@customer.example',
      sourcePartnerTenantId: partner.tenantId,
      partnerOnRecord: partner.mpnId,
    });
    await send(partner.manager, x.id, { type: 'TRANSFER_SUBMITTED', subscriptionIds: ids });
    for (const id of ids)
      await send(provider.token, x.id, {
        type: 'SUBSCRIPTION_TRANSFERRED',
        subscriptionId: id,
        newSubscriptionId: `new-${id}`,
      });
  });
  return events;
}
