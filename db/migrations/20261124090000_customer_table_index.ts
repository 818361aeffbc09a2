import type { Knex } from 'knex';

/**
 * A transition's customer table reads, for each customer, the newest child of each machine
 * under that transition. This index hands those rows over in exactly that order, so the
 * table of a partner with 10,000 customers is one ordered index scan, not a sort of 30,000
 * rows. None of its columns change when a workflow takes an event, so updates stay HOT.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workflows', (t) => {
    t.index(['parent_id', 'customer_id', 'machine', 'seq'], 'workflows_customer_children');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workflows', (t) => {
    t.dropIndex(['parent_id', 'customer_id', 'machine', 'seq'], 'workflows_customer_children');
  });
}
