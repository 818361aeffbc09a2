import knexFactory from 'knex';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { ServerProcess } from '../../bench/server-process.ts';

/**
 * Tiershift scales out as stateless instances on one Postgres. Instances started together on
 * a new database must take turns at the schema and at the first admin, not race for them.
 */
const rounds = 8;
const instances = 3;
const servers: ServerProcess[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill('SIGKILL')));
});

describe('scale-out: several instances on one new database', () => {
  it(`when ${instances} instances start at once on a new database, ${rounds} times over, then all become ready, the schema is migrated once and one admin exists`, async () => {
    const runUrl = inject('databaseUrl');
    if (!runUrl) throw new Error('The chaos tests run on Postgres: set DATABASE_URL');
    const admin = knexFactory({ client: 'pg', connection: runUrl, pool: { min: 0, max: 1 } });
    try {
      for (let round = 0; round < rounds; round += 1) {
        const name = `tiershift_scale_${process.pid}_${Date.now()}_${round}`;
        await admin.raw(`CREATE DATABASE ${name}`);
        const url = new URL(runUrl);
        url.pathname = `/${name}`;
        // Without ADMIN_TOKEN each instance would create a first admin if none exists.
        const started = await Promise.allSettled(
          Array.from({ length: instances }, () =>
            ServerProcess.start({ databaseUrl: url.toString(), adminToken: '', run: 'build' }),
          ),
        );
        for (const s of started) if (s.status === 'fulfilled') servers.push(s.value);
        const failures = started.flatMap((s) =>
          s.status === 'rejected' ? [String(s.reason)] : [],
        );
        expect(failures, failures.join('\n')).toEqual([]);

        const db = knexFactory({ client: 'pg', connection: url.toString() });
        const migrations = await db('knex_migrations').count<{ count: number }[]>('* as count');
        const names = await db('knex_migrations').select('name');
        expect(new Set(names.map((r: { name: string }) => r.name)).size).toBe(
          Number(migrations[0]?.count),
        );
        const admins = await db('principals').where({ role: 'admin' }).count('* as count');
        expect(Number(admins[0]?.count)).toBe(1);
        await db.destroy();
        await Promise.all(servers.splice(0).map((s) => s.kill('SIGTERM')));
        await admin.raw(`DROP DATABASE ${name} WITH (FORCE)`);
      }
    } finally {
      await admin.destroy();
    }
  });
});
