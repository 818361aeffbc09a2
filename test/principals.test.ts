import type { Express } from 'express';
import knexFactory, { type Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createApp } from '../src/app.ts';
import { ensureAdmin } from '../src/auth/bootstrap.ts';
import { Engine } from '../src/engine/engine.ts';
import { createLogger } from '../src/logger.ts';
import { migrationSource } from '../db/migrations/index.ts';
import { hashToken } from '../src/auth/tokens.ts';
import { createDatabase, migrateToLatest, type Database } from '../src/store/database.ts';
import { ManualClock } from './clock.ts';
import { buildPartner } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { testSecrets } from './secrets.ts';

interface PrincipalView {
  id: string;
  name: string;
  role: string;
  status: string;
  expiresAt: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  overlapEndsAt: string | null;
}

let h: Harness;
/** A second instance of the service on the same database, as a scaled-out deployment runs. */
let second: Express;
beforeAll(async () => {
  h = await startHarness();
  second = instanceOn(h.db, h.clock);
});
afterAll(async () => h.close());

function instanceOn(db: Database, clock: ManualClock): Express {
  return createApp({
    db,
    engine: new Engine({ db, clock }),
    logger: createLogger('silent'),
    secrets: testSecrets(),
    config: {
      BODY_LIMIT_BYTES: 1024 * 1024,
      RATE_LIMIT_PER_MIN: 1_000_000,
      PUBLIC_URL: 'http://127.0.0.1:3000',
    },
  });
}

/**
 * A database of its own, for tests about the set of all admins: the Postgres database of a
 * run is shared by every test file, each with its own admin.
 */
async function isolatedDatabase(
  migrate: (db: Database) => Promise<unknown> = migrateToLatest,
): Promise<{ db: Database; drop(): Promise<void> }> {
  const url = inject('databaseUrl');
  if (!url) {
    const db = createDatabase({ dataDir: 'memory://' });
    await migrate(db);
    return { db, drop: () => db.destroy() };
  }
  const name = `tiershift_admins_${process.pid}_${Date.now()}`;
  const server = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  await server.raw(`CREATE DATABASE ${name}`);
  const own = new URL(url);
  own.pathname = `/${name}`;
  const db = createDatabase({ databaseUrl: own.toString() });
  await migrate(db);
  return {
    db,
    drop: async () => {
      await db.destroy();
      await server.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await server.destroy();
    },
  };
}

async function newPrincipal(
  body: Record<string, unknown> = {},
): Promise<{ id: string; token: string }> {
  const res = await as(h.app, h.adminToken).post('/v1/principals', {
    name: `auditor ${crypto.randomUUID()}`,
    role: 'auditor',
    ...body,
  });
  expect(res.status, res.text).toBe(201);
  return res.body as { id: string; token: string };
}

const status = async (app: Express, token: string) =>
  (await as(app, token).get('/v1/machines')).status;

describe(`listing principals (${inject('databaseUrl') ? 'postgres' : 'pglite'})`, () => {
  it('when an admin lists principals, then pages follow the cursor and no token or hash is shown', async () => {
    const made = [await newPrincipal(), await newPrincipal(), await newPrincipal()];
    const seen: PrincipalView[] = [];
    let cursor: string | null = null;
    do {
      const url = `/v1/principals?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await as(h.app, h.adminToken).get(url);
      expect(res.status, res.text).toBe(200);
      const page = res.body as { items: PrincipalView[]; nextCursor: string | null };
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items);
      for (const { token } of made) expect(res.text).not.toContain(token);
      expect(res.text).not.toMatch(/token_?hash/i);
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen.map((p) => p.id)).size).toBe(seen.length);
    for (const { id } of made) {
      expect(seen.find((p) => p.id === id)).toMatchObject({
        role: 'auditor',
        status: 'active',
        expiresAt: null,
        revokedAt: null,
        overlapEndsAt: null,
      });
    }
  });

  it('when the cursor is not one the API gave, then 422', async () => {
    const res = await as(h.app, h.adminToken).get('/v1/principals?cursor=bm9wZQ');
    expect(res.status).toBe(422);
  });
});

describe('revoking a principal', () => {
  it('when a token is revoked in one instance, then it answers 401 at once in every instance', async () => {
    const { id, token } = await newPrincipal();
    // Both instances have just let the token in, so any cache of either would hold it.
    expect(await status(h.app, token)).toBe(200);
    expect(await status(second, token)).toBe(200);

    const res = await as(second, h.adminToken).post(`/v1/principals/${id}/revoke`, {
      reason: 'laptop lost',
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id,
      status: 'revoked',
      revokedAt: h.clock.now().toISOString(),
      revocationReason: 'laptop lost',
    });

    expect(await status(h.app, token)).toBe(401);
    expect(await status(second, token)).toBe(401);
  });

  it('when a principal is revoked twice, then the second time changes nothing', async () => {
    const { id } = await newPrincipal();
    const first = await as(h.app, h.adminToken).post(`/v1/principals/${id}/revoke`, {});
    h.clock.advanceHours(1);
    const again = await as(h.app, h.adminToken).post(`/v1/principals/${id}/revoke`, {
      reason: 'again',
    });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  it('when the principal is unknown, then 404; when the body has an unknown field, then 422', async () => {
    const admin = as(h.app, h.adminToken);
    expect((await admin.post('/v1/principals/prn_nope/revoke', {})).status).toBe(404);
    const { id } = await newPrincipal();
    expect((await admin.post(`/v1/principals/${id}/revoke`, { why: 'x' })).status).toBe(422);
  });

  it('when the last active admin would be revoked, then 409 last_admin and it still works', async () => {
    const own = await isolatedDatabase();
    try {
      const clock = new ManualClock();
      const app = instanceOn(own.db, clock);
      const first = `first-admin-${crypto.randomUUID()}`;
      await ensureAdmin(own.db, first, clock.now());
      const created = await as(app, first).post('/v1/principals', {
        name: 'second admin',
        role: 'admin',
      });
      const secondAdmin = created.body as { id: string; token: string };
      const listed = await as(app, first).get('/v1/principals');
      const firstId = (listed.body as { items: PrincipalView[] }).items.find(
        (p) => p.id !== secondAdmin.id,
      )!.id;

      // Two admins: one may go, even by its own hand.
      expect((await as(app, first).post(`/v1/principals/${firstId}/revoke`, {})).status).toBe(200);
      const last = await as(app, secondAdmin.token).post(
        `/v1/principals/${secondAdmin.id}/revoke`,
        {},
      );
      expect(last.status).toBe(409);
      expect(last.body).toMatchObject({ code: 'last_admin' });
      expect(await status(app, secondAdmin.token)).toBe(200);
    } finally {
      await own.drop();
    }
  });
});

describe('rotating a token', () => {
  it('when a token is rotated with an overlap, then both work until the overlap ends, then only the new one', async () => {
    const { id, token: old } = await newPrincipal();
    const res = await as(h.app, h.adminToken).post(`/v1/principals/${id}/rotate`, {
      overlapSeconds: 3600,
    });
    expect(res.status, res.text).toBe(201);
    const rotated = res.body as { id: string; token: string; overlapEndsAt: string };
    expect(rotated.id).toBe(id);
    expect(rotated.token).not.toBe(old);
    const ends = new Date(h.clock.now().getTime() + 3600_000).toISOString();
    expect(rotated.overlapEndsAt).toBe(ends);

    const all = async () => {
      const items: PrincipalView[] = [];
      let cursor: string | null = null;
      do {
        const page = await as(h.app, h.adminToken).get(
          `/v1/principals?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
        );
        const body = page.body as { items: PrincipalView[]; nextCursor: string | null };
        items.push(...body.items);
        cursor = body.nextCursor;
      } while (cursor);
      return items.find((p) => p.id === id);
    };
    expect((await all())?.overlapEndsAt).toBe(ends);

    expect(await status(h.app, old)).toBe(200);
    expect(await status(second, rotated.token)).toBe(200);
    h.clock.advanceHours(0.99);
    expect(await status(second, old)).toBe(200);
    h.clock.advanceHours(0.02);
    expect(await status(h.app, old)).toBe(401);
    expect(await status(second, old)).toBe(401);
    expect(await status(h.app, rotated.token)).toBe(200);
    expect((await all())?.overlapEndsAt).toBeNull();
  });

  it('when no overlap is given, then the old token works for a day; an overlap over 30 days is refused', async () => {
    const { id, token: old } = await newPrincipal();
    const admin = as(h.app, h.adminToken);
    expect(
      (await admin.post(`/v1/principals/${id}/rotate`, { overlapSeconds: 31 * 86400 })).status,
    ).toBe(422);
    const res = await admin.post(`/v1/principals/${id}/rotate`);
    expect(res.status, res.text).toBe(201);
    h.clock.advanceHours(23.9);
    expect(await status(h.app, old)).toBe(200);
    h.clock.advanceHours(0.2);
    expect(await status(h.app, old)).toBe(401);
  });

  it('when the overlap is 0, then the old token stops at once', async () => {
    const { id, token: old } = await newPrincipal();
    const res = await as(h.app, h.adminToken).post(`/v1/principals/${id}/rotate`, {
      overlapSeconds: 0,
    });
    expect(await status(h.app, old)).toBe(401);
    expect(await status(h.app, (res.body as { token: string }).token)).toBe(200);
  });

  it('when a revoked principal is rotated, then 409 and no token works', async () => {
    const { id, token } = await newPrincipal();
    await as(h.app, h.adminToken).post(`/v1/principals/${id}/revoke`, {});
    const res = await as(h.app, h.adminToken).post(`/v1/principals/${id}/rotate`, {});
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: 'principal_revoked' });
    expect(await status(h.app, token)).toBe(401);
  });
});

describe('expiry', () => {
  it('when a principal has an expiry, then its token works until then and answers 401 after', async () => {
    const expiresAt = new Date(h.clock.now().getTime() + 2 * 3600_000).toISOString();
    const partner = await as(h.app, h.adminToken).post('/v1/partners', buildPartner());
    const { token } = await newPrincipal({
      role: 'manager',
      partnerId: (partner.body as { id: string }).id,
      expiresAt,
    });
    expect(await status(h.app, token)).toBe(200);
    h.clock.advanceHours(1.9);
    expect(await status(second, token)).toBe(200);
    h.clock.advanceHours(0.2);
    expect(await status(h.app, token)).toBe(401);
    expect(await status(second, token)).toBe(401);
  });

  it('when the expiry is not in the future, then 422 names expiresAt', async () => {
    for (const expiresAt of [h.clock.now().toISOString(), '2020-01-01T00:00:00Z', 'tomorrow']) {
      const res = await as(h.app, h.adminToken).post('/v1/principals', {
        name: 'late',
        role: 'auditor',
        expiresAt,
      });
      expect(res.status, expiresAt).toBe(422);
      expect(res.body).toMatchObject({ errors: [{ path: 'expiresAt' }] });
    }
  });
});

describe('ADMIN_TOKEN at start', () => {
  it('when ADMIN_TOKEN was revoked or rotated away, then a restart does not bring it back', async () => {
    const own = await isolatedDatabase();
    try {
      const clock = new ManualClock();
      const app = instanceOn(own.db, clock);
      const given = `given-${crypto.randomUUID()}`;
      await ensureAdmin(own.db, given, clock.now());
      const other = await as(app, given).post('/v1/principals', {
        name: 'other admin',
        role: 'admin',
      });
      const otherAdmin = other.body as { id: string; token: string };
      const givenId = (
        (await as(app, given).get('/v1/principals')).body as { items: PrincipalView[] }
      ).items.find((p) => p.id !== otherAdmin.id)!.id;
      await as(app, otherAdmin.token).post(`/v1/principals/${givenId}/revoke`, {});

      // A restart with the same environment.
      expect(await ensureAdmin(own.db, given, clock.now())).toEqual({});
      expect(await status(app, given)).toBe(401);

      // A token rotated away and past its overlap stays dead as well.
      const rotated = await as(app, otherAdmin.token).post(
        `/v1/principals/${otherAdmin.id}/rotate`,
        { overlapSeconds: 0 },
      );
      expect(rotated.status).toBe(201);
      expect(await ensureAdmin(own.db, otherAdmin.token, clock.now())).toEqual({});
      expect(await status(app, otherAdmin.token)).toBe(401);
      const count = await own.db('principals').where({ role: 'admin' }).count({ n: '*' });
      expect(Number(count[0]?.n)).toBe(2);
    } finally {
      await own.drop();
    }
  });

  it('when the admin token is lost, then a start with a new ADMIN_TOKEN lets an admin in to revoke the old one', async () => {
    const own = await isolatedDatabase();
    try {
      const clock = new ManualClock();
      const app = instanceOn(own.db, clock);
      const { generatedToken: lost } = await ensureAdmin(own.db, undefined, clock.now());
      expect(lost).toBeDefined();
      const fresh = `fresh-${crypto.randomUUID()}`;
      expect(await ensureAdmin(own.db, fresh, clock.now())).toEqual({});
      const items = (
        (await as(app, fresh).get('/v1/principals')).body as { items: PrincipalView[] }
      ).items;
      const old = items.find((p) => p.name === 'Administrator')!;
      expect((await as(app, fresh).post(`/v1/principals/${old.id}/revoke`, {})).status).toBe(200);
      expect(await status(app, lost!)).toBe(401);
      expect(await status(app, fresh)).toBe(200);
    } finally {
      await own.drop();
    }
  });

  it('when every admin has expired and no ADMIN_TOKEN is set, then a new first admin is generated', async () => {
    const own = await isolatedDatabase();
    try {
      const clock = new ManualClock();
      const app = instanceOn(own.db, clock);
      const given = `given-${crypto.randomUUID()}`;
      await ensureAdmin(own.db, given, clock.now());
      const temporary = await as(app, given).post('/v1/principals', {
        name: 'temporary admin',
        role: 'admin',
        expiresAt: new Date(clock.now().getTime() + 3600_000).toISOString(),
      });
      const givenId = (
        (await as(app, given).get('/v1/principals')).body as { items: PrincipalView[] }
      ).items.find((p) => p.id !== (temporary.body as { id: string }).id)!.id;
      await as(app, given).post(`/v1/principals/${givenId}/revoke`, {});
      clock.advanceHours(2);
      const { generatedToken } = await ensureAdmin(own.db, undefined, clock.now());
      expect(generatedToken).toBeDefined();
      expect(await status(app, generatedToken!)).toBe(200);
    } finally {
      await own.drop();
    }
  });
});

describe('a database from before principal tokens', () => {
  const tokensMigration = '20261123110000_principal_tokens';
  const before: Knex.MigrationSource<string> = {
    ...migrationSource,
    getMigrations: async (loadExtensions) =>
      (await migrationSource.getMigrations(loadExtensions)).filter((m) => m < tokensMigration),
  };

  it('when it is migrated, then every token keeps working; rolled back, a revoked one stays dead', async () => {
    const own = await isolatedDatabase((db) => db.migrate.latest({ migrationSource: before }));
    try {
      const clock = new ManualClock();
      const tokens = {
        kept: `kept-${crypto.randomUUID()}`,
        revoked: `gone-${crypto.randomUUID()}`,
      };
      for (const [id, token] of Object.entries(tokens)) {
        await own.db('principals').insert({
          id: `prn_${id}`,
          name: id,
          role: 'admin',
          token_hash: hashToken(token),
          created_at: clock.now(),
        });
      }
      await migrateToLatest(own.db);
      const app = instanceOn(own.db, clock);
      expect(await status(app, tokens.kept)).toBe(200);
      expect(await status(app, tokens.revoked)).toBe(200);
      expect(
        (await as(app, tokens.kept).post('/v1/principals/prn_revoked/revoke', {})).status,
      ).toBe(200);

      await own.db.migrate.down({ migrationSource, name: tokensMigration });
      const rows = (await own.db('principals').orderBy('id')) as {
        id: string;
        token_hash: string;
      }[];
      expect(rows).toMatchObject([
        { id: 'prn_kept', token_hash: hashToken(tokens.kept) },
        {
          id: 'prn_revoked',
          token_hash: expect.not.stringMatching(`^${hashToken(tokens.revoked)}$`),
        },
      ]);
    } finally {
      await own.drop();
    }
  });
});
