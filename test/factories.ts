import { randomInt, randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { expect } from 'vitest';
import type { EnrollmentProfile } from '../machines/enrollment/enrollment.profile.ts';
import { as } from './harness.ts';

let counter = 0;
// Separated, so that two different counters and draws can never spell the same id.
const unique = () => `${Date.now() % 1_000_000}-${++counter}-${randomInt(1000)}`;

/** A profile that meets every enrollment requirement. */
export function buildProfile(overrides: Partial<EnrollmentProfile> = {}): EnrollmentProfile {
  return {
    maicppMember: true,
    plaVerified: true,
    mfaEnforced: true,
    securityContact: { name: 'Sam Secure', email: 'sam.secure@contoso-it.com' },
    businessEmail: 'ops.team@contoso-it.com',
    enrollingUser: {
      name: 'Gail Admin',
      email: 'gail@contoso-it.com',
      globalAdmin: true,
      authorityToSign: true,
    },
    ...overrides,
  };
}

export function buildPartner(overrides: Record<string, unknown> = {}) {
  return {
    name: `Contoso IT ${unique()}`,
    mpnId: String(1_000_000 + randomInt(8_999_999)),
    plaId: `PLA-${unique()}`,
    plaRegion: 'DE',
    cspRegion: 'DE',
    tenantId: randomUUID(),
    profile: buildProfile(),
    ...overrides,
  };
}

export function buildProvider(overrides: Record<string, unknown> = {}) {
  return {
    name: `Distributor ${unique()}`,
    mpnId: String(1_000_000 + randomInt(8_999_999)),
    region: 'DE',
    ...overrides,
  };
}

export function buildCustomer(overrides: Record<string, unknown> = {}) {
  const id = unique();
  return {
    name: `Fabrikam ${id}`,
    tenantId: randomUUID(),
    acquiredAs: 'direct_bill',
    mcaAcceptance: 'none',
    billTo: {
      companyName: `Fabrikam ${id} GmbH`,
      email: `billing-${id}@fabrikam.example`,
      country: 'DE',
    },
    subscriptions: [
      { id: `sub-${id}-1`, offer: 'Microsoft 365 E3', kind: 'nce_license', quantity: 10 },
    ],
    ...overrides,
  };
}

export interface PartnerTeam {
  partnerId: string;
  manager: string;
  globalAdmin: string;
  auditor: string;
}

/** A partner with a manager, a Global admin and an auditor, all created over the API. */
export async function createPartnerTeam(
  app: Express,
  adminToken: string,
  partner = buildPartner(),
): Promise<PartnerTeam> {
  const admin = as(app, adminToken);
  const created = await admin.post('/v1/partners', partner);
  expect(created.status).toBe(201);
  const partnerId = (created.body as { id: string }).id;
  const token = async (role: string, extra: Record<string, unknown> = {}) => {
    const res = await admin.post('/v1/principals', { name: `${role} ${unique()}`, role, ...extra });
    expect(res.status).toBe(201);
    return (res.body as { token: string }).token;
  };
  return {
    partnerId,
    manager: await token('manager', { partnerId }),
    globalAdmin: await token('global_admin', { partnerId }),
    auditor: await token('auditor'),
  };
}

export async function createPrincipal(
  app: Express,
  adminToken: string,
  body: Record<string, unknown>,
): Promise<string> {
  const res = await as(app, adminToken).post('/v1/principals', { name: `p ${unique()}`, ...body });
  expect(res.status).toBe(201);
  return (res.body as { token: string }).token;
}
