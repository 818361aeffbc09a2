import type { Knex } from 'knex';

/** Whose side a call acts on, and whose credentials it uses. */
export interface Account {
  kind: 'partner' | 'provider';
  id: string;
}

export type ResourceKind = 'transfer' | 'migration' | 'gdap';

export interface ResourceRow {
  kind: ResourceKind;
  id: string;
  workflow_id: string;
  customer_tenant_id: string;
  acting_kind: Account['kind'];
  acting_id: string;
  subject: string | null;
  status: string;
  settled_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** Which sides of a workflow registered Partner Center credentials. */
export async function connectedSides(
  db: Knex,
  row: { partner_id: string; provider_id: string | null },
): Promise<{ partner: boolean; provider: boolean }> {
  const kinds = await db<{ owner_kind: Account['kind'] }>('partner_center_connections')
    .where('partner_id', row.partner_id)
    .modify((q) => {
      if (row.provider_id !== null) void q.orWhere('provider_id', row.provider_id);
    })
    .pluck('owner_kind');
  return { partner: kinds.includes('partner'), provider: kinds.includes('provider') };
}

/**
 * Whether Partner Center carries out a workflow's steps: its partner and its provider both
 * registered credentials. A workflow with no provider yet is not connected.
 */
export async function isConnected(
  db: Knex,
  row: { partner_id: string; provider_id: string | null },
): Promise<boolean> {
  const sides = await connectedSides(db, row);
  return sides.partner && sides.provider;
}

/** Records what a step made in Partner Center; a second record of the same one changes nothing. */
export async function recordResource(
  db: Knex,
  resource: Omit<ResourceRow, 'settled_at' | 'updated_at'>,
): Promise<void> {
  await db('partner_center_resources')
    .insert({ ...resource, settled_at: null, updated_at: resource.created_at })
    .onConflict(['kind', 'id'])
    .ignore();
}

export async function findResource(
  db: Knex,
  kind: ResourceKind,
  id: string,
): Promise<ResourceRow | undefined> {
  return db<ResourceRow>('partner_center_resources').where({ kind, id }).first();
}

/** The newest resource of a kind a workflow made: the transfer request now open, say. */
export async function newestResource(
  db: Knex,
  workflowId: string,
  kind: ResourceKind,
): Promise<ResourceRow | undefined> {
  return db<ResourceRow>('partner_center_resources')
    .where({ workflow_id: workflowId, kind })
    .orderBy('created_at', 'desc')
    .first();
}

/** Resources still to watch, least recently looked at first. */
export async function openResources(db: Knex, limit: number): Promise<ResourceRow[]> {
  return db<ResourceRow>('partner_center_resources')
    .whereNull('settled_at')
    .orderBy('updated_at')
    .limit(limit);
}

export async function updateResource(
  db: Knex,
  resource: Pick<ResourceRow, 'kind' | 'id'>,
  change: { status: string; settled: boolean; at: Date },
): Promise<void> {
  await db('partner_center_resources')
    .where({ kind: resource.kind, id: resource.id })
    .update({
      status: change.status,
      updated_at: change.at,
      ...(change.settled ? { settled_at: change.at } : {}),
    });
}
