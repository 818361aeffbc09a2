import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { stdSerializers, type Logger, type SerializedRequest } from 'pino';
import { pinoHttp } from 'pino-http';
import { authenticate } from './auth/authenticate.ts';
import { defaultRateLimitPerIpPerMin, type Config } from './config.ts';
import type { Engine } from './engine/engine.ts';
import { createConsoleRouter } from './console/console.router.ts';
import { Lifecycle } from './lifecycle.ts';
import { MalformedRequest } from './errors.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { unstorableInput } from './http/text-guard.ts';
import { createAuditRouter } from './http/audit.router.ts';
import { createCallerRouter } from './http/caller.router.ts';
import { createConsentLinkRouter } from './http/consent-links.router.ts';
import { createConsentStatementRouter } from './http/consent-statements.router.ts';
import { createMachineRouter } from './http/machines.router.ts';
import { createMetaRouter } from './http/meta.router.ts';
import { ApiCatalog } from './http/openapi.ts';
import { createPartnerCenterConnectionRouter } from './http/partner-center-connections.router.ts';
import { createPartnerRouter } from './http/partners.router.ts';
import { createPrincipalRouter } from './http/principals.router.ts';
import { createProviderRouter } from './http/providers.router.ts';
import { rateLimits } from './http/rate-limit.ts';
import { callerScoped, notStored, securityHeaders } from './http/security-headers.ts';
import { createTimerRouter } from './http/timers.router.ts';
import { createWorkflowBatchRouter } from './http/workflow-batch.router.ts';
import { createTransitionRouter } from './http/transitions.router.ts';
import { createPartnerCenterStepsRouter } from './http/partner-center-steps.router.ts';
import { createPreflightRouter } from './http/preflight.router.ts';
import { createPartnerCenterWebhookRouter } from './http/partner-center-webhooks.router.ts';
import { WebhookVerifier } from './partner-center/webhook-signature.ts';
import { createWebhookRouter } from './http/webhooks.router.ts';
import type { Resolve } from './webhooks/target.ts';
import { createWorkflowRouter } from './http/workflows.router.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { createMetricsRouter } from './observability/metrics.router.ts';
import type { Secrets } from './secrets/secrets.ts';
import type { Database } from './store/database.ts';

export interface AppDeps {
  db: Database;
  engine: Engine;
  logger: Logger;
  /** Seals the secrets the routes store: webhook signing secrets, Partner Center credentials. */
  secrets: Secrets;
  /** Whether a stop has begun; a fresh one (never draining) when not given. */
  lifecycle?: Lifecycle;
  /** Where requests are counted and `/metrics` reads from; the engine should report to it too. */
  metrics?: Metrics;
  /** Collects the operations for the OpenAPI document; pass one to read it without serving. */
  catalog?: ApiCatalog;
  config: Pick<Config, 'BODY_LIMIT_BYTES' | 'RATE_LIMIT_PER_MIN' | 'PUBLIC_URL'> &
    Partial<
      Pick<
        Config,
        | 'RATE_LIMIT_PER_IP_PER_MIN'
        | 'TRUST_PROXY'
        | 'WEBHOOK_ALLOW_INSECURE'
        | 'WEBHOOK_RETRY_FOR_MS'
        | 'PARTNER_CENTER_WEBHOOK_CERT_URLS'
      >
    >;
  /** How webhook targets are resolved when registered; the system's resolver if not given. */
  resolve?: Resolve;
  /** Checks Partner Center's webhooks; one trusting `PARTNER_CENTER_WEBHOOK_CERT_URLS` if not given. */
  partnerCenterVerifier?: WebhookVerifier;
}

/**
 * A consent link's token is a credential. Routing ignores case, so `/CONSENT/<token>` reaches
 * the page too, and the redaction must ignore case as well.
 */
export function redactTokens(url: string): string {
  return url.replace(/\/consent\/[^/?#]+/gi, '/consent/[redacted]');
}

/**
 * The request as logged, with consent tokens taken out of everything that can carry one: the
 * address asked for, and the Referer a browser sends when the consent page posts its form.
 */
function withoutConsentTokens(req: SerializedRequest): SerializedRequest {
  req.url = redactTokens(req.url);
  const { referer } = req.headers;
  // The headers are the live request's own object: replaced by a copy, never changed in place.
  if (referer !== undefined) req.headers = { ...req.headers, referer: redactTokens(referer) };
  return req;
}

/** The HTTP application, without listening: tests drive it with supertest. */
export function createApp({
  db,
  engine,
  logger,
  config,
  lifecycle = new Lifecycle(),
  metrics = createMetrics({ db, now: () => engine.now() }),
  catalog = new ApiCatalog(),
  resolve,
  partnerCenterVerifier,
  secrets,
}: AppDeps): Express {
  const app = express();
  const now = () => engine.now();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  // Which peer is the client: the rate limit per address and req.ip depend on it.
  app.set('trust proxy', config.TRUST_PROXY ?? false);
  const limits = rateLimits(
    {
      perAddressPerMin: config.RATE_LIMIT_PER_IP_PER_MIN ?? defaultRateLimitPerIpPerMin,
      perPrincipalPerMin: config.RATE_LIMIT_PER_MIN,
    },
    logger,
  );

  // First, so that every answer is counted, refusals before routing included.
  app.use(metrics.http);
  app.use((req, res, next) => {
    const given = req.get('x-request-id');
    // A client's id goes into hashed history: kept only when short and plain.
    req.requestId = given && /^[A-Za-z0-9._:-]{1,128}$/.test(given) ? given : randomUUID();
    res.set('X-Request-Id', req.requestId);
    // A stopping server answers what it is sent but keeps no connection open for more.
    if (lifecycle.draining) res.set('Connection', 'close');
    next();
  });
  app.use(securityHeaders());
  app.use('/v1', callerScoped);
  app.use('/consent', notStored);
  // Request logs are written at info; above that the middleware would only cost time.
  if (logger.isLevelEnabled('info'))
    app.use(
      pinoHttp({
        logger,
        genReqId: (req) => (req as express.Request).requestId,
        quietReqLogger: true,
        serializers: { req: stdSerializers.wrapRequestSerializer(withoutConsentTokens) },
      }),
    );
  // Before the body is read: a flood is refused at the least cost.
  app.use(limits.perAddress);
  // Before the JSON parser: the signature is over the body's exact bytes.
  app.use(
    createPartnerCenterWebhookRouter({
      db,
      catalog,
      now,
      verifier:
        partnerCenterVerifier ??
        new WebhookVerifier({
          trustedCertificateUrls: config.PARTNER_CENTER_WEBHOOK_CERT_URLS ?? [
            'https://api.partnercenter.microsoft.com/',
          ],
        }),
      retryForMs: config.WEBHOOK_RETRY_FOR_MS ?? 24 * 60 * 60 * 1000,
      bodyLimitBytes: config.BODY_LIMIT_BYTES,
    }),
  );
  app.use(
    express.json({
      limit: config.BODY_LIMIT_BYTES,
      type: ['application/json', 'application/*+json'],
    }),
  );

  // Every path, before authentication and the principal's limit: refusing is cheaper than reading on.
  app.use((req, _res, next) => {
    const problem = unstorableInput(req);
    if (problem) throw new MalformedRequest(problem);
    next();
  });
  app.use(createMetaRouter({ db, catalog, lifecycle, publicUrl: config.PUBLIC_URL }));
  app.use(createMetricsRouter({ db, metrics, catalog, now }));
  app.use(createConsoleRouter());
  app.use('/v1', authenticate(db, now));
  app.use('/v1', limits.perPrincipal);
  app.use(createCallerRouter({ db, catalog }));
  app.use(createPrincipalRouter({ db, catalog, now }));
  app.use(createProviderRouter({ db, catalog, now }));
  app.use(createPartnerRouter({ db, engine, catalog, now }));
  app.use(createPartnerCenterConnectionRouter({ db, secrets, catalog, now }));
  app.use(createConsentStatementRouter({ catalog }));
  app.use(createAuditRouter({ db, catalog, now }));
  app.use(createConsentLinkRouter({ db, engine, catalog, publicUrl: config.PUBLIC_URL }));
  app.use(createWorkflowBatchRouter({ db, engine, catalog }));
  app.use(createWorkflowRouter({ db, engine, catalog }));
  app.use(createTransitionRouter({ db, catalog, now }));
  app.use(createPreflightRouter({ db, catalog, now }));
  app.use(createPartnerCenterStepsRouter({ db, catalog }));
  app.use(createMachineRouter({ catalog }));
  app.use(createTimerRouter({ db, catalog, now }));
  app.use(
    createWebhookRouter({
      db,
      secrets,
      catalog,
      now,
      policy: { allowInsecure: config.WEBHOOK_ALLOW_INSECURE ?? false },
      retryForMs: config.WEBHOOK_RETRY_FOR_MS ?? 24 * 60 * 60 * 1000,
      resolve,
    }),
  );

  app.use(notFoundHandler);
  app.use(errorHandler(logger, config.BODY_LIMIT_BYTES));
  return app;
}
