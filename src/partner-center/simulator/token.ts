import { randomBytes, randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Core } from './core.ts';
import { takeFault } from './pipeline.ts';
import type { Audience } from './state.ts';

export const partnerCenterScope = 'https://api.partnercenter.microsoft.com/user_impersonation';
export const graphScope = 'https://graph.microsoft.com/.default';

/** Scopes that name each API; `.default` and the delegated GDAP permission are both Graph's. */
const scopeAudiences: Record<string, Audience> = {
  [partnerCenterScope]: 'partnerCenter',
  'https://api.partnercenter.microsoft.com/.default': 'partnerCenter',
  [graphScope]: 'graph',
  'https://graph.microsoft.com/DelegatedAdminRelationship.ReadWrite.All': 'graph',
};
/** OpenID scopes a client may add; they grant nothing here. */
const harmlessScopes = new Set(['offline_access', 'openid', 'profile']);

const tokenLifetimeSeconds = 3600;
const tokenLimit = 50_000;

const field = z.string().trim().min(1).max(4096);
const formSchema = z.object({
  grant_type: field,
  client_id: field,
  client_secret: field,
  refresh_token: field,
  scope: field,
});

/**
 * Entra's v2 token endpoint, for the refresh-token grant Partner Center's App+User model uses:
 * the answer is Entra's (`token_type`, `expires_in`, `access_token`, `refresh_token`, `scope`),
 * and so are refusals (`{error, error_description, error_codes}`). Access tokens are opaque
 * strings that stand for the account they were issued to and the one API they are good for.
 */
export function tokenRoutes(router: Router, core: Core): void {
  router.post(
    '/:tenant/oauth2/v2.0/token',
    express.urlencoded({ extended: false, limit: '16kb' }),
    (req: Request, res: Response) => {
      res.set('Cache-Control', 'no-store');
      const fault = takeFault(core, 'token', req);
      if (fault) {
        if (fault.retryAfterSeconds !== undefined)
          res.set('Retry-After', String(fault.retryAfterSeconds));
        return refuse(
          res,
          core,
          fault.status,
          'temporarily_unavailable',
          'AADSTS90033',
          'The token service is busy; try again later.',
        );
      }
      const form = formSchema.safeParse(req.body);
      if (!form.success) {
        return refuse(
          res,
          core,
          400,
          'invalid_request',
          'AADSTS900144',
          'The request lacks a field the refresh-token grant needs.',
        );
      }
      const { grant_type, client_id, client_secret, refresh_token, scope } = form.data;
      if (grant_type !== 'refresh_token') {
        return refuse(
          res,
          core,
          400,
          'unsupported_grant_type',
          'AADSTS70003',
          'Only the refresh_token grant is simulated.',
        );
      }
      const account = [...core.state.accounts.values()].find(
        (a) => a.refreshToken === refresh_token,
      );
      if (!account || account.clientId !== client_id) {
        return refuse(
          res,
          core,
          400,
          'invalid_grant',
          'AADSTS70000',
          'The refresh token is not valid for this application.',
        );
      }
      if (account.clientSecret !== client_secret) {
        return refuse(
          res,
          core,
          401,
          'invalid_client',
          'AADSTS7000215',
          'The client secret is not valid.',
        );
      }
      const tenant = String(req.params.tenant);
      if (![account.tenantId, 'common', 'organizations'].includes(tenant)) {
        return refuse(
          res,
          core,
          400,
          'invalid_grant',
          'AADSTS50020',
          'The refresh token belongs to another tenant.',
        );
      }
      const scopes = scope.split(/\s+/).filter((s) => s.length > 0);
      const audiences = new Set(
        scopes.flatMap((s) => (scopeAudiences[s] ? [scopeAudiences[s]] : [])),
      );
      const unknown = scopes.filter((s) => !scopeAudiences[s] && !harmlessScopes.has(s));
      const [audience] = [...audiences];
      if (!audience || audiences.size > 1 || unknown.length > 0) {
        return refuse(
          res,
          core,
          400,
          'invalid_scope',
          'AADSTS70011',
          'Ask for the Partner Center scope or a Graph scope, one API at a time.',
        );
      }
      const accessToken = randomBytes(32).toString('base64url');
      const now = core.now().getTime();
      pruneTokens(core, now);
      core.state.tokens.set(accessToken, {
        tenantId: account.tenantId,
        audience,
        expiresAt: now + tokenLifetimeSeconds * 1000,
      });
      res.status(200).json({
        token_type: 'Bearer',
        scope: scopes.join(' '),
        expires_in: tokenLifetimeSeconds,
        ext_expires_in: tokenLifetimeSeconds,
        access_token: accessToken,
        refresh_token: account.refreshToken,
      });
    },
  );
}

function pruneTokens(core: Core, now: number): void {
  const tokens = core.state.tokens;
  if (tokens.size < tokenLimit) return;
  for (const [token, issued] of tokens) if (issued.expiresAt <= now) tokens.delete(token);
  while (tokens.size >= tokenLimit) {
    const oldest = tokens.keys().next();
    if (oldest.done) break;
    tokens.delete(oldest.value);
  }
}

function refuse(
  res: Response,
  core: Core,
  status: number,
  error: string,
  aadsts: string,
  description: string,
): void {
  res.status(status).json({
    error,
    error_description: `${aadsts}: ${description}`,
    error_codes: [Number(aadsts.slice('AADSTS'.length))],
    timestamp: core
      .now()
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d+Z$/, 'Z'),
    trace_id: randomUUID(),
    correlation_id: randomUUID(),
  });
}
