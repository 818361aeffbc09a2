import type { Knex } from 'knex';

/**
 * What the move's invariants need from the schema: history rows that bind other records by
 * hash, consent links that can be closed, and customer positions that never repeat.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('history', (t) => {
    t.jsonb('bindings').comment(
      "records bound to this row by hash: the workflow's access fields, a consent's evidence",
    );
  });

  await knex.schema.alterTable('consent_requests', (t) => {
    t.timestamp('revoked_at', { useTz: true }).comment('closed before it was used');
    t.text('revoked_by').comment('principal id, or system when the workflow moved on');
    t.text('revocation_reason');
  });

  // Concurrent imports could give two customers one position; renumber them in import order
  // so the unique index below can hold from now on.
  await knex.raw(`
    UPDATE customers SET position = renumbered.n
    FROM (
      SELECT id, row_number() OVER (PARTITION BY partner_id ORDER BY position, created_at, id) AS n
      FROM customers
    ) AS renumbered
    WHERE customers.id = renumbered.id AND customers.position <> renumbered.n`);
  await knex.schema.alterTable('customers', (t) => {
    t.dropIndex(['partner_id', 'position']);
    t.unique(['partner_id', 'position']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('customers', (t) => {
    t.dropUnique(['partner_id', 'position']);
    t.index(['partner_id', 'position']);
  });
  await knex.schema.alterTable('consent_requests', (t) => {
    t.dropColumn('revocation_reason');
    t.dropColumn('revoked_by');
    t.dropColumn('revoked_at');
  });
  await knex.schema.alterTable('history', (t) => t.dropColumn('bindings'));
}
