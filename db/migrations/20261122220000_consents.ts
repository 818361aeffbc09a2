import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('consents', (t) => {
    t.text('id').primary();
    t.text('partner_id').notNullable().references('partners.id');
    t.text('customer_id').notNullable().references('customers.id');
    t.text('provider_id').references('providers.id');
    t.text('workflow_id')
      .notNullable()
      .references('workflows.id')
      .comment('the resellerRelationship');
    t.jsonb('scope').notNullable().comment('what was consented to');
    t.text('decision').notNullable().comment('granted | declined');
    t.text('statement_version');
    t.text('statement_hash').comment('sha256 of the exact statement text shown');
    t.text('granted_by_name');
    t.text('granted_by_email');
    t.text('method').comment('customer_link | signed_form | recorded_call | email');
    t.text('evidence_ref');
    t.text('ip').comment('for consent links: where the answer came from');
    t.text('user_agent');
    t.text('recorded_by').notNullable().comment('principal id, or the consent link for a customer');
    t.text('reason').comment('why it was declined');
    t.timestamp('decided_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.text('revoked_by');
    t.text('revocation_reason');
    t.bigIncrements('seq', { primaryKey: false });
    t.index(['customer_id', 'seq']);
    t.index(['workflow_id', 'seq']);
  });

  await knex.schema.createTable('consent_requests', (t) => {
    t.text('id').primary();
    t.text('workflow_id').notNullable().references('workflows.id');
    t.text('token_hash')
      .notNullable()
      .unique()
      .comment('sha256 of the link token; the token is shown once');
    t.text('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.text('answer').comment('granted | declined, once used');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('consent_requests');
  await knex.schema.dropTableIfExists('consents');
}
