import { Router } from 'express';
import { z } from 'zod';
import { consentStatements } from '../../machines/reseller-relationship/consent-statements.ts';
import { principalOf } from '../auth/authenticate.ts';
import { sha256Hex } from '../engine/hash.ts';
import { NotFound } from '../errors.ts';
import { apiSchema } from './api-schema.ts';
import type { ApiCatalog } from './openapi.ts';

const statement = apiSchema(
  'ConsentStatement',
  z.object({
    version: z.string(),
    text: z.string(),
    hash: z.string().describe('sha256 of the text'),
  }),
);

/** The consent statements the server ships, with the hash that evidence refers to. */
export function createConsentStatementRouter({ catalog }: { catalog: ApiCatalog }): Router {
  const router = Router();
  catalog.add({
    method: 'get',
    path: '/v1/consent-statements/:version',
    operationId: 'getConsentStatement',
    tag: 'Consent',
    summary: 'The text of a consent statement and its hash',
    roles: 'any authenticated principal',
    response: { status: 200, schema: statement },
    errors: [401, 404],
  });
  router.get('/v1/consent-statements/:version', (req, res) => {
    principalOf(req);
    const text = Object.hasOwn(consentStatements, req.params.version)
      ? consentStatements[req.params.version]
      : undefined;
    if (text === undefined) throw new NotFound('consent statement');
    res.json({ version: req.params.version, text, hash: sha256Hex(text) });
  });
  return router;
}
