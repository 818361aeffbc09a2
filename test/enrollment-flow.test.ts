import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, startHarness, type Harness } from './harness.ts';
import { buildPartner, buildProfile, createPartnerTeam, type PartnerTeam } from './factories.ts';

interface Workflow {
  id: string;
  machine: string;
  state: string;
  status: string;
  version: number;
  parentId: string | null;
  context: Record<string, unknown>;
  output?: unknown;
  nextEvents: Array<{ type: string; roles: string[] }>;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

async function send(
  token: string,
  id: string,
  event: Record<string, unknown>,
  expected = 200,
): Promise<Workflow> {
  const res = await as(h.app, token).post(`/v1/workflows/${id}/events`, event);
  expect(res.status, JSON.stringify(res.body)).toBe(expected);
  return res.body as Workflow;
}

async function enrollmentOf(token: string, transitionId: string): Promise<Workflow> {
  const res = await as(h.app, token).get(
    `/v1/workflows?machine=enrollment&parentId=${transitionId}`,
  );
  expect(res.status).toBe(200);
  const items = (res.body as { items: Workflow[] }).items;
  expect(items).toHaveLength(1);
  return items[0]!;
}

async function startTransition(team: PartnerTeam, tenantStrategy: string): Promise<Workflow> {
  const res = await as(h.app, team.manager).post('/v1/transitions', {
    partnerId: team.partnerId,
    tenantStrategy,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Workflow;
}

describe('a transition from preparation to partnering', () => {
  it('when the existing tenant is kept, then restriction, enrollment, approval and the MPA lead to partnering', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const transition = await startTransition(team, 'existing_tenant');
    expect(transition).toMatchObject({
      machine: 'transition',
      state: 'preparation',
      status: 'active',
      version: 1,
    });

    expect((await send(team.manager, transition.id, { type: 'CONFIRM_PROFILE' })).state).toBe(
      'awaitingRestriction',
    );
    const ticketed = await send(team.globalAdmin, transition.id, {
      type: 'RESTRICTION_REQUESTED',
      supportTicketId: 'SR-1001',
    });
    expect(ticketed).toMatchObject({ state: 'awaitingRestriction', version: 3 });
    expect(ticketed.context.supportTicketIds).toEqual(['SR-1001']);
    expect(
      (await send(h.adminToken, transition.id, { type: 'DIRECT_BILL_RESTRICTED' })).state,
    ).toBe('enrolling');

    const enrollment = await enrollmentOf(team.manager, transition.id);
    expect(enrollment).toMatchObject({ state: 'draft', parentId: transition.id, version: 1 });
    expect(enrollment.context).toMatchObject({
      plaRegion: 'DE',
      cspRegion: 'DE',
      profileConfirmed: true,
      directBillRestricted: true,
    });

    expect((await send(team.globalAdmin, enrollment.id, { type: 'SUBMIT' })).state).toBe(
      'pendingApproval.onTime',
    );
    expect((await send(h.adminToken, enrollment.id, { type: 'APPROVE' })).state).toBe(
      'awaitingAgreement',
    );
    const active = await send(team.globalAdmin, enrollment.id, {
      type: 'ACCEPT_AGREEMENT',
      agreementVersion: 'MPA-2026',
    });
    expect(active).toMatchObject({
      state: 'active',
      status: 'done',
      output: { agreementVersion: 'MPA-2026' },
      nextEvents: [],
    });

    const parent = await as(h.app, team.auditor).get(`/v1/workflows/${transition.id}`);
    expect(parent.body).toMatchObject({
      state: 'partnering',
      status: 'active',
      version: 5,
      context: { enrollmentId: enrollment.id },
    });
    expect(parent.headers.etag).toBe('"5"');

    const history = await as(h.app, team.auditor).get(`/v1/workflows/${transition.id}/history`);
    const rows = (history.body as { items: Array<Record<string, unknown>> }).items;
    expect(rows.map((r) => r.type)).toEqual([
      'CREATED',
      'CONFIRM_PROFILE',
      'RESTRICTION_REQUESTED',
      'DIRECT_BILL_RESTRICTED',
      'CHILD_DONE',
    ]);
    expect(rows[0]).toMatchObject({
      from: null,
      to: 'preparation',
      outcome: 'applied',
      actor: { role: 'manager' },
    });
    expect(rows[4]).toMatchObject({
      from: 'enrolling',
      to: 'partnering',
      actor: { role: 'system' },
    });
    rows.forEach((row, i) => {
      expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
      if (i > 0) expect(row.prevHash).toBe(rows[i - 1]!.hash);
    });

    const childHistory = await as(h.app, team.auditor).get(
      `/v1/workflows/${enrollment.id}/history`,
    );
    expect(
      (childHistory.body as { items: Array<{ actor: { role: string } }> }).items[0]!.actor.role,
    ).toBe('admin');
  });

  it('when a new tenant is registered, then the enrollment starts without a restriction', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const transition = await startTransition(team, 'new_tenant');
    expect((await send(team.manager, transition.id, { type: 'CONFIRM_PROFILE' })).state).toBe(
      'awaitingNewTenant',
    );
    await send(
      team.manager,
      transition.id,
      { type: 'NEW_TENANT_REGISTERED', tenantId: crypto.randomUUID() },
      403,
    );
    const enrolling = await send(team.globalAdmin, transition.id, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    expect(enrolling.state).toBe('enrolling');
    const enrollment = await enrollmentOf(team.manager, transition.id);
    expect(enrollment.context).toMatchObject({
      tenantStrategy: 'new_tenant',
      directBillRestricted: false,
    });
    expect((await send(team.globalAdmin, enrollment.id, { type: 'SUBMIT' })).state).toBe(
      'pendingApproval.onTime',
    );
  });

  it('when the enrollment is rejected, then it is revised, corrected and submitted again', async () => {
    const team = await createPartnerTeam(
      h.app,
      h.adminToken,
      buildPartner({ profile: buildProfile({ mfaEnforced: false }) }),
    );
    const transition = await startTransition(team, 'new_tenant');
    await send(team.manager, transition.id, { type: 'CONFIRM_PROFILE' });
    await send(team.globalAdmin, transition.id, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    const enrollment = await enrollmentOf(team.manager, transition.id);

    const refused = await as(h.app, team.globalAdmin).post(
      `/v1/workflows/${enrollment.id}/events`,
      { type: 'SUBMIT' },
    );
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'mfa_not_enforced', reasons: ['mfa_not_enforced'] });

    await send(team.manager, enrollment.id, { type: 'UPDATE_PROFILE', mfaEnforced: true });
    await send(team.globalAdmin, enrollment.id, { type: 'SUBMIT' });
    const rejected = await send(h.adminToken, enrollment.id, {
      type: 'REJECT',
      reason: 'PLA not found',
    });
    expect(rejected).toMatchObject({
      state: 'rejected',
      context: { rejectionReason: 'PLA not found' },
    });
    expect((await send(team.manager, enrollment.id, { type: 'REVISE' })).state).toBe('draft');
    expect(
      (await send(team.globalAdmin, enrollment.id, { type: 'SUBMIT' })).context.submissions,
    ).toBe(2);
  });

  it('when the enrollment is withdrawn, then the transition is cancelled with it', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const transition = await startTransition(team, 'new_tenant');
    await send(team.manager, transition.id, { type: 'CONFIRM_PROFILE' });
    await send(team.globalAdmin, transition.id, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    const enrollment = await enrollmentOf(team.manager, transition.id);
    const withdrawn = await send(team.globalAdmin, enrollment.id, {
      type: 'WITHDRAW',
      reason: 'staying direct',
    });
    expect(withdrawn).toMatchObject({ state: 'withdrawn', status: 'cancelled' });
    expect(withdrawn.output).toBeUndefined();
    const parent = await as(h.app, team.manager).get(`/v1/workflows/${transition.id}`);
    expect(parent.body).toMatchObject({ state: 'cancelled', status: 'cancelled' });
  });

  it('when the transition is cancelled, then its open enrollment keeps its state with status cancelled', async () => {
    const team = await createPartnerTeam(h.app, h.adminToken);
    const transition = await startTransition(team, 'new_tenant');
    await send(team.manager, transition.id, { type: 'CONFIRM_PROFILE' });
    await send(team.globalAdmin, transition.id, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    const enrollment = await enrollmentOf(team.manager, transition.id);
    await send(team.globalAdmin, enrollment.id, { type: 'SUBMIT' });

    await send(team.manager, transition.id, { type: 'CANCEL', reason: 'postponed' }, 403);
    const cancelled = await send(team.globalAdmin, transition.id, {
      type: 'CANCEL',
      reason: 'postponed',
    });
    expect(cancelled).toMatchObject({
      state: 'cancelled',
      status: 'cancelled',
      context: { cancelReason: 'postponed' },
    });
    const child = await as(h.app, team.manager).get(`/v1/workflows/${enrollment.id}`);
    expect(child.body).toMatchObject({
      state: 'pendingApproval.onTime',
      status: 'cancelled',
      nextEvents: [],
    });

    const again = await as(h.app, team.manager).post('/v1/transitions', {
      partnerId: team.partnerId,
      tenantStrategy: 'new_tenant',
    });
    expect(again.status).toBe(201);
  });
});
