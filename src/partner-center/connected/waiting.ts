import type { Knex } from 'knex';
import type { WorkflowRow } from '../../store/workflows.ts';
import { waitingStates } from './observe.ts';

/**
 * Connected workflows that wait on the customer (a relationship to accept, an MCA to sign),
 * with the customer's tenant: least recently changed first, or those of one customer.
 */
export async function waitingWorkflows(
  db: Knex,
  filter: { customerTenantId?: string; limit?: number },
): Promise<Array<{ workflow: WorkflowRow; customerTenantId: string }>> {
  const q = db('workflows as w')
    .join('customers as c', 'c.id', 'w.customer_id')
    .where('w.status', 'active')
    .where((m) => {
      for (const [machine, states] of Object.entries(waitingStates)) {
        void m.orWhere((s) => void s.where('w.machine', machine).whereIn('w.state', [...states]));
      }
    })
    .whereExists(function () {
      void this.from('partner_center_connections as pp').whereRaw('pp.partner_id = w.partner_id');
    })
    .whereExists(function () {
      void this.from('partner_center_connections as pv').whereRaw('pv.provider_id = w.provider_id');
    })
    .select('w.*', 'c.tenant_id as customer_tenant_id')
    .orderBy('w.updated_at')
    .limit(filter.limit ?? 500);
  if (filter.customerTenantId) q.where('c.tenant_id', filter.customerTenantId);
  const rows = (await q) as Array<WorkflowRow & { customer_tenant_id: string }>;
  return rows.map(({ customer_tenant_id, ...workflow }) => ({
    workflow,
    customerTenantId: customer_tenant_id,
  }));
}
