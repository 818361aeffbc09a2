import { failure, problemForStatus, readErrorBody } from './error-mapping.ts';
import type { CallIds, PartnerCenterCredentials } from './partner-center.ts';
import { isTransientStatus, parseRetryAfter } from './retry-policy.ts';
import { renewalTime, type AccessToken } from './token-cache.ts';
import { exchange, withRetries, type Outcome, type RetryOptions } from './transport.ts';

/** App+User tokens for Partner Center itself. */
export const partnerCenterScope = 'https://api.partnercenter.microsoft.com/user_impersonation';
/** Tokens for Microsoft Graph, where GDAP relationships live. */
export const graphScope = 'https://graph.microsoft.com/.default';

export interface TokenRequestContext {
  authority: string;
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
  retry: RetryOptions;
  /** Told when Entra hands back a new refresh token with the access token. */
  onRefreshToken?: (credentials: PartnerCenterCredentials, refreshToken: string) => void;
}

/**
 * Exchanges the refresh token for an access token to `scope` (OAuth 2.0 refresh token grant
 * on Entra's v2.0 endpoint of the credentials' own tenant). A refusal (an expired or revoked
 * refresh token, a wrong secret) is `partner_center_unauthorized` and final: trying again
 * cannot mend a credential. Throttling and outages are retried like any call.
 */
export async function requestAppUserToken(
  context: TokenRequestContext,
  credentials: PartnerCenterCredentials,
  scope: string,
  ids: CallIds,
): Promise<AccessToken> {
  const url = `${context.authority}/${encodeURIComponent(credentials.tenantId)}/oauth2/v2.0/token`;
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    refresh_token: credentials.refreshToken,
    scope,
  });
  const secrets = [credentials.clientSecret, credentials.refreshToken];
  const attempt = async (): Promise<Outcome<AccessToken>> => {
    const answer = await exchange(
      context.fetch,
      url,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
          // Entra's own correlation header: its logs then name the step that asked.
          'client-request-id': ids.correlationId,
        },
        body: form.toString(),
      },
      context.timeoutMs,
    );
    if (answer.kind === 'no_answer') {
      return {
        kind: 'transient',
        error: failure({
          problem: 'partner_center_unavailable',
          status: null,
          code: null,
          description: `The token endpoint could not be reached: ${answer.detail}.`,
          retryable: true,
          ids,
          secrets,
        }),
      };
    }
    if (answer.status >= 200 && answer.status < 300) {
      const token = readToken(answer.text);
      if (token) {
        if (token.refreshToken && token.refreshToken !== credentials.refreshToken) {
          context.onRefreshToken?.(credentials, token.refreshToken);
        }
        return {
          kind: 'done',
          value: { value: token.accessToken, renewAt: renewalTime(context.now(), token.expiresIn) },
        };
      }
      return {
        kind: 'final',
        error: failure({
          problem: 'partner_center_unavailable',
          status: answer.status,
          code: null,
          description: 'The token endpoint answered without an access token.',
          retryable: true,
          ids,
          secrets,
        }),
      };
    }
    const details = readErrorBody(answer.text);
    if (isTransientStatus(answer.status)) {
      const { problem } = problemForStatus(answer.status);
      return {
        kind: 'transient',
        error: failure({
          problem,
          status: answer.status,
          code: details.code,
          description:
            details.description ?? `The token endpoint answered ${answer.status}; try again later.`,
          retryable: true,
          ids,
          secrets,
          retryAfterMs: parseRetryAfter(answer.headers.get('retry-after'), context.now()),
        }),
      };
    }
    return {
      kind: 'final',
      error: failure({
        problem: 'partner_center_unauthorized',
        status: answer.status,
        code: details.code,
        description:
          details.description ??
          `The token endpoint refused the credentials (${answer.status}); register them again.`,
        retryable: false,
        ids,
        secrets,
      }),
    };
  };
  return withRetries(attempt, context.retry);
}

function readToken(
  text: string,
): { accessToken: string; expiresIn: number; refreshToken?: string } | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const {
    access_token: accessToken,
    expires_in: expiresIn,
    refresh_token: refreshToken,
  } = body as Record<string, unknown>;
  // Entra writes expires_in as a number; older endpoints wrote it as a string.
  const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
  if (typeof accessToken !== 'string' || accessToken === '') return undefined;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return {
    accessToken,
    expiresIn: seconds,
    ...(typeof refreshToken === 'string' && refreshToken !== '' ? { refreshToken } : {}),
  };
}
