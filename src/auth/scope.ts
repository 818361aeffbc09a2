import type { Principal } from './principal.ts';

interface Scoped {
  partner_id: string;
  provider_id: string | null;
}

/**
 * Whether a principal may read a workflow. Mirrors `applyWorkflowScope` in the store, which
 * says the same in SQL for lists; change them together.
 */
export function canSeeWorkflow(principal: Principal, row: Scoped): boolean {
  switch (principal.role) {
    case 'admin':
    case 'auditor':
    case 'system':
      return true;
    case 'manager':
    case 'global_admin':
      return principal.partnerId === row.partner_id;
    case 'provider':
      return principal.providerId !== null && principal.providerId === row.provider_id;
    case 'customer':
      return false;
  }
}

/** Whether a principal may read a partner's own records (the partner, its customers). */
export function canSeePartner(principal: Principal, partnerId: string): boolean {
  switch (principal.role) {
    case 'admin':
    case 'auditor':
    case 'system':
      return true;
    case 'manager':
    case 'global_admin':
      return principal.partnerId === partnerId;
    default:
      return false;
  }
}
