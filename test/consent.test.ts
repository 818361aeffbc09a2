import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

function awaitingConsent() {
  return Move.atConsentCheckpoint(h.app, h.adminToken);
}

async function link(move: Move, workflowId: string, body: object = {}) {
  const res = await as(h.app, move.team.manager).post(
    `/v1/workflows/${workflowId}/consent-requests`,
    body,
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return new URL((res.body as { url: string }).url).pathname;
}

describe('consent links', () => {
  it('when the customer consents through the link, then the relationship moves on and the evidence is on record', async () => {
    const { move, relationship, customerId } = await awaitingConsent();
    const path = await link(move, relationship.id);
    expect(path).toMatch(/^\/consent\/[\w-]{43}$/);

    const page = await supertest(h.app).get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('no administrative rights');
    expect(page.text).toContain('I consent');
    expect(page.headers['cache-control']).toBe('no-store');

    const answer = await supertest(h.app)
      .post(path)
      .set('User-Agent', 'ConsentTest/1.0')
      .type('form')
      .send({ decision: 'consent', name: 'Carla Jung', email: 'carla@fabrikam.example' });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('your consent is recorded');
    expect((await move.get(relationship.id)).state).toBe('billToSharing');

    const again = await supertest(h.app).get(path);
    expect(again.status).toBe(410);
    expect(again.text).toContain('already used');
    const replay = await supertest(h.app).post(path).type('form').send({ decision: 'decline' });
    expect(replay.status).toBe(410);
    expect((await move.get(relationship.id)).state).toBe('billToSharing');

    const consents = await as(h.app, move.team.auditor).get(
      `/v1/consents?customerId=${customerId}`,
    );
    expect((consents.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        decision: 'granted',
        method: 'customer_link',
        grantedBy: { name: 'Carla Jung', email: 'carla@fabrikam.example' },
        statementVersion: 'rre-consent-v1',
        statementHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        userAgent: 'ConsentTest/1.0',
        ip: expect.any(String),
        scope: ['reseller_relationship_extension', 'bill_to_information_sharing'],
      }),
    ]);
    const history = await as(h.app, h.adminToken).get(`/v1/workflows/${relationship.id}/history`);
    const row = (history.body as { items: Array<Record<string, unknown>> }).items.at(-1)!;
    expect(row).toMatchObject({
      type: 'CONSENT_GRANTED',
      actor: { role: 'customer', name: 'Carla Jung' },
      payload: { method: 'customer_link', evidence: { userAgent: 'ConsentTest/1.0' } },
    });

    await move.send(move.team.manager, relationship.id, {
      type: 'CONSENT_REVOKED',
      reason: 'customer called back',
    });
    const revoked = await as(h.app, move.team.manager).get(
      `/v1/consents?workflowId=${relationship.id}`,
    );
    expect((revoked.body as { items: unknown[] }).items[0]).toMatchObject({
      revocationReason: 'customer called back',
      revokedBy: expect.stringMatching(/^prn_/),
      revokedAt: expect.any(String),
    });
  });

  it('when the customer declines with a reason, then the relationship is declined and the reason kept', async () => {
    const { move, relationship } = await awaitingConsent();
    const path = await link(move, relationship.id);
    const answer = await supertest(h.app)
      .post(path)
      .type('form')
      .send({ decision: 'decline', reason: 'We stay direct' });
    expect(answer.text).toContain('you declined');
    expect(await move.get(relationship.id)).toMatchObject({
      state: 'declined',
      context: { declineReason: 'We stay direct' },
    });
    const consents = await as(h.app, h.adminToken).get(
      `/v1/consents?workflowId=${relationship.id}`,
    );
    expect((consents.body as { items: unknown[] }).items).toEqual([
      expect.objectContaining({ decision: 'declined', reason: 'We stay direct' }),
    ]);
  });

  it('when the link has expired or is unknown, then a clear page and nothing changes', async () => {
    const { move, relationship } = await awaitingConsent();
    const path = await link(move, relationship.id, { expiresInDays: 1 });
    h.clock.advanceDays(2);
    const expired = await supertest(h.app)
      .post(path)
      .type('form')
      .send({ decision: 'consent', name: 'A', email: 'a@b.example' });
    expect(expired.status).toBe(410);
    expect(expired.text).toContain('expired');
    expect((await move.get(relationship.id)).state).toBe('awaitingConsent');
    const unknown = await supertest(h.app).get('/consent/not-a-real-token');
    expect(unknown.status).toBe(404);
  });

  it('when consent is asked without a name and email, then the page says so and nothing changes', async () => {
    const { move, relationship } = await awaitingConsent();
    const path = await link(move, relationship.id);
    const res = await supertest(h.app)
      .post(path)
      .type('form')
      .send({ decision: 'consent', name: '', email: 'nope' });
    expect(res.status).toBe(422);
    expect((await move.get(relationship.id)).state).toBe('awaitingConsent');
    expect((await supertest(h.app).get(path)).status).toBe(200);
  });

  it('when a link is asked for a relationship not awaiting consent, or by someone else, then it is refused', async () => {
    const { move, relationship } = await awaitingConsent();
    await move.send(move.team.manager, relationship.id, {
      type: 'CONSENT_GRANTED',
      grantedBy: { name: 'Carla', email: 'carla@fabrikam.example' },
      method: 'recorded_call',
      statementVersion: 'rre-consent-v1',
    });
    const notNow = await as(h.app, move.team.manager).post(
      `/v1/workflows/${relationship.id}/consent-requests`,
      {},
    );
    expect(notNow.status).toBe(409);
    expect(
      (
        await as(h.app, move.provider.token).post(
          `/v1/workflows/${relationship.id}/consent-requests`,
          {},
        )
      ).status,
    ).toBe(403);
    const other = await Move.start(h.app, h.adminToken);
    expect(
      (
        await as(h.app, other.team.manager).post(
          `/v1/workflows/${relationship.id}/consent-requests`,
          {},
        )
      ).status,
    ).toBe(404);
    expect((await as(h.app, move.provider.token).get('/v1/consents')).status).toBe(404);
  });
});
