import type { Principal } from '../auth/principal.ts';

/**
 * A provider does not see a customer's bill-to information until it was handed over
 * (`BILL_TO_SHARING_CONFIRMED` or `INVITATION_ACCEPTED`); after that it stays visible.
 */
export function withholdsBillTo(principal: Principal, context: unknown): boolean {
  if (principal.role !== 'provider' || typeof context !== 'object' || context === null)
    return false;
  const c = context as { billTo?: unknown; billToShared?: unknown };
  return c.billTo !== undefined && c.billToShared !== true;
}

export function withoutBillTo<T>(value: T): T {
  if (typeof value !== 'object' || value === null || !('billTo' in value)) return value;
  const { billTo: _billTo, ...rest } = value as Record<string, unknown>;
  return rest as T;
}
