import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('providers', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('mpn_id').notNullable().unique().comment('PartnerID in the AI Cloud Partner Program');
    t.text('region').notNullable().comment('ISO 3166-1 alpha-2 CSP region');
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('partners', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('mpn_id').notNullable().unique().comment('PartnerID in the AI Cloud Partner Program');
    t.text('pla_id').notNullable().comment('Partner Location Account id');
    t.text('pla_region').notNullable();
    t.text('csp_region').notNullable().comment('where the partner will transact as a reseller');
    t.text('tenant_id').notNullable();
    t.jsonb('profile').notNullable().comment('enrollment profile, copied into the enrollment');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('principals', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('role').notNullable();
    t.text('partner_id').references('partners.id');
    t.text('provider_id').references('providers.id');
    t.text('token_hash').notNullable().unique().comment('sha256 of the bearer token');
    t.timestamp('created_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('customers', (t) => {
    t.text('id').primary();
    t.text('partner_id').notNullable().references('partners.id');
    t.text('name').notNullable();
    t.text('tenant_id').notNullable();
    t.text('acquired_as').notNullable();
    t.text('mca_acceptance').notNullable();
    t.boolean('provider_needs_admin').notNullable().defaultTo(false);
    t.jsonb('bill_to').notNullable();
    t.integer('position').notNullable().comment('import order, for stable listing');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.unique(['partner_id', 'tenant_id']);
    t.index(['partner_id', 'position']);
  });

  await knex.schema.createTable('subscriptions', (t) => {
    t.text('partner_id').notNullable().references('partners.id');
    t.text('id').notNullable().comment("Microsoft's subscription id, unique per partner");
    t.text('customer_id').notNullable().references('customers.id');
    t.text('offer').notNullable();
    t.text('kind').notNullable();
    t.integer('quantity').notNullable();
    t.text('base_subscription_id').comment('set on an add-on: the subscription it belongs to');
    t.integer('position').notNullable();
    t.primary(['partner_id', 'id']);
    t.index(['customer_id', 'position']);
  });

  await knex.schema.createTable('workflows', (t) => {
    t.text('id').primary();
    t.text('machine').notNullable();
    t.integer('machine_version')
      .notNullable()
      .comment('definition version the snapshot belongs to');
    t.jsonb('snapshot').notNullable().comment('XState persisted snapshot');
    t.text('state').notNullable().comment('deepest contract state, dotted');
    t.text('status').notNullable().comment('active | done | cancelled');
    t.integer('version').notNullable().comment('grows by one per applied event');
    t.integer('history_length').notNullable().comment('seq of the last history row');
    t.text('head_hash').notNullable().comment('hash of the last history row');
    t.text('parent_id').references('workflows.id');
    t.text('partner_id').notNullable().references('partners.id');
    t.text('customer_id').references('customers.id');
    t.text('provider_id').references('providers.id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.bigIncrements('seq', { primaryKey: false }).comment('creation order, for stable listing');
    t.index(['partner_id', 'machine', 'seq']);
    t.index(['parent_id', 'seq']);
    t.index(['customer_id', 'seq']);
  });
  // One open transition per partner, enforced where races cannot slip past it.
  await knex.raw(
    `CREATE UNIQUE INDEX workflows_one_open_transition ON workflows (partner_id)
     WHERE machine = 'transition' AND status = 'active'`,
  );

  await knex.schema.createTable('history', (t) => {
    t.text('workflow_id').notNullable().references('workflows.id');
    t.integer('seq').notNullable();
    t.text('type').notNullable();
    t.jsonb('payload').notNullable();
    t.text('actor_id').notNullable();
    t.text('actor_name').notNullable();
    t.text('actor_role').notNullable();
    t.text('request_id');
    t.text('from_state').comment('null only on the CREATED row');
    t.text('to_state').notNullable();
    t.text('outcome').notNullable().comment('applied | rejected');
    t.jsonb('reason').comment('on rejected rows: {status, code, reasons?}');
    t.timestamp('at', { useTz: true }).notNullable();
    t.text('prev_hash').notNullable();
    t.text('hash').notNullable().comment('sha256(prev_hash || canonical JSON of the row)');
    t.primary(['workflow_id', 'seq']);
  });

  await knex.schema.createTable('idempotency_keys', (t) => {
    t.text('principal_id').notNullable().references('principals.id');
    t.text('key').notNullable();
    t.text('request_hash').notNullable().comment('method, path and body: a reused key must match');
    t.integer('status').comment('stored response, null while the first request runs');
    t.jsonb('body');
    t.jsonb('headers');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['principal_id', 'key']);
    t.index(['created_at']);
  });

  await knex.schema.createTable('timers', (t) => {
    t.text('id').primary();
    t.text('workflow_id').notNullable().references('workflows.id');
    t.text('key').notNullable().comment('names the timer within its workflow, for cancelling');
    t.jsonb('event').notNullable().comment('the event delivered when due');
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.index(['due_at']);
    t.index(['workflow_id', 'key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'timers',
    'idempotency_keys',
    'history',
    'workflows',
    'subscriptions',
    'customers',
    'principals',
    'partners',
    'providers',
  ]) {
    await knex.schema.dropTableIfExists(table);
  }
}
