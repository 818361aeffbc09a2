import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('workflow_viewers', (t) => {
    t.text('workflow_id').notNullable().references('workflows.id');
    t.text('provider_id').notNullable().references('providers.id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['workflow_id', 'provider_id']);
    t.index(['provider_id']);
  });
  await knex.schema.alterTable('workflow_viewers', (t) => {
    t.comment('providers a partner asked for a partnership: they may read that transition');
  });

  await knex.schema.createTable('customer_outcomes', (t) => {
    t.text('workflow_id').notNullable().references('workflows.id').comment('the transition');
    t.text('customer_id').notNullable().references('customers.id');
    t.text('outcome').notNullable().comment('moved | excluded');
    t.text('reason');
    t.timestamp('at', { useTz: true }).notNullable();
    t.primary(['workflow_id', 'customer_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('customer_outcomes');
  await knex.schema.dropTableIfExists('workflow_viewers');
}
