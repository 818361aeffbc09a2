import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPartnerTeam } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const hours = (n: number) => n * 60 * 60 * 1000;

describe('GET /v1/me', () => {
  it('when a manager asks who it is, then it gets its principal and scope, never its token', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const res = await as(h.app, team.manager).get('/v1/me');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^prn_/),
      name: expect.stringMatching(/^manager /),
      role: 'manager',
      partnerId: team.partnerId,
      providerId: null,
      expiresAt: null,
    });
    expect(res.text).not.toContain(team.manager);
    expect(res.get('Cache-Control')).toBe('no-store');
  });

  it("when the principal expires, then expiresAt is its expiry; after a rotation, the old token's is the overlap's end", async () => {
    const admin = as(h.app, h.adminToken);
    const expiresAt = new Date(h.clock.now().getTime() + hours(24)).toISOString();
    const created = await admin.post('/v1/principals', {
      name: 'Contractor',
      role: 'auditor',
      expiresAt,
    });
    expect(created.status).toBe(201);
    const { id, token: first } = created.body as { id: string; token: string };
    expect((await as(h.app, first).get('/v1/me')).body).toMatchObject({ id, expiresAt });

    const rotated = await admin.post(`/v1/principals/${id}/rotate`, { overlapSeconds: 3600 });
    expect(rotated.status).toBe(201);
    const { token: second, overlapEndsAt } = rotated.body as {
      token: string;
      overlapEndsAt: string;
    };
    expect(new Date(overlapEndsAt).getTime()).toBeLessThan(new Date(expiresAt).getTime());
    expect((await as(h.app, first).get('/v1/me')).body).toMatchObject({
      id,
      expiresAt: overlapEndsAt,
    });
    expect((await as(h.app, second).get('/v1/me')).body).toMatchObject({ id, expiresAt });
  });
});
