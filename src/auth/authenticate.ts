import type { NextFunction, Request, Response } from 'express';
import type { Database } from '../store/database.ts';
import { findActivePrincipalByTokenHash, toPrincipal } from '../store/principals.ts';
import { Forbidden, Unauthenticated } from '../errors.ts';
import type { Role } from '../../machines/common.ts';
import type { Principal } from './principal.ts';
import { hashToken } from './tokens.ts';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    requestId: string;
  }
}

/**
 * Resolves the bearer token to a principal, or answers 401. Nothing is cached: a token
 * revoked, expired or rotated away in any instance answers 401 at the next request, in every
 * instance, at the cost of one lookup by primary key. `now` is the service's clock, so that
 * expiry follows the same time as everything else.
 */
export function authenticate(db: Database, now: () => Date) {
  return async (req: Request, _res: Response, next: NextFunction): Promise<void> => {
    const token = bearerToken(req.get('authorization'));
    if (!token) throw new Unauthenticated();
    const tokenHash = hashToken(token);
    const row = await findActivePrincipalByTokenHash(db, tokenHash, now());
    if (!row) throw new Unauthenticated();
    req.principal = toPrincipal(row);
    next();
  };
}

/**
 * The token of an `Authorization: Bearer <token>` header. The scheme is matched in any case
 * and may be followed by any run of spaces and tabs (RFC 9110 §11.1: schemes are
 * case-insensitive); Node has already trimmed the value's ends.
 */
export function bearerToken(header: string | undefined): string | undefined {
  return /^bearer[ \t]+(\S+)$/i.exec(header ?? '')?.[1];
}

/** The authenticated principal; routes behind `authenticate` always have one. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw new Unauthenticated();
  return req.principal;
}

/** The principal, if its role is one of `roles`; otherwise 403. */
export function requireRole(req: Request, roles: readonly Role[]): Principal {
  const principal = principalOf(req);
  if (!roles.includes(principal.role)) throw new Forbidden();
  return principal;
}
