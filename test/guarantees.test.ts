import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pendingTimers } from '../src/store/timers.ts';
import {
  createPartnerTeam,
  createPrincipal,
  buildProvider,
  type PartnerTeam,
} from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';

interface Workflow {
  id: string;
  state: string;
  version: number;
}

let h: Harness;
beforeAll(async () => {
  // Its own database: it stores a workflow of a machine version no build runs, which would stop
  // every other start on a shared one.
  h = await startHarness({ ownDatabase: true });
});
afterAll(async () => h.close());

async function transitionFor(team: PartnerTeam, tenantStrategy = 'new_tenant'): Promise<Workflow> {
  const res = await as(h.app, team.manager).post('/v1/transitions', {
    partnerId: team.partnerId,
    tenantStrategy,
  });
  expect(res.status).toBe(201);
  return res.body as Workflow;
}

async function historyOf(id: string) {
  const res = await as(h.app, h.adminToken).get(`/v1/workflows/${id}/history?limit=500`);
  return (
    res.body as { items: Array<{ type: string; outcome: string; reason?: { code: string } }> }
  ).items;
}

/** A transition in `enrolling` and its enrollment in `draft`. */
async function enrollmentFor(
  team: PartnerTeam,
): Promise<{ transitionId: string; enrollmentId: string }> {
  const t = await transitionFor(team);
  await as(h.app, team.manager).post(`/v1/workflows/${t.id}/events`, { type: 'CONFIRM_PROFILE' });
  await as(h.app, team.globalAdmin).post(`/v1/workflows/${t.id}/events`, {
    type: 'NEW_TENANT_REGISTERED',
    tenantId: crypto.randomUUID(),
  });
  const list = await as(h.app, team.manager).get(
    `/v1/workflows?machine=enrollment&parentId=${t.id}`,
  );
  return { transitionId: t.id, enrollmentId: (list.body as { items: Workflow[] }).items[0]!.id };
}

describe('concurrency', () => {
  it('when 20 requests race on one version, then exactly one applies and the rest get 409 or 412', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const { enrollmentId } = await enrollmentFor(team);
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        as(h.app, team.manager)
          .post(`/v1/workflows/${enrollmentId}/events`, {
            type: 'UPDATE_PROFILE',
            businessEmail: `ops${i}@contoso-it.com`,
          })
          .set('If-Match', '"1"'),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409 || s === 412)).toHaveLength(19);
    const after = await as(h.app, team.manager).get(`/v1/workflows/${enrollmentId}`);
    expect((after.body as Workflow).version).toBe(2);
    const rows = await historyOf(enrollmentId);
    expect(rows.filter((r) => r.type === 'UPDATE_PROFILE' && r.outcome === 'applied')).toHaveLength(
      1,
    );
    expect(
      rows.filter((r) => r.type === 'UPDATE_PROFILE' && r.outcome === 'rejected'),
    ).toHaveLength(19);
  });

  it('when two different events race without If-Match, then both are applied one after the other', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const t = await transitionFor(team, 'existing_tenant');
    await as(h.app, team.manager).post(`/v1/workflows/${t.id}/events`, { type: 'CONFIRM_PROFILE' });
    const results = await Promise.all(
      ['SR-1', 'SR-2', 'SR-3'].map((ticket) =>
        as(h.app, team.manager).post(`/v1/workflows/${t.id}/events`, {
          type: 'RESTRICTION_REQUESTED',
          supportTicketId: ticket,
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
    const after = (await as(h.app, team.manager).get(`/v1/workflows/${t.id}`)).body as Workflow & {
      context: { supportTicketIds: string[] };
    };
    expect(after.version).toBe(5);
    expect([...after.context.supportTicketIds].sort()).toEqual(['SR-1', 'SR-2', 'SR-3']);
  });
});

describe('idempotency', () => {
  it('when a request is replayed with its key, then the first answer comes back and the event applies once', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const t = await transitionFor(team);
    const key = `confirm-${crypto.randomUUID()}`;
    const send = () =>
      as(h.app, team.manager)
        .post(`/v1/workflows/${t.id}/events`, { type: 'CONFIRM_PROFILE' })
        .set('Idempotency-Key', key);
    const first = await send();
    const again = await send();
    const concurrent = await Promise.all([send(), send(), send()]);
    expect(first.status).toBe(200);
    for (const res of [again, ...concurrent]) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual(first.body);
      expect(res.headers['idempotent-replayed']).toBe('true');
    }
    expect((await historyOf(t.id)).map((r) => r.type)).toEqual(['CREATED', 'CONFIRM_PROFILE']);
  });

  it('when one key is replayed 1,000 times in a row and 100 at once, then the event applies once and every answer is the first', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const t = await transitionFor(team);
    const key = `storm-${crypto.randomUUID()}`;
    const send = () =>
      as(h.app, team.manager)
        .post(`/v1/workflows/${t.id}/events`, { type: 'CONFIRM_PROFILE' })
        .set('Idempotency-Key', key);
    const first = await send();
    expect(first.status).toBe(200);
    for (let i = 0; i < 1000; i += 1) {
      const res = await send();
      expect(res.status).toBe(200);
      expect(res.body).toEqual(first.body);
    }
    const burst = await Promise.all(Array.from({ length: 100 }, send));
    for (const res of burst) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual(first.body);
    }
    expect((await historyOf(t.id)).map((r) => r.type)).toEqual(['CREATED', 'CONFIRM_PROFILE']);
  }, 120_000);

  it('when a key is replayed a day later, then it still answers with the first response; after two days it is forgotten', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const t = await transitionFor(team);
    const key = `later-${crypto.randomUUID()}`;
    const send = () =>
      as(h.app, team.manager)
        .post(`/v1/workflows/${t.id}/events`, { type: 'CONFIRM_PROFILE' })
        .set('Idempotency-Key', key);
    const first = await send();
    h.clock.advanceHours(25);
    await h.engine.forgetOldIdempotencyKeys();
    const later = await send();
    expect(later.status).toBe(200);
    expect(later.body).toEqual(first.body);
    expect(later.headers['idempotent-replayed']).toBe('true');

    // Past the retention the key is forgotten: the same request is a new one, and refused.
    h.clock.advanceHours(24);
    expect(await h.engine.forgetOldIdempotencyKeys()).toBeGreaterThanOrEqual(1);
    const forgotten = await send();
    expect(forgotten.status).toBe(409);
    expect(forgotten.headers['idempotent-replayed']).toBeUndefined();
  });

  it('when another principal uses the same key, then it does not see the first response', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const t = await transitionFor(team);
    const key = `shared-${crypto.randomUUID()}`;
    const first = await as(h.app, team.manager)
      .post(`/v1/workflows/${t.id}/events`, { type: 'CONFIRM_PROFILE' })
      .set('Idempotency-Key', key);
    expect(first.status).toBe(200);
    const other = await as(h.app, team.globalAdmin)
      .post(`/v1/workflows/${t.id}/events`, { type: 'CONFIRM_PROFILE' })
      .set('Idempotency-Key', key);
    expect(other.status).toBe(409);
    expect(other.body).toMatchObject({ code: 'event_not_allowed' });
  });

  it('when a refused request is replayed with its key, then the same refusal comes back without a second history row', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const t = await transitionFor(team);
    const key = `refused-${crypto.randomUUID()}`;
    const tenantId = crypto.randomUUID();
    const send = () =>
      as(h.app, team.manager)
        .post(`/v1/workflows/${t.id}/events`, { type: 'NEW_TENANT_REGISTERED', tenantId })
        .set('Idempotency-Key', key);
    const first = await send();
    const second = await send();
    expect(first.status).toBe(403);
    expect(second.status).toBe(403);
    expect((await historyOf(t.id)).filter((r) => r.outcome === 'rejected')).toHaveLength(1);
  });
});

describe('durable timers', () => {
  it('when five business days pass in pendingApproval, then the enrollment is overdue, fired by system', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const { enrollmentId } = await enrollmentFor(team);
    h.clock.set(new Date('2026-03-06T10:00:00Z')); // a Friday
    await as(h.app, team.globalAdmin).post(`/v1/workflows/${enrollmentId}/events`, {
      type: 'SUBMIT',
    });
    const [timer] = await pendingTimers(h.db, enrollmentId);
    expect(timer?.due_at.toISOString()).toBe('2026-03-13T10:00:00.000Z'); // Mon–Fri of the next week

    h.clock.set(new Date('2026-03-13T09:59:59Z'));
    await h.engine.fireDueTimers();
    expect(
      ((await as(h.app, team.manager).get(`/v1/workflows/${enrollmentId}`)).body as Workflow).state,
    ).toBe('pendingApproval.onTime');

    h.clock.set(new Date('2026-03-13T10:00:00Z'));
    expect(await h.engine.fireDueTimers()).toBeGreaterThanOrEqual(1);
    const overdue = (await as(h.app, team.manager).get(`/v1/workflows/${enrollmentId}`))
      .body as Workflow;
    expect(overdue.state).toBe('pendingApproval.overdue');
    const rows = await historyOf(enrollmentId);
    expect(rows.at(-1)).toMatchObject({
      type: 'APPROVAL_OVERDUE',
      outcome: 'applied',
      actor: { role: 'system' },
    });
    expect(await pendingTimers(h.db, enrollmentId)).toEqual([]);

    const approved = await as(h.app, h.adminToken).post(`/v1/workflows/${enrollmentId}/events`, {
      type: 'APPROVE',
    });
    expect((approved.body as Workflow).state).toBe('awaitingAgreement');
  });

  it('when the enrollment is approved in time, then its timer is gone and never fires', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const { enrollmentId } = await enrollmentFor(team);
    h.clock.set(new Date('2026-04-01T08:00:00Z'));
    await as(h.app, team.globalAdmin).post(`/v1/workflows/${enrollmentId}/events`, {
      type: 'SUBMIT',
    });
    await as(h.app, h.adminToken).post(`/v1/workflows/${enrollmentId}/events`, { type: 'APPROVE' });
    expect(await pendingTimers(h.db, enrollmentId)).toEqual([]);
    h.clock.advanceDays(30);
    await h.engine.fireDueTimers();
    expect((await historyOf(enrollmentId)).map((r) => r.type)).not.toContain('APPROVAL_OVERDUE');
  });

  it('when a user sends the timer event, then it is refused: only the system sends it', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const { enrollmentId } = await enrollmentFor(team);
    await as(h.app, team.globalAdmin).post(`/v1/workflows/${enrollmentId}/events`, {
      type: 'SUBMIT',
    });
    const res = await as(h.app, h.adminToken).post(`/v1/workflows/${enrollmentId}/events`, {
      type: 'APPROVAL_OVERDUE',
    });
    expect(res.status).toBe(403);
  });
});

describe('scope', () => {
  it('when a manager of another partner or an unrelated provider asks, then the workflow does not exist for them', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const other = await createPartnerTeam(h.app, h.adminToken);
    const provider = await as(h.app, h.adminToken).post('/v1/providers', buildProvider());
    const providerToken = await createPrincipal(h.app, h.adminToken, {
      role: 'provider',
      providerId: (provider.body as { id: string }).id,
    });
    const t = await transitionFor(team);
    for (const token of [other.manager, other.globalAdmin, providerToken]) {
      expect((await as(h.app, token).get(`/v1/workflows/${t.id}`)).status).toBe(404);
      expect((await as(h.app, token).get(`/v1/workflows/${t.id}/history`)).status).toBe(404);
      expect(
        (await as(h.app, token).post(`/v1/workflows/${t.id}/events`, { type: 'CONFIRM_PROFILE' }))
          .status,
      ).toBe(404);
      const listed = await as(h.app, token).get(`/v1/workflows?partnerId=${team.partnerId}`);
      expect((listed.body as { items: unknown[] }).items).toEqual([]);
    }
    expect((await as(h.app, other.manager).get(`/v1/partners/${team.partnerId}`)).status).toBe(404);
    expect(
      (
        await as(h.app, other.manager).post('/v1/transitions', {
          partnerId: team.partnerId,
          tenantStrategy: 'new_tenant',
        })
      ).status,
    ).toBe(404);
    expect((await as(h.app, team.auditor).get(`/v1/workflows/${t.id}`)).status).toBe(200);
  });
});

describe('listing', () => {
  it('when workflows are listed with filters and a small limit, then cursor pages walk them all once', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const { transitionId, enrollmentId } = await enrollmentFor(team);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/workflows?partnerId=${team.partnerId}&limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await as(h.app, team.manager).get(url)).body as {
        items: Workflow[];
        nextCursor: string | null;
      };
      seen.push(...page.items.map((w) => w.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([transitionId, enrollmentId]);
    const byState = await as(h.app, team.manager).get(
      `/v1/workflows?partnerId=${team.partnerId}&state=draft`,
    );
    expect((byState.body as { items: Workflow[] }).items.map((w) => w.id)).toEqual([enrollmentId]);
    const bad = await as(h.app, team.manager).get('/v1/workflows?limit=9999');
    expect(bad.status).toBe(422);
    const badCursor = await as(h.app, team.manager).get('/v1/workflows?cursor=zzz');
    expect(badCursor.status).toBe(422);
  });
});

describe('restart', () => {
  it('when the app restarts on the same data, then every workflow and its history is still there', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tiershift-restart-'));
    try {
      const first = await startHarness({ dataDir });
      const team = await createPartnerTeam(first.app, first.adminToken);
      const created = await as(first.app, team.manager).post('/v1/transitions', {
        partnerId: team.partnerId,
        tenantStrategy: 'new_tenant',
      });
      const id = (created.body as Workflow).id;
      await as(first.app, team.manager).post(`/v1/workflows/${id}/events`, {
        type: 'CONFIRM_PROFILE',
      });
      await first.close();

      const second = await startHarness({ dataDir });
      try {
        const again = await as(second.app, team.manager).get(`/v1/workflows/${id}`);
        expect(again.status).toBe(200);
        expect(again.body).toMatchObject({ state: 'awaitingNewTenant', version: 2 });
        const moved = await as(second.app, team.globalAdmin).post(`/v1/workflows/${id}/events`, {
          type: 'NEW_TENANT_REGISTERED',
          tenantId: crypto.randomUUID(),
        });
        expect((moved.body as Workflow).state).toBe('enrolling');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('machine versions', () => {
  it('when a snapshot was stored by a machine version this build does not run, then it is refused, never guessed, and lists still answer', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const t = await transitionFor(team);
    await h.db('workflows').where({ id: t.id }).update({ machine_version: 99 });
    const read = await as(h.app, team.manager).get(`/v1/workflows/${t.id}`);
    expect(read.status).toBe(409);
    expect(read.body).toMatchObject({ code: 'machine_version_unsupported' });
    // A list still answers, and shows the row for what it is.
    const listed = await as(h.app, team.manager).get('/v1/workflows?machine=transition');
    expect(listed.status).toBe(200);
    expect((listed.body as { items: unknown[] }).items).toContainEqual(
      expect.objectContaining({
        id: t.id,
        machineVersion: 99,
        context: null,
        nextEvents: [],
        flags: ['machine_version_unsupported'],
      }),
    );
    const sent = await as(h.app, team.manager).post(`/v1/workflows/${t.id}/events`, {
      type: 'CONFIRM_PROFILE',
    });
    expect(sent.status).toBe(409);
    expect((await h.db('history').where({ workflow_id: t.id }).count({ n: '*' }))[0]).toEqual({
      n: 1,
    });
  });
});
