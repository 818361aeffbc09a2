import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import {
  graphScope,
  partnerCenterScope,
  requestAppUserToken,
  type TokenRequestContext,
} from './app-user-token.ts';
import { failure, problemForStatus, readErrorBody } from './error-mapping.ts';
import {
  PartnerCenterError,
  type Agreement,
  type AgreementMetadata,
  type Answered,
  type CallIds,
  type CustomerRelationship,
  type DirectSignedMcaStatus,
  type GdapRelationship,
  type Migration,
  type MigrationRequest,
  type MigrationValidation,
  type NewGdapRelationship,
  type NewTransfer,
  type PartnerCenter,
  type PartnerCenterCredentials,
  type Transfer,
  type TransferLineItem,
} from './partner-center.ts';
import {
  isTransientStatus,
  isUnprocessedStatus,
  parseRetryAfter,
  type Backoff,
} from './retry-policy.ts';
import { partnerCenterDefaults } from './defaults.ts';
import { TokenCache, tokenKey } from './token-cache.ts';
import { exchange, withRetries, type Answer, type NoAnswer, type Outcome } from './transport.ts';

export interface HttpPartnerCenterOptions {
  /** Partner Center's REST API; the simulator's address in tests and trials. */
  baseUrl?: string;
  /** Microsoft Graph, for GDAP. */
  graphUrl?: string;
  /** Entra's sign-in authority; the credentials' tenant id is appended. */
  authority?: string;
  /** How long one attempt may take, connecting and reading the whole answer included. */
  timeoutMs?: number;
  /** Attempts per call, the first included, before a transient failure is given up. */
  maxAttempts?: number;
  /**
   * The longest `Retry-After` waited for. A longer one fails the call at once as throttled
   * (retryable, with `retryAfterMs`), so that the caller's queue retries later instead of a
   * worker sitting idle.
   */
  maxRetryAfterMs?: number;
  backoff?: Backoff;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  logger?: Pick<Logger, 'warn'>;
  now?: () => number;
  random?: () => number;
  /**
   * Entra may answer a refresh with a new refresh token, whose lifetime starts again: store
   * it, or the credentials lapse once the old one does.
   */
  onRefreshToken?: (credentials: PartnerCenterCredentials, refreshToken: string) => void;
}

type Api = 'partnerCenter' | 'graph';
type Method = 'GET' | 'POST' | 'PATCH';

interface Call {
  api: Api;
  method: Method;
  /** Path and query, each path segment already encoded. */
  path: string;
  body?: unknown;
  /**
   * Whether sending it twice does it once. Partner Center makes every call so by its
   * `MS-RequestId`; Graph knows no such header, so a Graph create is not.
   */
  idempotent: boolean;
}

/** Partner Center's collections: `{totalCount, items, links, attributes}`. */
interface Collection<T> {
  items: T[];
}

/** Graph's collections: `{"@odata.context", value, "@odata.nextLink"?}`. */
interface GraphCollection<T> {
  value: T[];
}

/** A string as an OData literal: in single quotes, a quote inside doubled. */
const odataString = (value: string) => `'${value.replace(/'/g, "''")}'`;

const segment = encodeURIComponent;
const customers = (customerTenantId: string) => `/v1/customers/${segment(customerTenantId)}`;
const gdap = '/tenantRelationships/delegatedAdminRelationships';

/**
 * `PartnerCenter` over HTTP: App+User tokens from each side's refresh token, Partner
 * Center's REST API and Microsoft Graph, retries under one `MS-RequestId`, and refusals as
 * `PartnerCenterError`. Pointed at the simulator, the same code runs against it.
 */
export function createHttpPartnerCenter(options: HttpPartnerCenterOptions = {}): PartnerCenter {
  const baseUrl = withoutTrailingSlash(options.baseUrl ?? partnerCenterDefaults.baseUrl);
  const graphUrl = withoutTrailingSlash(options.graphUrl ?? partnerCenterDefaults.graphUrl);
  const authority = withoutTrailingSlash(options.authority ?? partnerCenterDefaults.authority);
  const timeoutMs = options.timeoutMs ?? partnerCenterDefaults.timeoutMs;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const retryOptions = (ids: CallIds, what: string) => ({
    maxAttempts: options.maxAttempts ?? partnerCenterDefaults.maxAttempts,
    maxRetryAfterMs: options.maxRetryAfterMs ?? partnerCenterDefaults.maxRetryAfterMs,
    backoff: options.backoff ?? partnerCenterDefaults.backoff,
    sleep,
    random: options.random ?? Math.random,
    onRetry: (
      attempt: number,
      delayMs: number,
      error: { problem: string; status: number | null },
    ) =>
      options.logger?.warn(
        {
          call: what,
          attempt,
          delayMs,
          problem: error.problem,
          status: error.status,
          requestId: ids.requestId,
          correlationId: ids.correlationId,
        },
        'Partner Center call failed; trying again',
      ),
  });
  const tokens = new TokenCache(now);

  const token = async (as: PartnerCenterCredentials, api: Api, ids: CallIds): Promise<string> => {
    const scope = api === 'graph' ? graphScope : partnerCenterScope;
    return tokens
      .get(tokenKey(as, scope), () => {
        const context: TokenRequestContext = {
          authority,
          fetch: fetchFn,
          timeoutMs,
          now,
          retry: retryOptions(ids, 'POST token'),
          onRefreshToken: options.onRefreshToken,
        };
        return requestAppUserToken(context, as, scope, ids);
      })
      .catch((error: unknown) => {
        // A shared token request failed with the ids of the call that started it: each
        // waiting call reports the failure under its own ids, the ones its history keeps.
        if (error instanceof PartnerCenterError && error.ids !== ids) {
          throw new PartnerCenterError(
            error.problem,
            error.status,
            error.code,
            error.description,
            error.retryable,
            ids,
            error.retryAfterMs,
          );
        }
        throw error;
      });
  };

  async function call<T>(as: PartnerCenterCredentials, ids: CallIds, spec: Call): Promise<T> {
    const url = `${spec.api === 'graph' ? graphUrl : baseUrl}${spec.path}`;
    const key = tokenKey(as, spec.api === 'graph' ? graphScope : partnerCenterScope);
    // Every value that must never appear in an error: the credentials and each token used.
    const secrets = [as.clientSecret, as.refreshToken];
    const send = (bearer: string) => {
      secrets.push(bearer);
      return exchange(
        fetchFn,
        url,
        {
          method: spec.method,
          headers: headers(bearer, ids, spec),
          ...(spec.body === undefined ? {} : { body: JSON.stringify(spec.body) }),
        },
        timeoutMs,
      );
    };
    let renewed = false;
    const attempt = async (): Promise<Outcome<T>> => {
      let bearer = await token(as, spec.api, ids);
      let answer = await send(bearer);
      // A token refused before its time (revoked, or the user's session ended): one fresh
      // token, once per call; refused again, the credentials themselves are at fault.
      if (answer.kind === 'answer' && answer.status === 401 && !renewed) {
        renewed = true;
        tokens.forget(key, bearer);
        bearer = await token(as, spec.api, ids);
        answer = await send(bearer);
      }
      return classify<T>(answer, spec, ids, secrets, now());
    };
    return withRetries(attempt, retryOptions(ids, `${spec.method} ${spec.path}`));
  }

  const answered = async <T>(
    as: PartnerCenterCredentials,
    ids: CallIds,
    spec: Call,
  ): Promise<Answered<T>> => ({ body: await call<T>(as, ids, spec), ids });

  const items = async <T>(
    as: PartnerCenterCredentials,
    ids: CallIds,
    spec: Call,
  ): Promise<Answered<T[]>> => {
    const body = await call<Collection<T> | T[]>(as, ids, spec);
    if (Array.isArray(body)) return { body, ids };
    if (Array.isArray(body.items)) return { body: body.items, ids };
    throw failure({
      problem: 'partner_center_unavailable',
      status: 200,
      code: null,
      description: `${spec.method} ${spec.path} answered without the list of items it should carry.`,
      retryable: true,
      ids,
      secrets: [as.clientSecret, as.refreshToken],
    });
  };

  const pc = (method: Method, path: string, body?: unknown): Call => ({
    api: 'partnerCenter',
    method,
    path,
    body,
    idempotent: true,
  });

  return {
    createTransfer: (as, customerTenantId, transfer: NewTransfer, ids) =>
      answered<Transfer>(as, ids, pc('POST', `${customers(customerTenantId)}/transfers`, transfer)),
    getTransfer: (as, customerTenantId, transferId, ids) =>
      answered<Transfer>(
        as,
        ids,
        pc('GET', `${customers(customerTenantId)}/transfers/${segment(transferId)}`),
      ),
    listTransfers: (as, customerTenantId, ids) =>
      items<Transfer>(as, ids, pc('GET', `${customers(customerTenantId)}/transfers`)),
    // The source accepts by updating the transfer with the line items it chose.
    submitTransfer: (as, customerTenantId, transferId, lineItems: TransferLineItem[], ids) =>
      answered<Transfer>(
        as,
        ids,
        pc('PATCH', `${customers(customerTenantId)}/transfers/${segment(transferId)}`, {
          id: transferId,
          lineItems,
        }),
      ),
    // Partner Center cancels by an update to the status `Cancel`, not by a DELETE; only the
    // target that created the transfer may, and only while it is pending.
    cancelTransfer: (as, customerTenantId, transferId, ids) =>
      answered<Transfer>(
        as,
        ids,
        pc('PATCH', `${customers(customerTenantId)}/transfers/${segment(transferId)}`, {
          id: transferId,
          status: 'Cancel',
        }),
      ),

    getMcaTemplate: async (as, ids) => {
      const { body } = await items<AgreementMetadata>(
        as,
        ids,
        pc('GET', '/v1/agreements?agreementType=MicrosoftCustomerAgreement'),
      );
      const [template] = body;
      if (!template) {
        throw failure({
          problem: 'partner_center_not_found',
          status: 200,
          code: null,
          description: 'Partner Center lists no Microsoft Customer Agreement template.',
          retryable: false,
          ids,
          secrets: [as.clientSecret, as.refreshToken],
        });
      }
      return { body: template, ids };
    },
    createAgreement: (as, customerTenantId, agreement: Agreement, ids) =>
      answered<Agreement>(
        as,
        ids,
        pc('POST', `${customers(customerTenantId)}/agreements`, agreement),
      ),
    listAgreements: (as, customerTenantId, ids) =>
      items<Agreement>(
        as,
        ids,
        pc(
          'GET',
          `${customers(customerTenantId)}/agreements?agreementType=MicrosoftCustomerAgreement`,
        ),
      ),
    getDirectSignedMcaStatus: (as, customerTenantId, ids) =>
      answered<DirectSignedMcaStatus>(
        as,
        ids,
        pc('GET', `${customers(customerTenantId)}/directSignedMicrosoftCustomerAgreementStatus`),
      ),

    listRelationships: (as, customerTenantId, ids) =>
      items<CustomerRelationship>(
        as,
        ids,
        pc('GET', `${customers(customerTenantId)}/relationships`),
      ),

    validateMigration: (as, customerTenantId, request: MigrationRequest, ids) =>
      answered<MigrationValidation>(
        as,
        ids,
        pc('POST', `${customers(customerTenantId)}/migrations/newcommerce/validate`, request),
      ),
    createMigration: (as, customerTenantId, request: MigrationRequest, ids) =>
      answered<Migration>(
        as,
        ids,
        pc('POST', `${customers(customerTenantId)}/migrations/newcommerce`, request),
      ),
    getMigration: (as, customerTenantId, migrationId, ids) =>
      answered<Migration>(
        as,
        ids,
        pc('GET', `${customers(customerTenantId)}/migrations/newcommerce/${segment(migrationId)}`),
      ),
    // Not under the customer: the query runs over all the partner's migrations, filtered.
    findMigrations: (as, customerTenantId, currentSubscriptionId, ids) =>
      items<Migration>(
        as,
        ids,
        pc(
          'GET',
          `/v1/migrations/newcommerce?CustomerTenantId=${segment(customerTenantId)}` +
            `&CurrentSubscriptionId=${segment(currentSubscriptionId)}`,
        ),
      ),

    createGdapRelationship: (as, relationship: NewGdapRelationship, ids) =>
      answered<GdapRelationship>(as, ids, {
        api: 'graph',
        method: 'POST',
        path: gdap,
        body: relationship,
        idempotent: false,
      }),
    lockGdapForApproval: (as, relationshipId, ids) =>
      answered<{ id: string; action: 'lockForApproval'; status: string }>(as, ids, {
        api: 'graph',
        method: 'POST',
        path: `${gdap}/${segment(relationshipId)}/requests`,
        body: { action: 'lockForApproval' },
        idempotent: false,
      }),
    getGdapRelationship: (as, relationshipId, ids) =>
      answered<GdapRelationship>(as, ids, {
        api: 'graph',
        method: 'GET',
        path: `${gdap}/${segment(relationshipId)}`,
        idempotent: true,
      }),
    // One page is enough: a displayName names at most one of the partner's relationships.
    listGdapRelationships: async (as, filter, ids) => {
      const spec: Call = {
        api: 'graph',
        method: 'GET',
        path: `${gdap}?$filter=${segment(`displayName eq ${odataString(filter.displayName)}`)}`,
        idempotent: true,
      };
      const body = await call<GraphCollection<GdapRelationship>>(as, ids, spec);
      if (Array.isArray(body.value)) return { body: body.value, ids };
      throw failure({
        problem: 'partner_center_unavailable',
        status: 200,
        code: null,
        description: `GET ${gdap} answered without the list of relationships it should carry.`,
        retryable: true,
        ids,
        secrets: [as.clientSecret, as.refreshToken],
      });
    },
  };
}

/** The client as the configuration sets it up. */
export function partnerCenterFromConfig(
  config: Pick<
    Config,
    | 'PARTNER_CENTER_URL'
    | 'PARTNER_CENTER_GRAPH_URL'
    | 'PARTNER_CENTER_AUTHORITY'
    | 'PARTNER_CENTER_TIMEOUT_MS'
    | 'PARTNER_CENTER_MAX_ATTEMPTS'
  >,
  options: Omit<
    HttpPartnerCenterOptions,
    'baseUrl' | 'graphUrl' | 'authority' | 'timeoutMs' | 'maxAttempts'
  > = {},
): PartnerCenter {
  return createHttpPartnerCenter({
    ...options,
    baseUrl: config.PARTNER_CENTER_URL,
    graphUrl: config.PARTNER_CENTER_GRAPH_URL,
    authority: config.PARTNER_CENTER_AUTHORITY,
    timeoutMs: config.PARTNER_CENTER_TIMEOUT_MS,
    maxAttempts: config.PARTNER_CENTER_MAX_ATTEMPTS,
  });
}

function headers(bearer: string, ids: CallIds, spec: Call): Record<string, string> {
  return {
    Authorization: `Bearer ${bearer}`,
    Accept: 'application/json',
    'MS-RequestId': ids.requestId,
    'MS-CorrelationId': ids.correlationId,
    'X-Locale': 'en-US',
    // Graph's own request id, so that its logs name the call too.
    ...(spec.api === 'graph' ? { 'client-request-id': ids.requestId } : {}),
    ...(spec.body === undefined ? {} : { 'Content-Type': 'application/json' }),
  };
}

/** What an attempt's answer means: a value, a refusal, or a reason to try again. */
function classify<T>(
  answer: Answer | NoAnswer,
  spec: Call,
  ids: CallIds,
  secrets: readonly string[],
  nowMs: number,
): Outcome<T> {
  const what = spec.api === 'graph' ? 'Microsoft Graph' : 'Partner Center';
  if (answer.kind === 'no_answer') {
    const error = failure({
      problem: 'partner_center_unavailable',
      status: null,
      code: null,
      description: spec.idempotent
        ? `${what} could not be reached: ${answer.detail}.`
        : `${what} could not be reached: ${answer.detail}; the request may or may not have been carried out.`,
      retryable: true,
      ids,
      secrets,
    });
    // A create that may have reached the server is not sent again blindly; a connection
    // never made carried nothing.
    const safe =
      spec.idempotent ||
      (!answer.timedOut && /ECONNREFUSED|ENOTFOUND|EAI_AGAIN/.test(answer.detail));
    return { kind: safe ? 'transient' : 'final', error };
  }
  const { status } = answer;
  if (status >= 200 && status < 300) {
    try {
      const value = JSON.parse(answer.text) as unknown;
      if (typeof value === 'object' && value !== null) return { kind: 'done', value: value as T };
    } catch {
      // Handled below, with every other body that is not a JSON object.
    }
    return {
      kind: 'final',
      error: failure({
        problem: 'partner_center_unavailable',
        status,
        code: null,
        description: `${what} answered ${status} without the JSON body it should carry.`,
        retryable: true,
        ids,
        secrets,
      }),
    };
  }
  const details = readErrorBody(answer.text);
  const { problem, retryable } = problemForStatus(status);
  const error = failure({
    problem,
    status,
    code: details.code,
    description: details.description ?? defaultDescription(what, status),
    retryable,
    ids,
    secrets,
    retryAfterMs:
      status === 429 ? parseRetryAfter(answer.headers.get('retry-after'), nowMs) : undefined,
  });
  const again = spec.idempotent ? isTransientStatus(status) : isUnprocessedStatus(status);
  return { kind: again ? 'transient' : 'final', error };
}

function defaultDescription(what: string, status: number): string {
  if (status === 401 || status === 403)
    return `${what} refused the credentials (${status}): the user lacks the role, or the consent was withdrawn.`;
  if (status === 404) return `${what} knows no such resource.`;
  if (status === 429) return `${what} is throttling these credentials; try again later.`;
  if (status >= 500) return `${what} failed (${status}); try again later.`;
  return `${what} refused the request (${status}).`;
}

function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
