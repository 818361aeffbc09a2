import { z } from 'zod';
import { apiSchema } from './api-schema.ts';

/**
 * App+User credentials as Partner Center's secure application model has them: the owner's
 * tenant, the Entra application, its secret, and a refresh token a user of the owner signed
 * in for (with MFA). The bounds are generous for what Entra issues, and no more.
 */
export const partnerCenterCredentialsInput = apiSchema(
  'PartnerCenterCredentials',
  z.strictObject({
    tenantId: z.uuid().describe('the Entra tenant of the partner or provider (its directory id)'),
    clientId: z
      .uuid()
      .describe('the application (client) id of the Entra app registered for Partner Center'),
    clientSecret: z
      .string()
      .min(1)
      .max(1024)
      .describe("the app's client secret; stored sealed, never shown again"),
    refreshToken: z
      .string()
      .min(1)
      .max(16_384)
      .describe('a refresh token from an App+User sign-in; stored sealed, never shown again'),
  }),
);

export const partnerCenterConnection = apiSchema(
  'PartnerCenterConnection',
  z.object({
    owner: z.object({ kind: z.enum(['partner', 'provider']), id: z.string() }),
    tenantId: z.string(),
    clientId: z.string(),
    connected: z.literal(true).describe('credentials are registered; they are never shown'),
    updatedAt: z.iso.datetime(),
    updatedBy: z
      .object({ id: z.string(), name: z.string(), role: z.string() })
      .describe('the principal that registered them'),
  }),
);
