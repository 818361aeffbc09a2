import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

type Directives = Record<string, string[]>;

/** The API answers JSON and CSV: nothing in it may load, run, frame or submit anything. */
const apiPolicy: Directives = {
  defaultSrc: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

/**
 * Swagger UI, served from this origin: its scripts and stylesheet are files (no inline
 * script), it fetches /openapi.json and "try it out" calls with fetch, and draws icons as
 * data: images.
 */
const docsPolicy: Directives = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
};

const docsPath = /^\/docs(\/|$)/i;

/**
 * The console: its script and stylesheet are files of this origin, it talks to the API on
 * the same origin with fetch, and it posts no form anywhere else. No inline script or style.
 */
const consolePolicy: Directives = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
};

const consolePath = /^\/console(\/|$)/i;

/**
 * helmet's headers on every response, with a Content-Security-Policy that fits what is
 * served: the strictest for the API, one that lets Swagger UI run for /docs, one for the
 * console's own script and stylesheet. The consent page sets its own policy for its inline
 * stylesheet (see consent-links.router.ts).
 */
export function securityHeaders(): RequestHandler {
  const build = (directives: Directives) =>
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives },
      frameguard: { action: 'deny' },
    });
  const api = build(apiPolicy);
  const docs = build(docsPolicy);
  const consolePages = build(consolePolicy);
  return (req, res, next) => {
    if (docsPath.test(req.path)) return docs(req, res, next);
    if (consolePath.test(req.path)) return consolePages(req, res, next);
    return api(req, res, next);
  };
}

/**
 * An answer that depends on the caller's token: no cache may store it, and a cache that
 * ignores no-store must still not hand it to a caller with another token.
 */
export function callerScoped(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  res.vary('Authorization');
  next();
}

/** A page reached by a secret link, showing a customer's details: kept by no cache. */
export function notStored(_req: Request, res: Response, next: NextFunction): void {
  res.set('Cache-Control', 'no-store');
  next();
}
