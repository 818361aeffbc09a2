import type { Request } from 'express';

/**
 * Whether a request carries U+0000 in its address or body. Postgres text and jsonb cannot
 * hold it, so such a request is refused at the door as malformed rather than failing deep
 * in a query.
 */
export function carriesNul(req: Request): boolean {
  if (/%00/i.test(req.originalUrl)) return true;
  const body: unknown = req.body;
  if (body === undefined || body === null) return false;
  return typeof body === 'string'
    ? body.includes('\u0000')
    : JSON.stringify(body).includes('\\u0000');
}
