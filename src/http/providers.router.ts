import { Router } from 'express';
import { z } from 'zod';
import { principalOf, requireRole } from '../auth/authenticate.ts';
import { Conflict, NotFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Database } from '../store/database.ts';
import { isUniqueViolation } from '../store/errors.ts';
import {
  findProvider,
  findProviderByMpnId,
  insertProvider,
  listProviders,
  toProvider,
} from '../store/providers.ts';
import { idempotentCreate, sendStored } from './idempotent-create.ts';
import type { ApiCatalog } from './openapi.ts';
import { createProvider, provider } from './schemas.ts';
import { parseBody } from './validate.ts';

export function createProviderRouter({
  db,
  catalog,
  now,
}: {
  db: Database;
  catalog: ApiCatalog;
  now: () => Date;
}): Router {
  const router = Router();
  catalog.add({
    method: 'post',
    path: '/v1/providers',
    operationId: 'createProvider',
    tag: 'Providers',
    summary: 'Registers an indirect provider',
    roles: 'admin',
    body: createProvider,
    examples: {
      readme: {
        summary: 'A distributor in Germany',
        value: {
          name: 'Northwind Distribution',
          mpnId: '5123456',
          region: 'DE',
        },
      },
    },
    response: { status: 201, schema: provider },
    errors: [400, 401, 403, 409, 422],
    idempotent: true,
  });
  router.post('/v1/providers', async (req, res) => {
    const response = await idempotentCreate(db, req, now, async (tx) => {
      requireRole(req, ['admin']);
      const body = parseBody(createProvider, req.body);
      const exists = () =>
        new Conflict('already_exists', `A provider with PartnerID ${body.mpnId} exists.`);
      if (await findProviderByMpnId(tx, body.mpnId)) throw exists();
      const row = {
        id: newId('prv'),
        name: body.name,
        mpn_id: body.mpnId,
        region: body.region,
        created_at: now(),
      };
      // Registered at the same moment by another request: the unique index decides.
      await insertProvider(tx, row).catch((error: unknown) => {
        throw isUniqueViolation(error) ? exists() : error;
      });
      return { status: 201, headers: {}, body: toProvider(row) };
    });
    sendStored(res, response);
  });

  // The directory of providers is not secret: partners need it to pick one in their region.
  catalog.add({
    method: 'get',
    path: '/v1/providers',
    operationId: 'listProviders',
    tag: 'Providers',
    summary: 'Lists indirect providers',
    roles: 'any authenticated principal',
    response: { status: 200, schema: z.object({ items: z.array(provider) }) },
    errors: [401],
  });
  router.get('/v1/providers', async (req, res) => {
    principalOf(req);
    res.json({ items: (await listProviders(db)).map(toProvider) });
  });

  catalog.add({
    method: 'get',
    path: '/v1/providers/:id',
    operationId: 'getProvider',
    tag: 'Providers',
    summary: 'One indirect provider',
    roles: 'any authenticated principal',
    response: { status: 200, schema: provider },
    errors: [401, 404],
  });
  router.get('/v1/providers/:id', async (req, res) => {
    principalOf(req);
    const row = await findProvider(db, req.params.id);
    if (!row) throw new NotFound('provider');
    res.json(toProvider(row));
  });
  return router;
}
