import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import type { Transfer } from '../src/partner-center/partner-center.ts';
import { as } from './harness.ts';

/** A transfer as Partner Center answers it, completed with no lines unless told otherwise. */
export function transferFixture(over: Partial<Transfer> = {}): Transfer {
  return {
    id: 'tr-1',
    status: 'Complete',
    transferType: 3,
    customerTenantId: 'c',
    customerEmailId: 'it@contoso.example',
    sourcePartnerTenantId: 's',
    sourcePartnerName: 'Source',
    targetPartnerTenantId: 't',
    partnerOnRecord: '1234567',
    createdTime: '2026-11-23T10:00:00Z',
    lastModifiedTime: '2026-11-23T10:00:00Z',
    expirationTime: '2026-12-23T10:00:00Z',
    lineItems: [],
    ...over,
  };
}

/** Registers Partner Center credentials for a partner or a provider through the API. */
export async function connectPartnerCenter(
  app: Express,
  adminToken: string,
  kind: 'partner' | 'provider',
  id: string,
): Promise<void> {
  const res = await as(app, adminToken).put(
    `/v1/${kind === 'partner' ? 'partners' : 'providers'}/${id}/partner-center-connection`,
    {
      tenantId: randomUUID(),
      clientId: randomUUID(),
      clientSecret: 'a client secret for the test',
      refreshToken: 'a refresh token for the test',
    },
  );
  if (res.status >= 300) throw new Error(`connecting ${kind} ${id}: ${res.status}`);
}
