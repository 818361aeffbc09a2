import type { Knex } from 'knex';

/**
 * A principal may hold more than one token while a rotation overlaps, and may be revoked or
 * expire. Tokens move to a table of their own; existing ones are carried over unchanged, so
 * every token in use keeps working.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('principal_tokens', (t) => {
    t.text('token_hash').primary().comment('sha256 of the bearer token');
    t.text('principal_id').notNullable().references('principals.id');
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).comment(
      'set when a newer token replaced this one: the end of the overlap; null while current',
    );
    t.index(['principal_id']);
  });
  await knex.raw(`
    INSERT INTO principal_tokens (token_hash, principal_id, created_at)
    SELECT token_hash, id, created_at FROM principals
  `);
  await knex.schema.alterTable('principals', (t) => {
    t.dropColumn('token_hash');
    t.timestamp('expires_at', { useTz: true }).comment('no token of the principal works after it');
    t.timestamp('revoked_at', { useTz: true }).comment('no token of the principal works after it');
    t.text('revoked_by').comment('the principal who revoked it');
    t.text('revocation_reason');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('principals', (t) => {
    t.text('token_hash');
  });
  // Back to one token each: the newest one, which is the current one after a rotation. The
  // old schema cannot say "revoked" or "expired", so such a principal keeps a hash no token
  // has: a rollback must not bring a dead token back to life.
  await knex.raw(`
    UPDATE principals p SET token_hash = (
      SELECT CASE WHEN p.revoked_at IS NULL AND p.expires_at IS NULL
                  THEN t.token_hash ELSE 'disabled:' || t.token_hash END
      FROM principal_tokens t
      WHERE t.principal_id = p.id
      ORDER BY t.created_at DESC, t.token_hash
      LIMIT 1
    )
  `);
  await knex.schema.alterTable('principals', (t) => {
    t.dropColumns('expires_at', 'revoked_at', 'revoked_by', 'revocation_reason');
    t.text('token_hash').notNullable().alter();
    t.unique(['token_hash']);
  });
  await knex.schema.dropTable('principal_tokens');
}
