import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createLogger } from '../src/logger.ts';
import { generateKey, parseKey } from '../src/secrets/key.ts';
import { SecretUnreadable, Secrets } from '../src/secrets/secrets.ts';
import { prepareDatabase } from '../src/service.ts';
import {
  loadCredentials,
  renewRefreshToken,
  type ConnectionRow,
} from '../src/store/partner-center-connections.ts';
import { createPartnerTeam, createPrincipal, type PartnerTeam } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';
import { testSecrets } from './secrets.ts';

let h: Harness;
let team: PartnerTeam;
let otherTeam: PartnerTeam;
let provider: { id: string; token: string };
let otherProvider: { id: string; token: string };

/** Credentials with secrets no test could mistake for anything else. */
function credentials() {
  return {
    tenantId: randomUUID(),
    clientId: randomUUID(),
    clientSecret: `cs~${randomUUID()}~secret`,
    refreshToken: `0.AXEA-${randomUUID()}-${'r'.repeat(900)}`,
  };
}

const partnerPath = (id: string) => `/v1/partners/${id}/partner-center-connection`;
const providerPath = (id: string) => `/v1/providers/${id}/partner-center-connection`;
const rowOf = async (column: 'partner_id' | 'provider_id', id: string) =>
  h.db<ConnectionRow>('partner_center_connections').where(column, id).first();

beforeAll(async () => {
  // A database of its own: the tests below start it again under other keys.
  h = await startHarness({ ownDatabase: true });
  team = await createPartnerTeam(h.app, h.adminToken);
  otherTeam = await createPartnerTeam(h.app, h.adminToken);
  provider = await Move.provider(h.app, h.adminToken, 'DE');
  otherProvider = await Move.provider(h.app, h.adminToken, 'DE');
});
afterAll(async () => h?.close());

describe(`Partner Center connections (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`, () => {
  it('when a partner’s Global admin registers credentials, then the answer says whose they are and who registered them, and never a secret', async () => {
    const given = credentials();
    const put = await as(h.app, team.globalAdmin).put(partnerPath(team.partnerId), given);
    expect(put.status).toBe(201);
    expect(put.body).toEqual({
      owner: { kind: 'partner', id: team.partnerId },
      tenantId: given.tenantId,
      clientId: given.clientId,
      connected: true,
      updatedAt: expect.any(String) as string,
      updatedBy: {
        id: expect.any(String) as string,
        name: expect.any(String) as string,
        role: 'global_admin',
      },
    });
    const got = await as(h.app, team.globalAdmin).get(partnerPath(team.partnerId));
    expect(got.status).toBe(200);
    expect(got.body).toEqual(put.body);
    for (const answer of [put, got]) {
      expect(answer.text).not.toContain(given.clientSecret);
      expect(answer.text).not.toContain(given.refreshToken);
    }
    expect(await loadCredentials(h.db, h.secrets, { kind: 'partner', id: team.partnerId })).toEqual(
      given,
    );
  });

  it('when credentials are stored, then the stored bytes hold neither secret, only values sealed for that owner and field', async () => {
    const given = credentials();
    await as(h.app, team.globalAdmin).put(partnerPath(team.partnerId), given);
    const row = (await rowOf('partner_id', team.partnerId))!;
    expect(row.client_secret).toMatch(new RegExp(`^enc:v1:${h.secrets.keyId}:`));
    expect(row.refresh_token).toMatch(new RegExp(`^enc:v1:${h.secrets.keyId}:`));
    const raw = (
      await h.db.raw<{ rows: Array<{ text: string }> }>(
        `SELECT t::text AS text FROM partner_center_connections t WHERE partner_id = ?`,
        [team.partnerId],
      )
    ).rows[0]!.text;
    for (const secret of [given.clientSecret, given.refreshToken]) {
      expect(raw).not.toContain(secret);
      expect(raw).not.toContain(Buffer.from(secret).toString('base64'));
      expect(raw).not.toContain(Buffer.from(secret).toString('base64url').slice(0, 24));
    }
    // The database itself refuses a secret in the clear.
    await expect(
      h
        .db('partner_center_connections')
        .where({ partner_id: team.partnerId })
        .update({ refresh_token: 'a refresh token in the clear' }),
    ).rejects.toThrow(/partner_center_connections_sealed/);
  });

  it('when credentials are registered again, then they replace the old ones with 200', async () => {
    await as(h.app, h.adminToken).put(partnerPath(team.partnerId), credentials());
    const newer = credentials();
    const put = await as(h.app, h.adminToken).put(partnerPath(team.partnerId), newer);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ tenantId: newer.tenantId, updatedBy: { role: 'admin' } });
    expect(await loadCredentials(h.db, h.secrets, { kind: 'partner', id: team.partnerId })).toEqual(
      newer,
    );
    expect(
      await h
        .db('partner_center_connections')
        .where({ partner_id: team.partnerId })
        .count({ n: '*' }),
    ).toEqual([{ n: 1 }]);
  });

  it('when a provider registers its own credentials, then they are stored for it; another provider’s are out of its reach', async () => {
    const given = credentials();
    const put = await as(h.app, provider.token).put(providerPath(provider.id), given);
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ owner: { kind: 'provider', id: provider.id } });
    expect(
      (await as(h.app, provider.token).put(providerPath(otherProvider.id), credentials())).status,
    ).toBe(403);
    expect((await as(h.app, otherProvider.token).get(providerPath(provider.id))).status).toBe(403);
    expect(await loadCredentials(h.db, h.secrets, { kind: 'provider', id: provider.id })).toEqual(
      given,
    );
  });

  it('when someone other than the owner’s Global admin, the provider itself or an admin asks, then 404 where the partner is hidden from it and 403 where it is not', async () => {
    await as(h.app, team.globalAdmin).put(partnerPath(team.partnerId), credentials());
    const unknown = `/v1/partners/ptn_unknown/partner-center-connection`;
    const cases: Array<[string, string, number]> = [
      [team.manager, partnerPath(team.partnerId), 403],
      [team.auditor, partnerPath(team.partnerId), 403],
      [otherTeam.globalAdmin, partnerPath(team.partnerId), 404],
      [otherTeam.manager, partnerPath(team.partnerId), 404],
      [provider.token, partnerPath(team.partnerId), 404],
      [h.adminToken, unknown, 404],
      [team.globalAdmin, unknown, 404],
      [team.globalAdmin, providerPath(provider.id), 403],
      [team.auditor, providerPath(provider.id), 403],
      [provider.token, '/v1/providers/prv_unknown/partner-center-connection', 404],
    ];
    for (const [token, path, status] of cases) {
      for (const method of ['get', 'put', 'delete'] as const) {
        const res =
          method === 'put'
            ? await as(h.app, token).put(path, credentials())
            : await as(h.app, token)[method](path);
        expect(res.status, `${method} ${path}`).toBe(status);
      }
    }
    // Nothing was changed by the refusals.
    expect(await rowOf('partner_id', team.partnerId)).toBeDefined();
  });

  it('when nothing is registered, then GET and DELETE answer 404 connection; after DELETE, nothing can be loaded', async () => {
    const fresh = await createPartnerTeam(h.app, h.adminToken);
    const none = await as(h.app, fresh.globalAdmin).get(partnerPath(fresh.partnerId));
    expect(none.status).toBe(404);
    expect(none.body).toMatchObject({ code: 'not_found', detail: 'No such connection.' });

    const put = await as(h.app, fresh.globalAdmin).put(partnerPath(fresh.partnerId), credentials());
    expect(put.status, put.text).toBe(201);
    const deleted = await as(h.app, fresh.globalAdmin).delete(partnerPath(fresh.partnerId));
    expect(deleted.status).toBe(204);
    expect((await as(h.app, fresh.globalAdmin).get(partnerPath(fresh.partnerId))).status).toBe(404);
    expect((await as(h.app, fresh.globalAdmin).delete(partnerPath(fresh.partnerId))).status).toBe(
      404,
    );
    expect(
      await loadCredentials(h.db, h.secrets, { kind: 'partner', id: fresh.partnerId }),
    ).toBeUndefined();
  });

  it('when the body is not credentials, then 422 naming each field, and nothing is stored', async () => {
    const fresh = await createPartnerTeam(h.app, h.adminToken);
    const bad = [
      { ...credentials(), tenantId: 'contoso.onmicrosoft.com' },
      { ...credentials(), clientId: '' },
      { ...credentials(), clientSecret: '' },
      { ...credentials(), refreshToken: 'r'.repeat(16_385) },
      { ...credentials(), extra: true },
      (({ refreshToken: _, ...rest }) => rest)(credentials()),
    ];
    for (const body of bad) {
      const res = await as(h.app, fresh.globalAdmin).put(partnerPath(fresh.partnerId), body);
      expect(res.status, JSON.stringify(Object.keys(body))).toBe(422);
      expect(res.body).toMatchObject({ code: 'validation_failed' });
      expect(res.text).not.toContain('cs~');
    }
    const notJson = await supertest(h.app)
      .put(partnerPath(fresh.partnerId))
      .set('Authorization', `Bearer ${fresh.globalAdmin}`)
      .send([credentials()]);
    expect(notJson.status).toBe(400);
    expect(await rowOf('partner_id', fresh.partnerId)).toBeUndefined();
  });

  it('when requests carrying credentials are logged, then no line holds a secret', async () => {
    const lines: string[] = [];
    const logger = createLogger('trace', { write: (line: string) => void lines.push(line) });
    const app = createApp({
      db: h.db,
      engine: h.engine,
      logger,
      secrets: h.secrets,
      config: {
        BODY_LIMIT_BYTES: 1024 * 1024,
        RATE_LIMIT_PER_MIN: 1_000_000,
        PUBLIC_URL: 'http://x.test',
      },
    });
    const given = credentials();
    expect((await as(app, team.globalAdmin).put(partnerPath(team.partnerId), given)).status).toBe(
      200,
    );
    expect(
      (
        await as(app, team.globalAdmin).put(partnerPath(team.partnerId), {
          ...given,
          tenantId: 'x',
        })
      ).status,
    ).toBe(422);
    // And a line written by hand with the body in it.
    logger.info({ req: { body: given }, body: given, ...given }, 'by hand');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const all = lines.join('\n');
    expect(all).not.toContain(given.clientSecret);
    expect(all).not.toContain(given.refreshToken);
    expect(all).toContain(given.tenantId);
  });
});

describe('keys and stored credentials', () => {
  it('when the key that sealed them is not configured, then loading fails saying which key they need', async () => {
    const given = credentials();
    await as(h.app, provider.token).put(providerPath(provider.id), given);
    const stranger = new Secrets(parseKey(generateKey())!);
    const error = await loadCredentials(h.db, stranger, { kind: 'provider', id: provider.id }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecretUnreadable);
    expect((error as Error).message).toContain(`sealed under key ${h.secrets.keyId}`);
    expect((error as Error).message).not.toContain(given.clientSecret);
  });

  it('when a sealed secret is copied to another owner’s row, then it does not open there', async () => {
    await as(h.app, team.globalAdmin).put(partnerPath(team.partnerId), credentials());
    await as(h.app, provider.token).put(providerPath(provider.id), credentials());
    const theirs = (await rowOf('partner_id', team.partnerId))!;
    await h
      .db('partner_center_connections')
      .where({ provider_id: provider.id })
      .update({ refresh_token: theirs.refresh_token });
    await expect(
      loadCredentials(h.db, h.secrets, { kind: 'provider', id: provider.id }),
    ).rejects.toThrow(/does not open/);
    await as(h.app, provider.token).put(providerPath(provider.id), credentials());
  });

  it('when SECRETS_KEY changes with the old one as SECRETS_KEY_PREVIOUS, then the start seals the credentials again, and they load under the new key alone', async () => {
    const given = credentials();
    await as(h.app, team.globalAdmin).put(partnerPath(team.partnerId), given);
    const newKey = parseKey(generateKey())!;
    // The key the harness sealed with.
    const runKey = parseKey(inject('secretsKey'))!;
    const rotated = new Secrets(newKey, runKey);
    const { resealed } = await prepareDatabase(h.db, { clock: h.clock, secrets: rotated });
    expect(resealed).toBeGreaterThanOrEqual(2);
    const row = (await rowOf('partner_id', team.partnerId))!;
    expect(row.client_secret).toMatch(new RegExp(`^enc:v1:${rotated.keyId}:`));
    expect(row.refresh_token).toMatch(new RegExp(`^enc:v1:${rotated.keyId}:`));
    expect(
      await loadCredentials(h.db, new Secrets(newKey), { kind: 'partner', id: team.partnerId }),
    ).toEqual(given);
    await expect(
      loadCredentials(h.db, testSecrets(), { kind: 'partner', id: team.partnerId }),
    ).rejects.toThrow(SecretUnreadable);

    // Without the old key the start would have stopped; back to the run's key for the rest.
    await prepareDatabase(h.db, { clock: h.clock, secrets: new Secrets(runKey, newKey) });
    expect(
      await loadCredentials(h.db, testSecrets(), { kind: 'partner', id: team.partnerId }),
    ).toEqual(given);
  });

  it('when Entra renews a refresh token, then the new one is kept sealed, unless the credentials were registered again meanwhile', async () => {
    const given = credentials();
    await as(h.app, provider.token).put(providerPath(provider.id), given);
    const owner = { kind: 'provider' as const, id: provider.id };
    expect(await renewRefreshToken(h.db, h.secrets, owner, given.refreshToken, 'renewed-1')).toBe(
      true,
    );
    expect(await loadCredentials(h.db, h.secrets, owner)).toEqual({
      ...given,
      refreshToken: 'renewed-1',
    });
    const row = (await rowOf('provider_id', provider.id))!;
    expect(row.refresh_token).toMatch(/^enc:v1:/);
    expect(row.refresh_token).not.toContain('renewed-1');
    // A renewal of the old token arriving late changes nothing.
    expect(await renewRefreshToken(h.db, h.secrets, owner, given.refreshToken, 'stale')).toBe(
      false,
    );
    expect((await loadCredentials(h.db, h.secrets, owner))?.refreshToken).toBe('renewed-1');
  });

  it('when an auditor sends anything to a provider’s connection, then it is refused before the body is read', async () => {
    const auditor = await createPrincipal(h.app, h.adminToken, { role: 'auditor' });
    const res = await as(h.app, auditor).put(providerPath(provider.id), { not: 'credentials' });
    expect(res.status).toBe(403);
  });
});
