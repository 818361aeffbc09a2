import type { Knex } from 'knex';

/**
 * A timer whose event cannot be applied is tried again later, and after a number of attempts
 * set aside, so that it never holds up the timers due after it. The due lookup then reads
 * `coalesce(next_attempt_at, due_at)` over the timers not set aside; an index on exactly that
 * keeps it cheap.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('timers', (t) => {
    t.integer('attempts').notNullable().defaultTo(0).comment('failed attempts to fire it');
    t.text('last_error').comment('why the last attempt failed, shortened; no stack');
    t.timestamp('next_attempt_at', { useTz: true }).comment(
      'when to try again after a failure; null means at due_at',
    );
    t.timestamp('failed_at', { useTz: true }).comment(
      'set when it was given up after too many attempts: it waits for an admin to retry it',
    );
  });
  await knex.raw(`
    CREATE INDEX timers_next_attempt_index
    ON timers ((coalesce(next_attempt_at, due_at)), id)
    WHERE failed_at IS NULL
  `);
  await knex.raw(
    'CREATE INDEX timers_failed_index ON timers (failed_at, id) WHERE failed_at IS NOT NULL',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS timers_failed_index');
  await knex.raw('DROP INDEX IF EXISTS timers_next_attempt_index');
  await knex.schema.alterTable('timers', (t) => {
    t.dropColumns('attempts', 'last_error', 'next_attempt_at', 'failed_at');
  });
}
