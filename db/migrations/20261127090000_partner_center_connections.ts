import type { Knex } from 'knex';

/**
 * A partner's or a provider's Partner Center credentials. The secret parts are kept sealed
 * with `SECRETS_KEY`; the database alone never reveals them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('partner_center_connections', (t) => {
    t.text('owner_kind').notNullable().comment('partner or provider');
    t.text('owner_id').notNullable();
    t.text('tenant_id').notNullable();
    t.text('client_id').notNullable();
    t.text('sealed_secrets').notNullable().comment('client secret and refresh token, sealed');
    t.text('updated_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['owner_kind', 'owner_id']);
  });
  await knex.raw(`
    ALTER TABLE partner_center_connections
      ADD CONSTRAINT partner_center_connections_owner CHECK (owner_kind IN ('partner', 'provider'))
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('partner_center_connections');
}
