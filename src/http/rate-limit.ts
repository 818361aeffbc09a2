import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import type { Logger } from 'pino';
import { principalOf } from '../auth/authenticate.ts';
import { RateLimited } from '../errors.ts';

export interface RateLimits {
  /** Counted before authentication, so that guessed tokens cost no lookup past the limit. */
  perAddress: RequestHandler;
  /** Counted after authentication, on the principal: how the header is spelled cannot matter. */
  perPrincipal: RequestHandler;
}

/** Probes are answered whatever the load, or an orchestrator would restart a busy instance. */
const probe = /^\/(healthz|readyz)\/?$/i;

/**
 * The two rate limits, fixed windows of one minute. Each limit keeps its counts in this
 * process's memory: with several instances, a client may make `limit` requests at each.
 * Counts expire with their window; a crowd of new clients adds entries but resets no one.
 */
export function rateLimits(
  limits: { perAddressPerMin: number; perPrincipalPerMin: number },
  logger: Logger,
): RateLimits {
  const perAddress = rateLimit({
    ...common(logger, 'The request rate from your address is exceeded.'),
    limit: limits.perAddressPerMin,
    identifier: 'address',
    // The default key is `ipKeyGenerator(req.ip, ipv6Subnet)`: an IPv4 address, or the IPv6
    // /56 a client is usually given whole. It also logs, once, a `trust proxy` that looks
    // wrong (X-Forwarded-For arriving while no proxy is trusted, or every proxy trusted).
    ipv6Subnet: 56,
    skip: (req) => probe.test(req.path),
  });
  return {
    perAddress: (req, res, next) => {
      // Node names no peer once the client has hung up. Its request has no one to answer and
      // no address to be counted under (the library would log an error and count it under
      // "undefined"), so it goes no further.
      if (req.ip === undefined) {
        res.destroy();
        return;
      }
      return perAddress(req, res, next);
    },
    perPrincipal: rateLimit({
      ...common(logger, 'The request rate for this token is exceeded.'),
      limit: limits.perPrincipalPerMin,
      identifier: 'principal',
      keyGenerator: (req) => principalOf(req).id,
    }),
  };
}

function common(logger: Logger, detail: string): Partial<Options> {
  return {
    windowMs: 60_000,
    // One `RateLimit` and one `RateLimit-Policy` entry per limit, each named, so that a client
    // sees both the address's and the principal's quota on one response.
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req: Request, res: Response, next: NextFunction) => {
      // The library has set Retry-After from the window's reset; the error handler keeps it.
      next(new RateLimited(Math.max(1, Number(res.getHeader('Retry-After')) || 1), detail));
    },
    logger: {
      error: (err: unknown, msg?: string) => logger.error({ err }, msg ?? 'rate limit'),
      warn: (err: unknown, msg?: string) => logger.warn({ err }, msg ?? 'rate limit'),
    },
  };
}
