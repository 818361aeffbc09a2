import { Router } from 'express';
import { requireRole } from '../auth/authenticate.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { ValidationFailed } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Database } from '../store/database.ts';
import { findPartner } from '../store/partners.ts';
import { insertPrincipal } from '../store/principals.ts';
import { findProvider } from '../store/providers.ts';
import type { ApiCatalog } from './openapi.ts';
import { createPrincipal, principalCreated } from './schemas.ts';
import { parseBody } from './validate.ts';

export function createPrincipalRouter({
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
    path: '/v1/principals',
    summary: 'Creates a principal and shows its token once',
    roles: 'admin',
    body: createPrincipal,
    response: { status: 201, schema: principalCreated },
    errors: [400, 401, 403, 422],
  });
  router.post('/v1/principals', async (req, res) => {
    requireRole(req, ['admin']);
    const body = parseBody(createPrincipal, req.body);
    const needsPartner = body.role === 'manager' || body.role === 'global_admin';
    const needsProvider = body.role === 'provider';
    const errors = [];
    if (needsPartner !== (body.partnerId !== undefined)) {
      errors.push({
        path: 'partnerId',
        message: needsPartner ? 'required for this role' : 'only for manager and global_admin',
      });
    } else if (body.partnerId !== undefined && !(await findPartner(db, body.partnerId))) {
      errors.push({ path: 'partnerId', message: 'no such partner' });
    }
    if (needsProvider !== (body.providerId !== undefined)) {
      errors.push({
        path: 'providerId',
        message: needsProvider ? 'required for this role' : 'only for provider',
      });
    } else if (body.providerId !== undefined && !(await findProvider(db, body.providerId))) {
      errors.push({ path: 'providerId', message: 'no such provider' });
    }
    if (errors.length > 0) throw new ValidationFailed(errors);

    const token = newToken();
    const row = {
      id: newId('prn'),
      name: body.name,
      role: body.role,
      partner_id: body.partnerId ?? null,
      provider_id: body.providerId ?? null,
      token_hash: hashToken(token),
      created_at: now(),
    };
    await insertPrincipal(db, row);
    res.status(201).json({
      id: row.id,
      name: row.name,
      role: row.role,
      partnerId: row.partner_id,
      providerId: row.provider_id,
      token,
    });
  });
  return router;
}
