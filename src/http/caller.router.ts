import { Router } from 'express';
import { z } from 'zod';
import { bearerToken, principalOf } from '../auth/authenticate.ts';
import { hashToken } from '../auth/tokens.ts';
import { Unauthenticated } from '../errors.ts';
import type { Database } from '../store/database.ts';
import { findTokenLifetime } from '../store/principals.ts';
import { apiSchema } from './api-schema.ts';
import type { ApiCatalog } from './openapi.ts';
import { createPrincipal } from './schemas.ts';

const caller = apiSchema(
  'Caller',
  z.object({
    id: z.string(),
    name: z.string(),
    role: createPrincipal.shape.role,
    partnerId: z.string().nullable().describe('the partner a manager or global_admin acts for'),
    providerId: z.string().nullable().describe('the provider a provider principal acts for'),
    expiresAt: z
      .string()
      .nullable()
      .describe(
        "when this token stops working: the principal's expiry or the end of a rotation's overlap, whichever comes first; null when neither is set",
      ),
  }),
);

/** The earlier of two instants, either of which may be absent. */
function earliest(...instants: Array<Date | null>): Date | null {
  const given = instants.filter((d): d is Date => d !== null).map((d) => new Date(d));
  if (given.length === 0) return null;
  return new Date(Math.min(...given.map((d) => d.getTime())));
}

/**
 * Who the token signs in as: what a client shows its user before anything else (the console's
 * header), read with the token it already holds, so it needs no admin rights.
 */
export function createCallerRouter({ db, catalog }: { db: Database; catalog: ApiCatalog }): Router {
  const router = Router();
  catalog.add({
    method: 'get',
    path: '/v1/me',
    operationId: 'getCaller',
    tag: 'Administration',
    summary: 'The principal this token signs in as; never the token itself',
    roles: 'any authenticated principal',
    response: { status: 200, schema: caller },
    errors: [401],
  });
  router.get('/v1/me', async (req, res) => {
    const principal = principalOf(req);
    const token = bearerToken(req.get('authorization'));
    const lifetime = token ? await findTokenLifetime(db, hashToken(token)) : undefined;
    // A token's rows are never deleted, and authentication has just found this one.
    if (!lifetime) throw new Unauthenticated();
    const expiresAt = earliest(lifetime.principal_expires_at, lifetime.token_expires_at);
    res.json({
      id: principal.id,
      name: principal.name,
      role: principal.role,
      partnerId: principal.partnerId,
      providerId: principal.providerId,
      expiresAt: expiresAt?.toISOString() ?? null,
    });
  });
  return router;
}
