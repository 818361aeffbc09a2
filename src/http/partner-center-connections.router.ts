import { Router, type Request } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import { canSeePartner } from '../auth/scope.ts';
import { Forbidden, NotFound } from '../errors.ts';
import type { Secrets } from '../secrets/secrets.ts';
import type { Database } from '../store/database.ts';
import {
  deleteConnection,
  findConnection,
  putConnection,
  toConnection,
  type ConnectionOwner,
} from '../store/partner-center-connections.ts';
import { findPartner } from '../store/partners.ts';
import { findProvider } from '../store/providers.ts';
import type { ApiCatalog } from './openapi.ts';
import {
  partnerCenterConnection,
  partnerCenterCredentialsInput,
} from './partner-center-schemas.ts';
import { parseBody } from './validate.ts';

export interface PartnerCenterConnectionRouterDeps {
  db: Database;
  secrets: Secrets;
  catalog: ApiCatalog;
  now: () => Date;
}

const owners = {
  partner: {
    name: 'Partner',
    roles: 'admin; global_admin of that partner',
    who: 'a partner',
  },
  provider: {
    name: 'Provider',
    roles: 'admin; provider (its own)',
    who: 'a provider',
  },
} as const;

/**
 * The credentials Tiershift calls Partner Center with on a partner's or a provider's
 * behalf. Registered and replaced by their owner (or an admin), never shown back: the
 * answers say only whose they are and who registered them.
 */
export function createPartnerCenterConnectionRouter({
  db,
  secrets,
  catalog,
  now,
}: PartnerCenterConnectionRouterDeps): Router {
  const router = Router();
  for (const kind of ['partner', 'provider'] as const) {
    const { name, roles, who } = owners[kind];
    const path = `/v1/${kind}s/:id/partner-center-connection`;

    catalog.add({
      method: 'put',
      path,
      operationId: `put${name}PartnerCenterConnection`,
      tag: 'Partner Center connections',
      summary: `Registers the App+User credentials Tiershift calls Partner Center with for ${who}, or replaces them`,
      roles,
      description:
        'The client secret and the refresh token are stored sealed (AES-256-GCM under `SECRETS_KEY`) and never shown again; the answer says only whose credentials they are. 201 when none were registered before, 200 when they replace others.',
      body: partnerCenterCredentialsInput,
      examples: {
        readme: {
          summary: 'Credentials from the secure application model',
          value: {
            tenantId: '6f1f7a7e-0a55-4c36-8a8b-6d4a1c0f3e21',
            clientId: '3c1e9f4a-7b2d-4e8f-9a6c-1d2e3f4a5b6c',
            clientSecret: 'app-secret-from-entra',
            refreshToken: '0.AXEA-refresh-token-from-an-App+User-sign-in',
          },
        },
      },
      response: { status: 200, schema: partnerCenterConnection },
      otherResponses: [
        {
          status: 201,
          description: 'Registered for the first time',
          types: {
            'application/json': {
              schema: { $ref: '#/components/schemas/PartnerCenterConnection' },
            },
          },
        },
      ],
      errors: [400, 401, 403, 404, 422],
    });
    router.put(path, async (req, res) => {
      const owner = await ownerFor(db, req, kind);
      const body = parseBody(partnerCenterCredentialsInput, req.body);
      const { row, created } = await putConnection(
        db,
        secrets,
        owner,
        body,
        principalOf(req),
        now(),
      );
      res.status(created ? 201 : 200).json(toConnection(row));
    });

    catalog.add({
      method: 'get',
      path,
      operationId: `get${name}PartnerCenterConnection`,
      tag: 'Partner Center connections',
      summary: `Whether ${who} registered Partner Center credentials, and who did; never the secrets`,
      roles,
      response: { status: 200, schema: partnerCenterConnection },
      errors: [401, 403, 404],
    });
    router.get(path, async (req, res) => {
      const owner = await ownerFor(db, req, kind);
      const row = await findConnection(db, owner);
      if (!row) throw new NotFound('connection');
      res.json(toConnection(row));
    });

    catalog.add({
      method: 'delete',
      path,
      operationId: `delete${name}PartnerCenterConnection`,
      tag: 'Partner Center connections',
      summary: `Forgets the Partner Center credentials of ${who}; calls on its behalf stop`,
      roles,
      otherResponses: [{ status: 204, description: 'Deleted', types: {} }],
      errors: [401, 403, 404],
    });
    router.delete(path, async (req, res) => {
      const owner = await ownerFor(db, req, kind);
      if (!(await deleteConnection(db, owner))) throw new NotFound('connection');
      res.status(204).end();
    });
  }
  return router;
}

/**
 * The owner a request is about, if the caller may manage its credentials. A partner is
 * hidden (404) from whoever may not see it; its auditors and managers see it but may not
 * touch its credentials (403), only its Global admins and admins may. Providers are a public
 * directory: anyone learns one exists, only the provider itself and admins act (else 403).
 */
async function ownerFor(
  db: Database,
  req: Request,
  kind: ConnectionOwner['kind'],
): Promise<ConnectionOwner> {
  const principal = principalOf(req);
  const id = String(req.params.id);
  if (kind === 'partner') {
    const partner = await findPartner(db, id);
    if (!partner || !canSeePartner(principal, partner.id)) throw new NotFound('partner');
    const own = principal.role === 'global_admin' && principal.partnerId === partner.id;
    if (principal.role !== 'admin' && !own) {
      throw new Forbidden(
        "Only the partner's Global admins and admins manage its Partner Center credentials.",
      );
    }
    return { kind, id: partner.id };
  }
  const provider = await findProvider(db, id);
  if (!provider) throw new NotFound('provider');
  const own = principal.role === 'provider' && principal.providerId === provider.id;
  if (principal.role !== 'admin' && !own) {
    throw new Forbidden(
      'Only the provider itself and admins manage its Partner Center credentials.',
    );
  }
  return { kind, id: provider.id };
}
