import type { Knex } from 'knex';

/**
 * What a connected transition made in Partner Center and still watches: a transfer request,
 * a new-commerce migration, a GDAP relationship. A webhook names one by Partner Center's id,
 * and the reconciliation poll reads those not yet settled.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('partner_center_resources', (t) => {
    t.text('kind').notNullable().comment('transfer, migration or gdap');
    t.text('id').notNullable().comment("Partner Center's (or Graph's) id");
    t.text('workflow_id').notNullable().references('workflows.id');
    t.text('customer_tenant_id').notNullable();
    t.text('acting_kind').notNullable().comment('whose credentials read it: partner or provider');
    t.text('acting_id').notNullable();
    t.text('subject').comment('the subscription a migration concerns');
    t.text('status').notNullable().comment('as Partner Center last reported it');
    t.timestamp('settled_at', { useTz: true }).comment('set once nothing more can happen to it');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.primary(['kind', 'id']);
    t.index(['workflow_id']);
  });
  await knex.raw(`
    ALTER TABLE partner_center_resources
      ADD CONSTRAINT partner_center_resources_kind CHECK (kind IN ('transfer', 'migration', 'gdap')),
      ADD CONSTRAINT partner_center_resources_acting CHECK (acting_kind IN ('partner', 'provider'))
  `);
  await knex.raw(
    `CREATE INDEX partner_center_resources_open ON partner_center_resources (updated_at) WHERE settled_at IS NULL`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('partner_center_resources');
}
