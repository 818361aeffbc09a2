import type { Knex } from 'knex';

/**
 * The App+User credentials Tiershift calls Partner Center with, one set per partner and one
 * per provider. The client secret and the refresh token are kept sealed under SECRETS_KEY
 * (`enc:v1:<key id>:…`); the checks refuse anything else, so no code path can store them in
 * the clear.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('partner_center_connections', (t) => {
    t.text('id').primary();
    t.text('owner_kind').notNullable().comment('partner or provider: whose credentials');
    t.text('partner_id').unique().references('partners.id').onDelete('CASCADE');
    t.text('provider_id').unique().references('providers.id').onDelete('CASCADE');
    t.text('tenant_id').notNullable().comment("the owner's Entra tenant");
    t.text('client_id')
      .notNullable()
      .comment('the Entra application registered for Partner Center');
    t.text('client_secret').notNullable().comment('sealed under SECRETS_KEY, never in the clear');
    t.text('refresh_token').notNullable().comment('sealed under SECRETS_KEY, never in the clear');
    t.text('updated_by').notNullable().comment('the principal that registered these credentials');
    t.text('updated_by_name').notNullable();
    t.text('updated_by_role').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.raw(`
    ALTER TABLE partner_center_connections
      ADD CONSTRAINT partner_center_connections_owner CHECK (
        (owner_kind = 'partner' AND partner_id IS NOT NULL AND provider_id IS NULL) OR
        (owner_kind = 'provider' AND provider_id IS NOT NULL AND partner_id IS NULL)),
      ADD CONSTRAINT partner_center_connections_sealed CHECK (
        client_secret LIKE 'enc:v1:%' AND refresh_token LIKE 'enc:v1:%')
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('partner_center_connections');
}
