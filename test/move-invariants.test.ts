import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move, type Workflow } from './move.ts';

/**
 * The promises a move keeps between its workflows, each shown by the failure once reported.
 * On Postgres the racing cases really race (the harness pool has 20 connections); on the
 * embedded database the same requests queue, and the outcome must be the same.
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const consent = {
  type: 'CONSENT_GRANTED',
  grantedBy: { name: 'Carla Customer', email: 'carla@fabrikam.example' },
  method: 'signed_form',
  statementVersion: 'rre-consent-v1',
};

const acceptance = {
  type: 'ACCEPTANCE_RECORDED',
  acceptedBy: { firstName: 'Ann', lastName: 'Lee', email: 'ann@fabrikam.example' },
  dateAgreed: '2026-01-15',
};

async function historyOf(id: string): Promise<Array<{ type: string; outcome: string }>> {
  return h.db('history').where('workflow_id', id).orderBy('seq').select('type', 'outcome');
}

async function newLink(move: Move, workflowId: string): Promise<{ id: string; path: string }> {
  const res = await as(h.app, move.team.manager).post(
    `/v1/workflows/${workflowId}/consent-requests`,
    {},
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  const body = res.body as { id: string; url: string };
  return { id: body.id, path: new URL(body.url).pathname };
}

function answerLink(path: string) {
  return supertest(h.app)
    .post(path)
    .type('form')
    .send({ decision: 'consent', name: 'Carla Customer', email: 'carla@fabrikam.example' });
}

function awaitingConsent() {
  return Move.atConsentCheckpoint(h.app, h.adminToken);
}

/** A customer whose relationship and MCA are settled: its transfer is ready to run. */
async function customerAtTransfer(move: Move, customerId: string): Promise<Workflow> {
  const { manager } = move.team;
  const partner = await as(h.app, h.adminToken).get(`/v1/partners/${move.team.partnerId}`);
  const relationship = await move.childOf('resellerRelationship', customerId);
  await move.send(manager, relationship.id, { type: 'USE_INVITATION' });
  await move.send(manager, relationship.id, { type: 'INVITATION_ACCEPTED' });
  const transfer = await move.childOf('subscriptionTransfer', customerId);
  const ids = (transfer.context.subscriptions as Array<{ id: string }>).map((s) => s.id);
  await move.send(manager, transfer.id, { type: 'CUSTOMER_AGREED' });
  await move.send(move.provider.token, transfer.id, {
    type: 'DETAILS_CONFIRMED',
    subscriptionIds: ids,
  });
  await move.send(move.provider.token, transfer.id, {
    type: 'TRANSFER_REQUEST_CREATED',
    customerEmail: 'it@fabrikam.example',
    sourcePartnerTenantId: (partner.body as { tenantId: string }).tenantId,
    partnerOnRecord: (partner.body as { mpnId: string }).mpnId,
  });
  return move.send(manager, transfer.id, { type: 'TRANSFER_SUBMITTED', subscriptionIds: ids });
}

describe('final means final', () => {
  it('when a customer is excluded, then its cancelled relationship and MCA refuse every event with 409 and no next events', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const [c] = await move.importCustomers([buildCustomer({ mcaAcceptance: 'none' })]);
    await move.toMigrating();
    const { manager } = move.team;
    const relationship = await move.childOf('resellerRelationship', c!);
    const mca = await move.childOf('mcaReacceptance', c!);
    await move.send(manager, mca.id, { type: 'ACCEPTANCE_REQUESTED' });
    expect(await h.db('timers').where('workflow_id', mca.id)).toHaveLength(1);
    await move.send(manager, move.transitionId, {
      type: 'EXCLUDE_CUSTOMER',
      customerId: c!,
      reason: 'stays direct',
    });

    const refusedUse = await move.send(manager, relationship.id, { type: 'USE_INVITATION' }, 409);
    expect(refusedUse).toMatchObject({ code: 'event_not_allowed', nextEvents: [] });
    await move.send(manager, relationship.id, { type: 'INVITATION_ACCEPTED' }, 409);
    await move.send(move.provider.token, mca.id, acceptance, 409);

    expect(await move.get(relationship.id)).toMatchObject({
      state: 'choosingMethod',
      status: 'cancelled',
      nextEvents: [],
    });
    expect(await move.get(mca.id)).toMatchObject({ state: 'requested', status: 'cancelled' });
    // Cancelling took the MCA's reminder with it, and every attempt is on record as refused.
    expect(await h.db('timers').where('workflow_id', mca.id)).toHaveLength(0);
    expect((await historyOf(relationship.id)).slice(-2)).toEqual([
      { type: 'USE_INVITATION', outcome: 'rejected' },
      { type: 'INVITATION_ACCEPTED', outcome: 'rejected' },
    ]);
    expect((await move.get(move.transitionId)).context).toMatchObject({
      customersMoved: 0,
      customersExcluded: 1,
    });
  });

  it('when the move is cancelled, then a transfer that was transferring cannot finish under it', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const [c] = await move.importCustomers([buildCustomer({ mcaAcceptance: 'admin_center' })]);
    await move.toMigrating();
    const transfer = await customerAtTransfer(move, c!);
    await move.send(move.team.globalAdmin, move.transitionId, { type: 'CANCEL', reason: 'stop' });
    const ids = (transfer.context.subscriptions as Array<{ id: string }>).map((s) => s.id);
    for (const id of ids) {
      await move.send(
        move.provider.token,
        transfer.id,
        { type: 'SUBSCRIPTION_TRANSFERRED', subscriptionId: id, newSubscriptionId: `new-${id}` },
        409,
      );
    }
    expect(await move.get(transfer.id)).toMatchObject({
      state: 'transferring',
      status: 'cancelled',
    });
  });
});

describe('consent links that cannot be misused', () => {
  it("when the customer was excluded, then the link shows 'no answer needed' on GET and POST and records nothing", async () => {
    const { move, relationship, customerId: c } = await awaitingConsent();
    const link = await newLink(move, relationship.id);
    await move.send(move.team.manager, move.transitionId, {
      type: 'EXCLUDE_CUSTOMER',
      customerId: c,
      reason: 'stays direct',
    });
    const before = await historyOf(relationship.id);

    const page = await supertest(h.app).get(link.path);
    expect(page.status).toBe(409);
    expect(page.text).toContain('No answer needed');
    const answer = await answerLink(link.path);
    expect(answer.status).toBe(409);
    expect(answer.text).toContain('No answer needed');

    expect(await historyOf(relationship.id)).toEqual(before);
    expect(await h.db('consents').where('workflow_id', relationship.id)).toHaveLength(0);
    const links = await as(h.app, move.team.manager).get(
      `/v1/workflows/${relationship.id}/consent-requests`,
    );
    expect(links.body).toMatchObject({ items: [{ id: link.id, status: 'revoked' }] });
    await move.send(
      move.team.globalAdmin,
      relationship.id,
      { type: 'BILL_TO_SHARING_CONFIRMED' },
      409,
    );
  });

  it('when consent was recorded and then revoked, then a link issued before grants nothing', async () => {
    const { move, relationship } = await awaitingConsent();
    const { manager } = move.team;
    const early = await newLink(move, relationship.id);
    await move.send(manager, relationship.id, consent);
    await move.send(manager, relationship.id, { type: 'CONSENT_REVOKED', reason: 'changed mind' });
    expect((await move.get(relationship.id)).state).toBe('awaitingConsent');

    const answer = await answerLink(early.path);
    expect(answer.status).toBe(409);
    expect((await move.get(relationship.id)).state).toBe('awaitingConsent');
    // A new link still works: the checkpoint itself is open again.
    const fresh = await newLink(move, relationship.id);
    expect((await answerLink(fresh.path)).status).toBe(200);
    expect((await move.get(relationship.id)).state).toBe('billToSharing');
  });

  it('when a manager lists and revokes links, then each shows its status and a revoked one stops working', async () => {
    const { move, relationship } = await awaitingConsent();
    const first = await newLink(move, relationship.id);
    const second = await newLink(move, relationship.id);
    const base = `/v1/workflows/${relationship.id}/consent-requests`;

    const revoked = await supertest(h.app)
      .delete(`${base}/${first.id}`)
      .set('Authorization', `Bearer ${move.team.manager}`)
      .send({ reason: 'sent to the wrong person' });
    expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
    expect(revoked.body).toMatchObject({
      id: first.id,
      status: 'revoked',
      revocationReason: 'sent to the wrong person',
    });
    expect((await answerLink(first.path)).status).toBe(409);
    expect((await answerLink(second.path)).status).toBe(200);

    const listed = await as(h.app, move.team.auditor).get(base);
    expect(listed.status).toBe(200);
    const items = (listed.body as { items: Array<{ id: string }> }).items;
    expect(items).toHaveLength(2);
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: first.id, status: 'revoked' }),
        expect.objectContaining({
          id: second.id,
          status: 'used',
          answer: 'granted',
          revokedAt: null,
        }),
      ]),
    );
    const late = await supertest(h.app)
      .delete(`${base}/${second.id}`)
      .set('Authorization', `Bearer ${move.team.manager}`);
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: 'consent_request_used' });
    const unknown = await supertest(h.app)
      .delete(`${base}/crq_unknown`)
      .set('Authorization', `Bearer ${move.team.manager}`);
    expect(unknown.status).toBe(404);
  });

  it('when links are asked for while consent is recorded, then none stays open after the checkpoint', async () => {
    const { move, relationship } = await awaitingConsent();
    const { manager } = move.team;
    const base = `/v1/workflows/${relationship.id}/consent-requests`;
    await Promise.all([
      ...Array.from({ length: 12 }, () => as(h.app, manager).post(base, {})),
      as(h.app, manager).post(`/v1/workflows/${relationship.id}/events`, consent),
    ]);
    const listed = await as(h.app, manager).get(base);
    const statuses = (listed.body as { items: Array<{ status: string }> }).items.map(
      (l) => l.status,
    );
    expect(statuses.filter((status) => status === 'open')).toEqual([]);
  });

  it('when the customer is excluded, then its relationship, still at the checkpoint, takes no new link', async () => {
    const { move, relationship, customerId: c } = await awaitingConsent();
    const { manager } = move.team;
    await move.send(manager, move.transitionId, {
      type: 'EXCLUDE_CUSTOMER',
      customerId: c,
      reason: 'stays direct',
    });
    expect(await move.get(relationship.id)).toMatchObject({
      state: 'awaitingConsent',
      status: 'cancelled',
    });
    const refused = await as(h.app, manager).post(
      `/v1/workflows/${relationship.id}/consent-requests`,
      {},
    );
    expect(refused.status).toBe(409);
    expect(await h.db('consent_requests').where('workflow_id', relationship.id)).toEqual([]);
  });

  it('when an expired link is revoked, then it stays as it was', async () => {
    const { move, relationship } = await awaitingConsent();
    const link = await newLink(move, relationship.id);
    await h
      .db('consent_requests')
      .where('id', link.id)
      .update({ expires_at: new Date(h.clock.now().getTime() - 1000) });
    const res = await supertest(h.app)
      .delete(`/v1/workflows/${relationship.id}/consent-requests/${link.id}`)
      .set('Authorization', `Bearer ${move.team.manager}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'expired', revokedAt: null });
  });

  it('when a manager records method customer_link with a real link id, then it is refused with 403', async () => {
    const { move, relationship } = await awaitingConsent();
    const link = await newLink(move, relationship.id);
    const refused = await move.send(
      move.team.manager,
      relationship.id,
      { ...consent, method: 'customer_link', evidenceRef: link.id },
      403,
    );
    expect(refused).toMatchObject({ code: 'forbidden' });
    expect(await h.db('consents').where('workflow_id', relationship.id)).toHaveLength(0);
  });
});

describe('history that binds what it caused', () => {
  it('when a consent is recorded, then its row shows the access fields and consent it binds', async () => {
    const { move, relationship, customerId } = await awaitingConsent();
    await move.send(move.team.manager, relationship.id, consent);
    const history = await as(h.app, move.team.auditor).get(
      `/v1/workflows/${relationship.id}/history`,
    );
    const items = (history.body as { items: Array<{ type: string; bindings?: unknown }> }).items;
    expect(items[0]).toMatchObject({
      type: 'CREATED',
      bindings: {
        subject: {
          partnerId: move.team.partnerId,
          parentId: move.transitionId,
          customerId,
          providerId: move.provider.id,
        },
      },
    });
    const consents = await as(h.app, move.team.auditor).get(
      `/v1/consents?workflowId=${relationship.id}`,
    );
    const [record] = (consents.body as { items: Array<{ id: string }> }).items;
    expect(items.at(-1)).toMatchObject({
      type: 'CONSENT_GRANTED',
      bindings: { consent: { id: record!.id, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) } },
    });
  });
});

describe('history that stays small', () => {
  it('when a refused event carries a large payload, then its row keeps only the size and digest', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const big = { type: 'NOT_AN_EVENT', notes: 'x'.repeat(10_000) };
    await move.send(move.team.manager, move.transitionId, big, 422);
    await move.send(move.team.manager, move.transitionId, { type: 'ALSO_NOT', note: 'short' }, 422);
    const rows: Array<{ payload: Record<string, unknown> }> = await h
      .db('history')
      .where({ workflow_id: move.transitionId, outcome: 'rejected' })
      .orderBy('seq')
      .select('payload');
    expect(rows[0]!.payload).toEqual({
      truncated: true,
      size: expect.any(Number) as number,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/) as string,
    });
    expect((rows[0]!.payload as { size: number }).size).toBeGreaterThan(10_000);
    expect(rows[1]!.payload).toEqual({ note: 'short' });

    // The type and the reason are bounded too: a refusal echoes an unknown field's name.
    const longType = 'T'.repeat(100_000);
    await move.send(move.team.auditor, move.transitionId, { type: longType }, 403);
    await move.send(
      move.team.manager,
      move.transitionId,
      { type: 'CONFIRM_PROFILE', ['k'.repeat(100_000)]: 1 },
      422,
    );
    const last: Array<{ type: string; reason: unknown }> = await h
      .db('history')
      .where({ workflow_id: move.transitionId })
      .orderBy('seq', 'desc')
      .limit(2)
      .select('type', 'reason');
    expect(last[1]!.type.length).toBeLessThanOrEqual(128);
    expect(JSON.stringify(last[0]!.reason).length).toBeLessThan(4096);
    expect(last[0]!.reason).toMatchObject({ code: 'validation_failed', truncated: true });
    const verdict = await as(h.app, h.adminToken).get(
      `/v1/workflows/${move.transitionId}/history/verify`,
    );
    expect(verdict.body).toMatchObject({ valid: true });
  });
});

describe('every customer planned once, listed once', () => {
  it('when customers are imported while the provider invitation is being accepted, then every one of them is planned', async () => {
    for (let round = 0; round < 3; round += 1) {
      const move = await Move.start(h.app, h.adminToken);
      await move.importCustomers([buildCustomer()]);
      await move.toPartnering();
      const { manager, globalAdmin } = move.team;
      await move.send(manager, move.transitionId, {
        type: 'PARTNERSHIP_REQUESTED',
        providerId: move.provider.id,
      });
      await move.send(move.provider.token, move.transitionId, {
        type: 'PROVIDER_INVITATION_SENT',
        providerId: move.provider.id,
      });
      const imports = Array.from({ length: 6 }, () =>
        as(h.app, manager).post(`/v1/partners/${move.team.partnerId}/customers`, [
          buildCustomer({ mcaAcceptance: 'admin_center' }),
        ]),
      );
      const [accepted, ...imported] = await Promise.all([
        as(h.app, globalAdmin).post(`/v1/workflows/${move.transitionId}/events`, {
          type: 'PROVIDER_INVITATION_ACCEPTED',
          providerId: move.provider.id,
        }),
        ...imports,
      ]);
      expect(accepted.status).toBe(200);
      expect(imported.map((r) => r.status)).toEqual([201, 201, 201, 201, 201, 201]);
      const relationships = await move.children('machine=resellerRelationship');
      const mcas = await move.children('machine=mcaReacceptance');
      expect(relationships).toHaveLength(7);
      expect(mcas).toHaveLength(7);
      expect((await move.get(move.transitionId)).context).toMatchObject({ customersTotal: 7 });
    }
  });

  it('when 32 customers are imported by concurrent requests, then positions are unique and the cursor walk returns each once', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const responses = await Promise.all(
      Array.from({ length: 16 }, () =>
        as(h.app, move.team.manager).post(`/v1/partners/${move.team.partnerId}/customers`, [
          buildCustomer(),
          buildCustomer(),
        ]),
      ),
    );
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await as(h.app, move.team.manager).get(
        `/v1/partners/${move.team.partnerId}/customers?limit=3${query}`,
      );
      const body = page.body as { items: Array<{ id: string }>; nextCursor: string | null };
      seen.push(...body.items.map((c) => c.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(32);
    expect(new Set(seen).size).toBe(32);
  });

  it('when a customer is excluded at the moment its last subscription transfers, then it is moved or excluded, never both', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const customers = await move.importCustomers(
      Array.from({ length: 4 }, () => buildCustomer({ mcaAcceptance: 'admin_center' })),
    );
    await move.toMigrating();
    const transfers = await Promise.all(customers.map((c) => customerAtTransfer(move, c)));
    await Promise.all(
      customers.flatMap((c, i) => {
        const transfer = transfers[i]!;
        const ids = (transfer.context.subscriptions as Array<{ id: string }>).map((s) => s.id);
        return [
          as(h.app, move.provider.token).post(`/v1/workflows/${transfer.id}/events`, {
            type: 'SUBSCRIPTION_TRANSFERRED',
            subscriptionId: ids[0],
            newSubscriptionId: `new-${ids[0]}`,
          }),
          as(h.app, move.team.manager).post(`/v1/workflows/${move.transitionId}/events`, {
            type: 'EXCLUDE_CUSTOMER',
            customerId: c,
            reason: 'race',
          }),
        ];
      }),
    );
    const outcomes: Array<{ customer_id: string; outcome: string }> = await h
      .db('customer_outcomes')
      .where('workflow_id', move.transitionId)
      .select('customer_id', 'outcome');
    expect(outcomes).toHaveLength(4);
    const transition = await move.get(move.transitionId);
    const moved = outcomes.filter((o) => o.outcome === 'moved').length;
    for (const [i, c] of customers.entries()) {
      const transfer = await move.get(transfers[i]!.id);
      const outcome = outcomes.find((o) => o.customer_id === c);
      expect(transfer.state === 'completed', `customer ${i}`).toBe(outcome?.outcome === 'moved');
    }
    expect(transition).toMatchObject({
      state: 'completed',
      output: { customersMoved: moved, customersExcluded: 4 - moved },
    });
  });
});
