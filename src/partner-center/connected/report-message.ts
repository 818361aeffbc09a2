import { z } from 'zod';

/** A webhook from Partner Center, verified and kept for the worker to look into. */
export const reportMessage = z.object({
  eventName: z.string().max(200),
  resourceUri: z.string().max(2000),
});
export type ReportMessage = z.infer<typeof reportMessage>;

export type ReportTarget =
  | { kind: 'transfer'; tenantId: string; transferId: string }
  | { kind: 'customer'; tenantId: string }
  | { kind: 'unknown' };

/**
 * What a webhook is about, from its `ResourceUri`: a transfer (`…/customers/{id}/transfers/{id}`)
 * or a customer (`…/customers/{id}…`, as a relationship's acceptance names it). The worker reads
 * the resource itself: a webhook says where to look, never what happened.
 */
export function reportTarget(report: ReportMessage): ReportTarget {
  let path: string;
  try {
    path = new URL(report.resourceUri, 'https://api.partnercenter.microsoft.com').pathname;
  } catch {
    return { kind: 'unknown' };
  }
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const at = segments.indexOf('customers');
  const tenantId = at >= 0 ? segments[at + 1] : undefined;
  if (!tenantId) return { kind: 'unknown' };
  const transferId = segments[at + 2] === 'transfers' ? segments[at + 3] : undefined;
  if (transferId) return { kind: 'transfer', tenantId, transferId };
  return { kind: 'customer', tenantId };
}
