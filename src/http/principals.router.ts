import { Router, type Request } from 'express';
import type { Knex } from 'knex';
import { z } from 'zod';
import { requireRole } from '../auth/authenticate.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import { withTransactionRetry } from '../engine/retry.ts';
import { Conflict, NotFound, ValidationFailed, type FieldError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { Database } from '../store/database.ts';
import { findPartner } from '../store/partners.ts';
import {
  findPrincipal,
  insertPrincipal,
  listPrincipals,
  lockActiveAdmins,
  overlapEnds,
  principalStatus,
  revokePrincipal,
  rotateToken,
  type PrincipalRow,
} from '../store/principals.ts';
import { findProvider } from '../store/providers.ts';
import { decodeCursor, encodeCursor, limitParam } from './cursor.ts';
import { idempotentCreate, sendStored } from './idempotent-create.ts';
import type { ApiCatalog } from './openapi.ts';
import {
  createPrincipal,
  page,
  principalCreated,
  principalRotated,
  principalView,
  revokePrincipal as revokeBody,
  rotatePrincipal,
} from './schemas.ts';
import { revealSealed, seal } from './sealed-secret.ts';
import { parseBody, parseWith } from './validate.ts';

const listQuery = z.strictObject({ limit: limitParam, cursor: z.string().optional() });
const cursorShape = z.object({ createdAt: z.iso.datetime(), id: z.string() });

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
    operationId: 'createPrincipal',
    tag: 'Administration',
    summary: 'Creates a principal and shows its token once',
    roles: 'admin',
    body: createPrincipal,
    examples: {
      readme: {
        summary: "A partner's onboarding manager",
        value: {
          name: 'Mia',
          role: 'manager',
          partnerId: 'ptn_01JD2Q8Z4X5Y6W7V8U9T0S1R2Q',
        },
      },
    },
    response: { status: 201, schema: principalCreated },
    errors: [400, 401, 403, 422],
    idempotent: true,
  });
  router.post('/v1/principals', async (req, res) => {
    const response = await idempotentCreate(db, req, now, async (tx) => {
      requireRole(req, ['admin']);
      const body = parseBody(createPrincipal, req.body);
      await checkScope(tx, body);
      const at = now();
      const expiresAt = body.expiresAt === undefined ? null : new Date(body.expiresAt);
      if (expiresAt && expiresAt.getTime() <= at.getTime()) {
        throw new ValidationFailed([{ path: 'expiresAt', message: 'must be in the future' }]);
      }
      const token = newToken();
      const row = {
        id: newId('prn'),
        name: body.name,
        role: body.role,
        partner_id: body.partnerId ?? null,
        provider_id: body.providerId ?? null,
        created_at: at,
        expires_at: expiresAt,
      };
      await insertPrincipal(tx, row, hashToken(token));
      return {
        status: 201,
        headers: {},
        body: issuedToken(req, row, token),
      };
    });
    sendStored(res, revealSealed(req, response, ['token']));
  });

  catalog.add({
    method: 'get',
    path: '/v1/principals',
    operationId: 'listPrincipals',
    tag: 'Administration',
    summary: 'Lists principals, oldest first; tokens and their hashes are never shown',
    roles: 'admin',
    query: listQuery,
    response: { status: 200, schema: page(principalView) },
    errors: [401, 403, 422],
  });
  router.get('/v1/principals', async (req, res) => {
    requireRole(req, ['admin']);
    const query = parseWith(listQuery, req.query);
    const after = decodeCursor(cursorShape, query.cursor);
    const rows = await listPrincipals(
      db,
      query.limit + 1,
      after && { createdAt: new Date(after.createdAt), id: after.id },
    );
    const shown = rows.slice(0, query.limit);
    const at = now();
    const overlaps = await overlapEnds(
      db,
      shown.map((r) => r.id),
      at,
    );
    const last = shown.at(-1);
    res.json({
      items: shown.map((row) => toPrincipalView(row, at, overlaps.get(row.id))),
      nextCursor:
        rows.length > query.limit && last
          ? encodeCursor({ createdAt: last.created_at.toISOString(), id: last.id })
          : null,
    });
  });

  // A principal is not deleted: its id stays in every history row it wrote. Revoking is a
  // change of its state, with a reason, so it is a POST on the principal, not a DELETE.
  catalog.add({
    method: 'post',
    path: '/v1/principals/:id/revoke',
    operationId: 'revokePrincipal',
    tag: 'Administration',
    summary:
      'Revokes a principal: its tokens answer 401 at once, in every instance; revoking again changes nothing',
    roles: 'admin',
    body: revokeBody,
    examples: {
      readme: {
        summary: 'A lost laptop',
        value: {
          reason: 'laptop lost',
        },
      },
    },
    response: { status: 200, schema: principalView },
    errors: [401, 403, 404, 409, 422],
  });
  router.post('/v1/principals/:id/revoke', async (req, res) => {
    const admin = requireRole(req, ['admin']);
    const id = req.params.id;
    const row = await withTransactionRetry(() =>
      db.transaction(async (tx) => {
        const found = await findPrincipal(tx, id);
        if (!found) throw new NotFound('principal');
        const body = parseWith(revokeBody, req.body ?? {});
        const at = now();
        // Admins are locked as a set, before the row, so that two admins revoking each other
        // at once cannot both succeed and leave no one to sign in.
        if (found.role === 'admin') {
          const active = await lockActiveAdmins(tx, at);
          if (active.length === 1 && active[0] === found.id) {
            throw new Conflict(
              'last_admin',
              'This is the last admin that can sign in; create another admin first.',
            );
          }
        }
        const locked = await findPrincipal(tx, id, true);
        if (locked && !locked.revoked_at) {
          await revokePrincipal(tx, id, {
            revoked_at: at,
            revoked_by: admin.id,
            revocation_reason: body.reason ?? null,
          });
        }
        return findPrincipal(tx, id);
      }),
    );
    if (!row) throw new NotFound('principal');
    const at = now();
    const overlaps = await overlapEnds(db, [row.id], at);
    res.json(toPrincipalView(row, at, overlaps.get(row.id)));
  });

  catalog.add({
    method: 'post',
    path: '/v1/principals/:id/rotate',
    operationId: 'rotatePrincipal',
    tag: 'Administration',
    summary:
      'Gives a principal a new token, shown once; the tokens it replaces work until the overlap ends',
    roles: 'admin',
    body: rotatePrincipal,
    examples: {
      readme: {
        summary: 'One hour for the old token',
        value: {
          overlapSeconds: 3600,
        },
      },
    },
    response: { status: 201, schema: principalRotated },
    errors: [401, 403, 404, 409, 422],
    idempotent: true,
  });
  router.post('/v1/principals/:id/rotate', async (req, res) => {
    const response = await idempotentCreate(db, req, now, async (tx) => {
      requireRole(req, ['admin']);
      const row = await findPrincipal(tx, req.params.id, true);
      if (!row) throw new NotFound('principal');
      const at = now();
      refuseInactive(row, at);
      const body = parseWith(rotatePrincipal, req.body ?? {});
      const overlapEnd = new Date(at.getTime() + body.overlapSeconds * 1000);
      const token = newToken();
      await rotateToken(tx, row.id, { token_hash: hashToken(token), created_at: at }, overlapEnd);
      return {
        status: 201,
        headers: {},
        body: {
          ...issuedToken(req, row, token),
          overlapEndsAt: body.overlapSeconds > 0 ? overlapEnd.toISOString() : null,
        },
      };
    });
    sendStored(res, revealSealed(req, response, ['token']));
  });

  return router;
}

/** A principal's partner or provider: present exactly when its role is scoped to one. */
async function checkScope(
  tx: Knex.Transaction,
  body: z.infer<typeof createPrincipal>,
): Promise<void> {
  const needsPartner = body.role === 'manager' || body.role === 'global_admin';
  const needsProvider = body.role === 'provider';
  const errors: FieldError[] = [];
  if (needsPartner !== (body.partnerId !== undefined)) {
    errors.push({
      path: 'partnerId',
      message: needsPartner ? 'required for this role' : 'only for manager and global_admin',
    });
  } else if (body.partnerId !== undefined && !(await findPartner(tx, body.partnerId))) {
    errors.push({ path: 'partnerId', message: 'no such partner' });
  }
  if (needsProvider !== (body.providerId !== undefined)) {
    errors.push({
      path: 'providerId',
      message: needsProvider ? 'required for this role' : 'only for provider',
    });
  } else if (body.providerId !== undefined && !(await findProvider(tx, body.providerId))) {
    errors.push({ path: 'providerId', message: 'no such provider' });
  }
  if (errors.length > 0) throw new ValidationFailed(errors);
}

/** A revoked or expired principal gets no new token: it would not work. */
function refuseInactive(row: PrincipalRow, at: Date): void {
  switch (principalStatus(row, at)) {
    case 'revoked':
      throw new Conflict('principal_revoked', 'This principal is revoked; create a new one.');
    case 'expired':
      throw new Conflict('principal_expired', 'This principal has expired; create a new one.');
    case 'active':
      return;
  }
}

/** A principal with a token just issued, sealed until the answer is sent (see sealed-secret.ts). */
function issuedToken(
  req: Request,
  row: Pick<PrincipalRow, 'id' | 'name' | 'role' | 'partner_id' | 'provider_id' | 'expires_at'>,
  token: string,
) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    partnerId: row.partner_id,
    providerId: row.provider_id,
    expiresAt: row.expires_at?.toISOString() ?? null,
    token: seal(req, token),
  };
}

function toPrincipalView(
  row: PrincipalRow,
  at: Date,
  overlapEnd: Date | undefined,
): z.infer<typeof principalView> {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    partnerId: row.partner_id,
    providerId: row.provider_id,
    expiresAt: row.expires_at?.toISOString() ?? null,
    status: principalStatus(row, at),
    createdAt: row.created_at.toISOString(),
    revokedAt: row.revoked_at?.toISOString() ?? null,
    revokedBy: row.revoked_by,
    revocationReason: row.revocation_reason,
    overlapEndsAt: overlapEnd?.toISOString() ?? null,
  };
}
