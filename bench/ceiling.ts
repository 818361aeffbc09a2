import pg from 'pg';
import { measure, type Rate } from './stats.ts';

/**
 * The database's own rate for the writes of one event, with `pg` directly: lock the workflow
 * row, update a ~2 KB jsonb snapshot, insert a history row, commit. Each client has its own
 * row, as each HTTP client below has its own workflow.
 */
export async function ceiling(url: string, clients: number, seconds: number): Promise<Rate> {
  const pool = new pg.Pool({ connectionString: url, max: clients });
  const snapshot = JSON.stringify({ value: 'draft', context: { blob: 'x'.repeat(1900) } });
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ceiling_rows (id int PRIMARY KEY, version int NOT NULL, snapshot jsonb NOT NULL)`,
  );
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ceiling_history (id int NOT NULL, seq int NOT NULL, payload jsonb NOT NULL, hash text NOT NULL, at timestamptz NOT NULL, PRIMARY KEY (id, seq))`,
  );
  await pool.query('TRUNCATE ceiling_rows, ceiling_history');
  for (let i = 0; i < clients; i += 1) {
    await pool.query('INSERT INTO ceiling_rows VALUES ($1, 1, $2)', [i, snapshot]);
  }
  const rate = await measure(clients, seconds, async (client) => {
    const c = await pool.connect();
    try {
      await c.query('BEGIN');
      const { rows } = await c.query<{ version: number }>(
        'SELECT version FROM ceiling_rows WHERE id = $1 FOR UPDATE',
        [client],
      );
      const version = rows[0]!.version;
      await c.query(
        'UPDATE ceiling_rows SET snapshot = $2, version = $3 WHERE id = $1 AND version = $4',
        [client, snapshot, version + 1, version],
      );
      await c.query('INSERT INTO ceiling_history VALUES ($1, $2, $3, $4, now())', [
        client,
        version + 1,
        '{"type":"UPDATE"}',
        'h'.repeat(64),
      ]);
      await c.query('COMMIT');
    } finally {
      c.release();
    }
  });
  await pool.end();
  return rate;
}
