import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer } from './factories.ts';
import { as, buildApp, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';
import { eventually, webhookRig } from './webhook-receiver.ts';

let h: Harness;

beforeAll(async () => {
  // Its own database: a worker carries out every message it finds, other files' included.
  h = await startHarness({ ownDatabase: true });
});

const rig = webhookRig(() => h.db, { config: { WEBHOOK_DISABLE_AFTER: 2 } });
const { startWorker, receiver } = rig;

afterEach(async () => {
  await rig.stopAll();
});

afterAll(async () => {
  await h?.close();
});

interface Created {
  id: string;
  secret: string;
  status: string;
}

async function subscribe(token: string, url: string, events: string[]): Promise<Created> {
  const res = await as(h.app, token).post('/v1/webhooks', { url, events });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Created;
}

interface Body {
  id: string;
  type: string;
  timestamp: string;
  data: {
    workflow: { id: string; machine: string; state: string; context: Record<string, unknown> };
    step: { event: string; to: string };
  };
  links: { workflow: string };
}

describe('webhooks', () => {
  it('when a partner asks a provider to partner, then the provider hears it, signed so the standardwebhooks library verifies it', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const r = await receiver();
    const hook = await subscribe(move.provider.token, r.url, ['partnership.requested']);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    startWorker();
    await move.toPartnering();
    await move.send(move.team.manager, move.transitionId, {
      type: 'PARTNERSHIP_REQUESTED',
      providerId: move.provider.id,
    });
    await eventually(() => r.received.length >= 1, 'the notification');
    const [request] = r.received;
    const verified = new Webhook(hook.secret).verify(request!.body, request!.headers) as Body;
    expect(verified).toMatchObject({
      id: request!.headers['webhook-id'],
      type: 'partnership.requested',
      data: {
        workflow: { id: move.transitionId, machine: 'transition', state: 'partnering' },
        step: { event: 'PARTNERSHIP_REQUESTED' },
      },
      links: { workflow: `https://tiershift.example.com/v1/workflows/${move.transitionId}` },
    });
    expect(() => new Webhook(hook.secret).verify(`${request!.body} `, request!.headers)).toThrow();
    // Only what it asked for: the steps before the request announced nothing to it.
    expect(r.received).toHaveLength(1);
  });

  it('when a provider is asked, then another provider and another partner hear nothing of it', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const other = await Move.start(h.app, h.adminToken);
    const mine = await receiver();
    const theirs = await receiver();
    const partnerOfOther = await receiver();
    await subscribe(move.provider.token, mine.url, [
      'partnership.requested',
      'workflow.state_changed',
    ]);
    await subscribe(other.provider.token, theirs.url, [
      'partnership.requested',
      'workflow.state_changed',
    ]);
    await subscribe(other.team.manager, partnerOfOther.url, [
      'partnership.requested',
      'workflow.state_changed',
    ]);
    startWorker();
    await move.toPartnering();
    await move.send(move.team.manager, move.transitionId, {
      type: 'PARTNERSHIP_REQUESTED',
      providerId: move.provider.id,
    });
    await eventually(() => mine.received.length >= 1, 'the asked provider’s notification');
    // The worker is idle once this settles: nothing else is on its way to the others.
    await eventually(
      async () => (await h.db('outbox').where('status', 'pending').first()) === undefined,
      'an idle outbox',
    );
    expect(theirs.received).toEqual([]);
    expect(partnerOfOther.received).toEqual([]);
  });

  it('when a declined provider still reads the transition, then it is not told of the request to another provider', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const second = await Move.provider(h.app, h.adminToken, 'DE');
    const first = await receiver();
    const other = await receiver();
    const events = ['partnership.requested', 'partnership.invitation_accepted'];
    await subscribe(move.provider.token, first.url, events);
    await subscribe(second.token, other.url, events);
    startWorker();
    await move.toPartnering();
    const ask = (providerId: string) =>
      move.send(move.team.manager, move.transitionId, {
        type: 'PARTNERSHIP_REQUESTED',
        providerId,
      });
    await ask(move.provider.id);
    await move.send(move.provider.token, move.transitionId, {
      type: 'PROVIDER_DECLINED',
      providerId: move.provider.id,
      reason: 'no capacity',
    });
    await ask(second.id);
    await eventually(() => other.received.length >= 1, 'the second provider told');
    await eventually(
      async () => (await h.db('outbox').where('status', 'pending').first()) === undefined,
      'an idle outbox',
    );
    // The first still reads the transition, as the API lets it, but heard only of itself.
    expect(
      (await as(h.app, move.provider.token).get(`/v1/workflows/${move.transitionId}`)).status,
    ).toBe(200);
    expect(first.bodies<Body>().map((b) => b.type)).toEqual(['partnership.requested']);
    expect(other.bodies<Body>().map((b) => b.type)).toEqual(['partnership.requested']);
  });

  it('when a customer consents, then the provider’s copy withholds the bill-to that the partner’s copy shows', async () => {
    const { move, relationship } = await Move.atConsentCheckpoint(h.app, h.adminToken);
    const provider = await receiver();
    const partner = await receiver();
    await subscribe(move.provider.token, provider.url, ['consent.granted']);
    await subscribe(move.team.manager, partner.url, ['consent.granted']);
    startWorker();
    await move.send(move.team.manager, relationship.id, {
      type: 'CONSENT_GRANTED',
      grantedBy: { name: 'Ada Customer', email: 'ada@customer.example' },
      method: 'signed_form',
      statementVersion: 'rre-consent-v1',
    });
    await eventually(
      () => provider.received.length && partner.received.length,
      'both notifications',
    );
    const [forProvider] = provider.bodies<Body>();
    const [forPartner] = partner.bodies<Body>();
    expect(forProvider!.type).toBe('consent.granted');
    expect(forProvider!.id).toBe(forPartner!.id);
    expect(forPartner!.data.workflow.context.billTo).toBeDefined();
    expect(forProvider!.data.workflow.context).not.toHaveProperty('billTo');
    // The same as the API shows the provider.
    const seen = await as(h.app, move.provider.token).get(`/v1/workflows/${relationship.id}`);
    expect((seen.body as { context: object }).context).not.toHaveProperty('billTo');
  });

  it('when a receiver fails twice then succeeds, then it gets the message exactly once more, and the log says so', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const r = await receiver();
    r.answer = (_request, index) => (index < 2 ? 500 : 200);
    const hook = await subscribe(move.team.manager, r.url, ['workflow.state_changed']);
    startWorker();
    await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    await eventually(() => r.received.length >= 3, 'three attempts');
    await eventually(async () => {
      const log = await as(h.app, move.team.manager).get(`/v1/webhooks/${hook.id}/deliveries`);
      const [item] = (log.body as { items: Array<{ status: string }> }).items;
      return item?.status === 'delivered' && log;
    }, 'the delivery recorded as delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((q) => q.headers['webhook-id'])).size).toBe(1);
    const log = await as(h.app, move.team.manager).get(`/v1/webhooks/${hook.id}/deliveries`);
    expect(log.body).toMatchObject({
      items: [
        {
          status: 'delivered',
          attempts: 3,
          responseStatus: 200,
          eventType: 'workflow.state_changed',
        },
      ],
    });
  });

  it('when a receiver keeps failing, then its messages are given up, it is disabled with why, and a redelivery after the fix gets through', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const r = await receiver();
    r.answer = () => 503;
    const hook = await subscribe(move.team.manager, r.url, ['workflow.state_changed']);
    startWorker({ WEBHOOK_RETRY_FOR_MS: 150 });
    await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    await move.send(move.team.globalAdmin, move.transitionId, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    const disabled = await eventually(async () => {
      const res = await as(h.app, move.team.manager).get(`/v1/webhooks/${hook.id}`);
      const body = res.body as { status: string; disabledReason: string | null };
      return body.status === 'disabled' && body;
    }, 'the subscription disabled');
    expect(disabled.disabledReason).toMatch(/2 messages in a row.*HTTP 503/);
    const log = await as(h.app, move.team.manager).get(
      `/v1/webhooks/${hook.id}/deliveries?status=failed`,
    );
    const failed = (log.body as { items: Array<{ id: string; eventId: string }> }).items;
    expect(failed).toHaveLength(2);

    r.answer = () => 200;
    const enabled = await as(h.app, move.team.manager).patch(`/v1/webhooks/${hook.id}`, {
      enabled: true,
    });
    expect(enabled.body).toMatchObject({
      status: 'active',
      disabledReason: null,
      failedMessages: 0,
    });
    const before = r.received.length;
    const again = await as(h.app, move.team.manager).post(
      `/v1/webhooks/${hook.id}/deliveries/${failed[0]!.id}/redeliver`,
    );
    expect(again.status).toBe(202);
    await eventually(() => r.received.length > before, 'the redelivery');
    expect(r.received.at(-1)!.headers['webhook-id']).toBe(failed[0]!.eventId);
  });

  it('when the secret is rotated with an overlap, then each delivery verifies with the old secret and with the new', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const r = await receiver();
    const hook = await subscribe(move.team.manager, r.url, ['workflow.state_changed']);
    // The overlap is measured on the server's clock; the worker here signs by the real one.
    h.clock.set(new Date());
    const rotated = await as(h.app, move.team.manager).post(`/v1/webhooks/${hook.id}/rotate`, {
      overlapSeconds: 600,
    });
    expect(rotated.status).toBe(201);
    const { secret } = rotated.body as { secret: string };
    expect(secret).not.toBe(hook.secret);
    startWorker();
    await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    await eventually(() => r.received.length >= 1, 'the notification');
    const [request] = r.received;
    expect(() => new Webhook(hook.secret).verify(request!.body, request!.headers)).not.toThrow();
    expect(() => new Webhook(secret).verify(request!.body, request!.headers)).not.toThrow();
    expect(
      JSON.stringify((await as(h.app, move.team.manager).get(`/v1/webhooks/${hook.id}`)).body),
    ).not.toContain('whsec_');
  });

  it('when a target is private, link-local or plain http, then it is refused at registration', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const strict = buildApp(h, { webhookAllowInsecure: false });
    for (const url of [
      'https://169.254.169.254/latest/meta-data',
      'https://10.1.2.3/hook',
      'https://[::ffff:192.168.0.1]/hook',
      'https://127.0.0.1/hook',
      'http://hooks.example.com/hook',
      'https://user:pw@hooks.example.com/hook',
    ]) {
      const res = await as(strict, move.team.manager).post('/v1/webhooks', {
        url,
        events: ['workflow.state_changed'],
      });
      expect(res.status, url).toBe(422);
      expect((res.body as { code: string }).code, url).toBe('webhook_target_forbidden');
    }
  });

  it('when a registered name later resolves to a private address, then the delivery is refused and nothing is sent', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const hook = await subscribe(move.team.manager, 'https://hooks.rebinding.test/hook', [
      'workflow.state_changed',
    ]);
    startWorker({ WEBHOOK_RETRY_FOR_MS: 100 }, () =>
      Promise.resolve([{ address: '10.0.0.7', family: 4 }]),
    );
    await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    const failed = await eventually(async () => {
      const log = await as(h.app, move.team.manager).get(`/v1/webhooks/${hook.id}/deliveries`);
      const [item] = (log.body as { items: Array<{ status: string; lastError: string }> }).items;
      return item?.status === 'failed' && item;
    }, 'the delivery given up');
    expect(failed.lastError).toMatch(/10\.0\.0\.7.*not a public address/);
  });

  it('when a receiver never answers, then events are still answered at once and the attempt ends at its time-out', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const r = await receiver();
    r.answer = () => 'hang';
    const hook = await subscribe(move.team.manager, r.url, ['workflow.state_changed']);
    startWorker({ WEBHOOK_TIMEOUT_MS: 300 });
    await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    await eventually(() => r.received.length >= 1, 'the receiver holding a request');
    // While the receiver holds it, the API goes on.
    await move.send(move.team.globalAdmin, move.transitionId, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    const log = await eventually(async () => {
      const res = await as(h.app, move.team.manager).get(`/v1/webhooks/${hook.id}/deliveries`);
      const items = (res.body as { items: Array<{ lastError: string | null }> }).items;
      return items.some((i) => i.lastError?.includes('no answer within 300 ms')) && items;
    }, 'a timed-out attempt');
    expect(log.length).toBeGreaterThanOrEqual(1);
  });

  it('when two workers share the outbox, then each message is delivered once', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const r = await receiver();
    await subscribe(move.team.manager, r.url, ['workflow.state_changed']);
    const customers = await move.importCustomers(Array.from({ length: 6 }, () => buildCustomer()));
    startWorker();
    startWorker();
    await move.toMigrating();
    const relationships = await Promise.all(
      customers.map((c) => move.childOf('resellerRelationship', c)),
    );
    await Promise.all(
      relationships.map((rel) => move.send(move.team.manager, rel.id, { type: 'USE_INVITATION' })),
    );
    const expected = await h
      .db('history')
      .join('workflows', 'workflows.id', 'history.workflow_id')
      .where('workflows.partner_id', move.team.partnerId)
      .andWhere('history.outcome', 'applied')
      .andWhereRaw('history.from_state IS NOT NULL AND history.from_state <> history.to_state')
      .count({ n: '*' })
      .first();
    const count = Number((expected as { n: string }).n);
    await eventually(() => r.received.length >= count, `${count} deliveries`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ids = r.received.map((q) => q.headers['webhook-id']);
    expect(ids).toHaveLength(count);
    expect(new Set(ids).size).toBe(count);
  });
});
