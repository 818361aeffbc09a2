import type { Knex } from 'knex';

/**
 * History is append-only in the database itself, not only by the application's habit: an
 * UPDATE, DELETE or TRUNCATE of history rows fails. `position` gives every row a global order
 * for exports across workflows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('history', (t) => {
    t.bigIncrements('position', { primaryKey: false }).comment('global append order, for exports');
  });
  await knex.raw(`CREATE UNIQUE INDEX history_position ON history (position)`);
  await knex.raw(`
    CREATE FUNCTION history_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'history is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END;
    $$`);
  await knex.raw(`
    CREATE TRIGGER history_append_only BEFORE UPDATE OR DELETE ON history
    FOR EACH ROW EXECUTE FUNCTION history_is_append_only()`);
  await knex.raw(`
    CREATE TRIGGER history_no_truncate BEFORE TRUNCATE ON history
    FOR EACH STATEMENT EXECUTE FUNCTION history_is_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS history_no_truncate ON history');
  await knex.raw('DROP TRIGGER IF EXISTS history_append_only ON history');
  await knex.raw('DROP FUNCTION IF EXISTS history_is_append_only()');
  await knex.raw('DROP INDEX IF EXISTS history_position');
  await knex.schema.alterTable('history', (t) => t.dropColumn('position'));
}
