import type { Knex } from 'knex';

/**
 * A child's reference to its parent may be checked later than at insert. An import writes
 * thousands of children of a transition before it locks that transition; checked at once,
 * each reference holds a key-share lock on the transition's row from then on, every event
 * that updates the row meanwhile leaves a version whose locks must be resolved through a
 * multixact, and the import's own writes to the transition, under its lock, crawl through
 * that chain: seconds for a few thousand rows, while the transition's events wait. The import
 * defers the checks while it writes and runs them all just before it takes the lock.
 * Immediate stays the default (see `deferParentReferenceChecks`).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'ALTER TABLE workflows ALTER CONSTRAINT workflows_parent_id_foreign DEFERRABLE INITIALLY IMMEDIATE',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'ALTER TABLE workflows ALTER CONSTRAINT workflows_parent_id_foreign NOT DEFERRABLE',
  );
}
