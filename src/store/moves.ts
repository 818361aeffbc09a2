import type { Knex } from 'knex';
import type { ChildState } from '../../machines/common.ts';
import type { CustomerRow, SubscriptionRow } from './customers.ts';
import type { WorkflowRow } from './workflows.ts';

/** Lets a provider read a transition it was asked to partner on. */
export async function grantViewer(
  tx: Knex,
  workflowId: string,
  providerId: string,
  now: Date,
): Promise<void> {
  await tx('workflow_viewers')
    .insert({ workflow_id: workflowId, provider_id: providerId, created_at: now })
    .onConflict(['workflow_id', 'provider_id'])
    .ignore();
}

export async function isViewer(db: Knex, workflowId: string, providerId: string): Promise<boolean> {
  return (
    (await db('workflow_viewers')
      .where({ workflow_id: workflowId, provider_id: providerId })
      .first('workflow_id')) !== undefined
  );
}

export async function recordOutcome(
  tx: Knex,
  row: {
    workflowId: string;
    customerId: string;
    outcome: 'moved' | 'excluded';
    reason: string | null;
    at: Date;
  },
): Promise<void> {
  await tx('customer_outcomes')
    .insert({
      workflow_id: row.workflowId,
      customer_id: row.customerId,
      outcome: row.outcome,
      reason: row.reason,
      at: row.at,
    })
    .onConflict(['workflow_id', 'customer_id'])
    .merge();
}

export async function findOutcome(
  db: Knex,
  workflowId: string,
  customerId: string,
): Promise<'moved' | 'excluded' | null> {
  const row = await db<{ workflow_id: string; customer_id: string; outcome: 'moved' | 'excluded' }>(
    'customer_outcomes',
  )
    .where({ workflow_id: workflowId, customer_id: customerId })
    .first();
  return row?.outcome ?? null;
}

/** The newest child of each machine for one customer under one parent. */
export async function latestChildren(
  db: Knex,
  parentId: string,
  customerId: string,
): Promise<Record<string, ChildState>> {
  const rows = await db<WorkflowRow>('workflows')
    .where({ parent_id: parentId, customer_id: customerId })
    .orderBy('seq')
    .select('machine', 'state', 'status');
  const latest: Record<string, ChildState> = {};
  for (const row of rows) latest[row.machine] = { state: row.state, status: row.status };
  return latest;
}

export async function openCustomerChildren(
  tx: Knex.Transaction,
  parentId: string,
  customerId: string,
): Promise<WorkflowRow[]> {
  return tx<WorkflowRow>('workflows')
    .where({ parent_id: parentId, customer_id: customerId, status: 'active' })
    .orderBy('seq')
    .forNoKeyUpdate();
}

/** Direct-bill customers of the partner that have no workflow under this transition yet. */
export async function customersToPlan(
  tx: Knex,
  partnerId: string,
  transitionId: string,
): Promise<CustomerRow[]> {
  return tx<CustomerRow>('customers')
    .where({ partner_id: partnerId, acquired_as: 'direct_bill' })
    .whereNotExists(
      (q) =>
        void q
          .select(tx.raw('1'))
          .from('workflows')
          .where('workflows.parent_id', transitionId)
          .whereRaw('workflows.customer_id = customers.id'),
    )
    .orderBy('position');
}

export async function findCustomer(
  db: Knex,
  partnerId: string,
  customerId: string,
): Promise<CustomerRow | undefined> {
  return db<CustomerRow>('customers').where({ id: customerId, partner_id: partnerId }).first();
}

export async function subscriptionsOf(db: Knex, customerId: string): Promise<SubscriptionRow[]> {
  return db<SubscriptionRow>('subscriptions')
    .where({ customer_id: customerId })
    .orderBy('position');
}
