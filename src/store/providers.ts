import type { Knex } from 'knex';

export interface ProviderRow {
  id: string;
  name: string;
  mpn_id: string;
  region: string;
  created_at: Date;
}

export interface Provider {
  id: string;
  name: string;
  mpnId: string;
  region: string;
  createdAt: string;
}

export function toProvider(row: ProviderRow): Provider {
  return {
    id: row.id,
    name: row.name,
    mpnId: row.mpn_id,
    region: row.region,
    createdAt: row.created_at.toISOString(),
  };
}

export async function insertProvider(db: Knex, row: ProviderRow): Promise<void> {
  await db('providers').insert(row);
}

export async function findProvider(db: Knex, id: string): Promise<ProviderRow | undefined> {
  return db<ProviderRow>('providers').where({ id }).first();
}

export async function findProviderByMpnId(
  db: Knex,
  mpnId: string,
): Promise<ProviderRow | undefined> {
  return db<ProviderRow>('providers').where({ mpn_id: mpnId }).first();
}

export async function listProviders(db: Knex): Promise<ProviderRow[]> {
  return db<ProviderRow>('providers').orderBy([{ column: 'created_at' }, { column: 'id' }]);
}
