import type { Knex } from 'knex';

/**
 * What Partner Center keeps about a subscription that decides whether it can transfer: its
 * status, when its term ends, how it is billed, and (for a marketplace item) whether the
 * publisher allows a transfer. Rows imported before keep what was true of them then: active,
 * with nothing known of their term.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('subscriptions', (t) => {
    t.text('status').notNullable().defaultTo('active');
    t.text('term_end_date').comment('YYYY-MM-DD; null when the subscription has no term');
    t.text('billing_cycle');
    t.boolean('transfer_eligible')
      .notNullable()
      .defaultTo(false)
      .comment('a marketplace item whose publisher allows the transfer');
  });
  await knex.raw(`
    ALTER TABLE subscriptions
      ADD CONSTRAINT subscriptions_status CHECK (status IN ('active', 'suspended', 'expired', 'trial')),
      ADD CONSTRAINT subscriptions_term_end_date CHECK (term_end_date ~ '^\\d{4}-\\d{2}-\\d{2}$'),
      ADD CONSTRAINT subscriptions_billing_cycle CHECK (
        billing_cycle IN ('monthly', 'annual', 'triennial', 'one_time', 'none'))
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('subscriptions', (t) => {
    t.dropColumn('status');
    t.dropColumn('term_end_date');
    t.dropColumn('billing_cycle');
    t.dropColumn('transfer_eligible');
  });
}
