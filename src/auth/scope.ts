import type { Knex } from 'knex';
import { isViewer } from '../store/moves.ts';
import type { Principal } from './principal.ts';

interface Scoped {
  id: string;
  partner_id: string;
  provider_id: string | null;
}

/**
 * Whether a principal may read a workflow. Mirrors `applyWorkflowScope` in the store, which
 * says the same in SQL for lists; change them together. A provider sees the workflows it
 * serves and the transitions it was asked to partner on.
 */
export async function canSeeWorkflow(
  db: Knex,
  principal: Principal,
  row: Scoped,
): Promise<boolean> {
  switch (principal.role) {
    case 'admin':
    case 'auditor':
    case 'system':
    case 'partner_center':
      return true;
    case 'manager':
    case 'global_admin':
      return principal.partnerId === row.partner_id;
    case 'provider':
      if (principal.providerId === null) return false;
      return (
        principal.providerId === row.provider_id ||
        (await isViewer(db, row.id, principal.providerId))
      );
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
