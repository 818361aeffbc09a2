import type { Knex } from 'knex';

/**
 * Webhook subscriptions, and the outbox: messages written in the transaction of the event
 * that causes them and carried out after commit by workers. A message is claimed by moving
 * its `next_attempt_at` past a lease, under `FOR UPDATE SKIP LOCKED`, so several workers
 * share the work and one that dies mid-attempt hands its messages on when the lease runs out.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('webhook_subscriptions', (t) => {
    t.text('id').primary();
    t.text('scope').notNullable().comment('admin, partner or provider: whose workflows it hears');
    t.text('partner_id').references('partners.id');
    t.text('provider_id').references('providers.id');
    t.text('url').notNullable();
    t.specificType('events', 'text[]').notNullable();
    t.text('description');
    t.text('status').notNullable().defaultTo('active');
    t.text('disabled_reason').comment('why it stopped: shown to its owner');
    t.timestamp('disabled_at', { useTz: true });
    t.text('secret').notNullable();
    t.text('previous_secret').comment('signs beside the new one until the overlap ends');
    t.timestamp('previous_secret_expires_at', { useTz: true });
    t.integer('failed_messages')
      .notNullable()
      .defaultTo(0)
      .comment('messages given up in a row since the last delivered one');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.index(['partner_id']);
    t.index(['provider_id']);
  });
  await knex.raw(`
    ALTER TABLE webhook_subscriptions
      ADD CONSTRAINT webhook_subscriptions_scope CHECK (
        (scope = 'admin' AND partner_id IS NULL AND provider_id IS NULL) OR
        (scope = 'partner' AND partner_id IS NOT NULL AND provider_id IS NULL) OR
        (scope = 'provider' AND provider_id IS NOT NULL AND partner_id IS NULL)),
      ADD CONSTRAINT webhook_subscriptions_status CHECK (status IN ('active', 'disabled'))
  `);

  await knex.schema.createTable('outbox', (t) => {
    t.text('id').primary();
    t.text('kind').notNullable();
    t.jsonb('payload').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0).comment('attempts begun, counted at claim');
    t.timestamp('next_attempt_at', { useTz: true })
      .notNullable()
      .comment('when it is due; while claimed, when the claim lapses');
    t.timestamp('give_up_at', { useTz: true }).notNullable();
    t.text('claim_token').comment('who holds the current attempt; its result is kept only then');
    t.text('last_error');
    t.integer('response_status').comment('HTTP status of the last attempt, when one came');
    t.timestamp('last_attempt_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true });
    t.text('subscription_id')
      .references('webhook_subscriptions.id')
      .onDelete('CASCADE')
      .comment('for a webhook delivery: the subscription it goes to');
    t.text('event_id').comment('for a webhook delivery: the event, the same for every receiver');
    t.text('event_type');
  });
  await knex.raw(`
    ALTER TABLE outbox ADD CONSTRAINT outbox_status
      CHECK (status IN ('pending', 'delivered', 'failed'))
  `);
  await knex.raw(
    `CREATE INDEX outbox_due ON outbox (kind, next_attempt_at, id) WHERE status = 'pending'`,
  );
  // Notices, the most written rows, have no subscription: left out, they cost no entry here.
  await knex.raw(
    `CREATE INDEX outbox_deliveries ON outbox (subscription_id, created_at, id)
     WHERE subscription_id IS NOT NULL`,
  );
  await knex.raw(`CREATE INDEX outbox_finished ON outbox (finished_at) WHERE status <> 'pending'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('outbox');
  await knex.schema.dropTable('webhook_subscriptions');
}
