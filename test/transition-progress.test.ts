import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomer, buildPartner } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

interface Cell {
  id: string;
  state: string;
  status: string;
  since: string;
}
interface CustomerRow {
  customerId: string;
  name: string;
  tenantId: string;
  outcome: string;
  workflows: Record<
    'resellerRelationship' | 'mcaReacceptance' | 'subscriptionTransfer',
    Cell | null
  >;
}
interface CustomerPage {
  items: CustomerRow[];
  nextCursor: string | null;
  total: number;
}
interface Summary {
  id: string;
  partnerName: string;
  state: string;
  flags: string[];
  customers: { total: number; moved: number; excluded: number; inProgress: number } | null;
  transfersCompleted: number;
  enrollment: { id: string; state: string; status: string } | null;
  providerId: string | null;
  partnerships: Array<{ providerId: string; status: string }>;
  lastActivity: string;
}

let h: Harness;
let move: Move;
/** Customer ids by name, in import order. */
const ids: Record<string, string> = {};
const names = ['Birch', 'alder', 'Cedar', 'Alder', 'Elm', 'Fir'];

beforeAll(async () => {
  // Its own database: the flag test moves the clock and fires every due timer.
  h = await startHarness({ ownDatabase: true });
  move = await Move.start(h.app, h.adminToken, buildPartner({ name: `Woodland ${Date.now()}` }));
  const imported = await move.importCustomers([
    ...names.map((name) =>
      buildCustomer({ name, mcaAcceptance: name === 'Elm' ? 'admin_center' : 'none' }),
    ),
    // Indirect already: never planned, never in the table.
    buildCustomer({ name: 'Oak', acquiredAs: 'indirect_reseller' }),
  ]);
  names.forEach((name, i) => (ids[name] = imported[i]!));
  await move.toMigrating();
  const { manager } = move.team;
  // Birch and Cedar wait for consent, an hour apart; Elm's relationship is established, so
  // (its MCA retained) it has a transfer; Fir is excluded.
  for (const name of ['Cedar', 'Birch']) {
    h.clock.advanceHours(1);
    const relationship = await move.childOf('resellerRelationship', ids[name]!);
    await move.send(manager, relationship.id, { type: 'USE_EXTENSION' });
  }
  h.clock.advanceHours(1);
  const elm = await move.childOf('resellerRelationship', ids.Elm!);
  await move.send(manager, elm.id, { type: 'USE_INVITATION' });
  await move.send(manager, elm.id, { type: 'INVITATION_ACCEPTED' });
  h.clock.advanceHours(1);
  await move.send(manager, move.transitionId, {
    type: 'EXCLUDE_CUSTOMER',
    customerId: ids.Fir,
    reason: 'stays direct',
  });
});
afterAll(async () => h?.close());

async function table(query: string, token = move.team.manager, id = move.transitionId) {
  return as(h.app, token).get(`/v1/workflows/${id}/customers?${query}`);
}

async function page(query: string, token = move.team.manager): Promise<CustomerPage> {
  const res = await table(query, token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as CustomerPage;
}

/** Every row of a query, read `limit` at a time by following the cursors. */
async function allPages(query: string, limit: number): Promise<CustomerRow[]> {
  const rows: CustomerRow[] = [];
  let cursor: string | null = null;
  do {
    const answer: CustomerPage = await page(
      `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`,
    );
    expect(answer.items.length).toBeLessThanOrEqual(limit);
    rows.push(...answer.items);
    cursor = answer.nextCursor;
  } while (cursor);
  return rows;
}

describe("a transition's customer table", () => {
  it('when a manager reads it, then each planned customer has one row with its outcome and its three workflows, and no bill-to', async () => {
    const answer = await page('');
    expect(answer.total).toBe(6);
    expect(answer.nextCursor).toBeNull();
    expect(answer.items.map((r) => r.name)).toEqual([
      'alder',
      'Alder',
      'Birch',
      'Cedar',
      'Elm',
      'Fir',
    ]);
    const byName = Object.fromEntries(answer.items.map((r) => [r.name, r]));
    expect(byName.Birch!.workflows.resellerRelationship).toMatchObject({
      state: 'awaitingConsent',
      status: 'active',
    });
    expect(byName.Birch!.workflows.mcaReacceptance?.state).toBe('awaitingAcceptance');
    expect(byName.Birch!.workflows.subscriptionTransfer).toBeNull();
    expect(byName.Elm!.workflows.resellerRelationship?.state).toBe('established');
    expect(byName.Elm!.workflows.mcaReacceptance?.state).toBe('retained');
    expect(byName.Elm!.workflows.subscriptionTransfer?.state).toBe('agreement');
    expect(byName.Fir!.outcome).toBe('excluded');
    expect(byName.Fir!.workflows.resellerRelationship?.status).toBe('cancelled');
    expect(byName.Birch!.outcome).toBe('none');
    // The cells are the workflows themselves, as a single read gives them.
    const relationship = await move.get(byName.Birch!.workflows.resellerRelationship!.id);
    expect(relationship.customerId).toBe(ids.Birch);
    expect(byName.Birch!.workflows.resellerRelationship!.since).toBe(
      (relationship as unknown as { updatedAt: string }).updatedAt,
    );
    expect(JSON.stringify(answer)).not.toMatch(/billTo|billing-/);
  });

  it('when filtered by machine and state, outcome or search, then only matches come back and total counts them', async () => {
    const waiting = await page('machine=resellerRelationship&state=awaitingConsent');
    expect(waiting.items.map((r) => r.name).sort()).toEqual(['Birch', 'Cedar']);
    expect(waiting.total).toBe(2);
    // A parent state matches its nested ones; a prefix of a name is not a parent.
    expect((await page('machine=mcaReacceptance&state=awaiting')).total).toBe(0);
    expect((await page('machine=subscriptionTransfer')).items.map((r) => r.name)).toEqual(['Elm']);
    expect((await page('outcome=excluded')).items.map((r) => r.name)).toEqual(['Fir']);
    expect((await page('outcome=none')).total).toBe(5);
    expect((await page('outcome=moved')).total).toBe(0);
    expect((await page('search=ALDER')).items.map((r) => r.name)).toEqual(['alder', 'Alder']);
    const [cedar] = (await page('search=Cedar')).items;
    expect((await page(`search=${cedar!.tenantId.slice(4, 16).toUpperCase()}`)).items).toEqual([
      cedar,
    ]);
    // LIKE's wildcards are matched as themselves.
    expect((await page('search=%25')).total).toBe(0);
    expect((await page('search=_')).total).toBe(0);
    expect(
      (await page('search=cedar&outcome=none&machine=resellerRelationship&state=awaitingConsent'))
        .total,
    ).toBe(1);
  });

  it('when sorted by name, since or a state and read two rows at a time, then the pages join into the whole list without repeats', async () => {
    for (const sort of ['name', 'since', 'resellerRelationship', 'subscriptionTransfer']) {
      for (const order of ['asc', 'desc']) {
        const whole = (await page(`sort=${sort}&order=${order}&limit=500`)).items;
        expect(whole).toHaveLength(6);
        const paged = await allPages(`sort=${sort}&order=${order}`, 2);
        expect(
          paged.map((r) => r.customerId),
          `${sort} ${order}`,
        ).toEqual(whole.map((r) => r.customerId));
      }
    }
    const byState = (await page('sort=resellerRelationship')).items.map(
      (r) => r.workflows.resellerRelationship?.state,
    );
    expect(byState).toEqual([...byState].sort());
    // Ties keep import order, backwards when descending.
    const desc = (await page('sort=name&order=desc')).items.map((r) => r.name);
    expect(desc).toEqual(['Fir', 'Elm', 'Cedar', 'Birch', 'Alder', 'alder']);
    // Since of the relationship: Cedar waits longer than Birch.
    const since = await page('machine=resellerRelationship&state=awaitingConsent&sort=since');
    expect(since.items.map((r) => r.name)).toEqual(['Cedar', 'Birch']);
    const latest = await page('sort=since&order=desc&limit=1');
    expect(latest.items[0]!.name).toBe('Fir');
  });

  it('when the query is wrong, then 422 names it; another machine is not_a_transition; unseen ids are 404', async () => {
    for (const query of [
      'state=awaitingConsent',
      'machine=enrollment',
      'sort=state',
      'order=up',
      'limit=0',
      'limit=501',
      'outcome=lost',
      'cursor=bm90IGEgY3Vyc29y',
      'unknown=1',
      'search=',
      'search=a&search=b',
    ]) {
      const res = await table(query);
      expect(res.status, query).toBe(422);
      expect((res.body as { code: string }).code).toBe('validation_failed');
    }
    const { nextCursor } = await page('sort=name&limit=1');
    for (const other of ['sort=since', 'sort=name&order=desc', 'sort=resellerRelationship']) {
      const res = await table(`${other}&cursor=${nextCursor}`);
      expect(res.status, other).toBe(422);
    }
    const nul = Buffer.from(JSON.stringify({ s: 'name', o: 'asc', k: 'a\u0000', p: 1 })).toString(
      'base64url',
    );
    expect((await table(`cursor=${nul}`)).status).toBe(422);
    const relationship = await move.childOf('resellerRelationship', ids.Birch!);
    const notTransition = await table('', move.team.manager, relationship.id);
    expect(notTransition.status).toBe(422);
    expect((notTransition.body as { code: string }).code).toBe('not_a_transition');
    expect((await table('', move.team.manager, 'wf_nothing_here_at_all_00000')).status).toBe(404);
    const other = await Move.start(h.app, h.adminToken);
    expect((await table('', other.team.manager)).status).toBe(404);
    expect((await table('', other.provider.token)).status).toBe(404);
  });

  it('when a provider reads it, then it sees the customers whose workflows it serves; a declined provider none', async () => {
    const served = await page('', move.provider.token);
    expect(served.total).toBe(6);
    expect(JSON.stringify(served)).not.toMatch(/billTo|billing-/);
    const auditor = await page('', move.team.auditor);
    expect(auditor.total).toBe(6);

    // A provider asked and declined keeps read access to the transition alone.
    const other = await Move.start(h.app, h.adminToken);
    await other.importCustomers([buildCustomer()]);
    await other.toPartnering();
    const declined = await Move.provider(h.app, h.adminToken, 'DE');
    await other.send(other.team.manager, other.transitionId, {
      type: 'PARTNERSHIP_REQUESTED',
      providerId: declined.id,
    });
    await other.send(declined.token, other.transitionId, {
      type: 'PROVIDER_DECLINED',
      providerId: declined.id,
    });
    await other.toInvitationSent();
    await other.send(other.team.globalAdmin, other.transitionId, {
      type: 'PROVIDER_INVITATION_ACCEPTED',
      providerId: other.provider.id,
    });
    const asDeclined = await table('', declined.token, other.transitionId);
    expect(asDeclined.status).toBe(200);
    expect(asDeclined.body).toEqual({ items: [], nextCursor: null, total: 0 });
    const asChosen = await table('', other.provider.token, other.transitionId);
    expect((asChosen.body as CustomerPage).total).toBe(1);
    expect((await table('', move.provider.token, other.transitionId)).status).toBe(404);
  });
});

describe('the transitions list', () => {
  async function list(query: string, token = move.team.manager) {
    const res = await as(h.app, token).get(`/v1/transitions?${query}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body as { items: Summary[]; nextCursor: string | null };
  }

  it('when a manager lists its transitions, then each row has its progress at a glance', async () => {
    const { items } = await list('');
    expect(items.map((t) => t.id)).toEqual([move.transitionId]);
    const [row] = items;
    expect(row).toMatchObject({
      state: 'migratingCustomers',
      customers: { total: 6, moved: 0, excluded: 1, inProgress: 5 },
      transfersCompleted: 0,
      enrollment: { state: 'active', status: 'done' },
      providerId: move.provider.id,
      partnerships: [{ providerId: move.provider.id, status: 'accepted' }],
      flags: [],
    });
    const children = await move.children('');
    const newest = children.map((c) => (c as unknown as { updatedAt: string }).updatedAt).sort();
    expect(row!.lastActivity).toBe(newest.at(-1));
  });

  it('when filtered by state, partner name or flag, and paged, then only matches come back in creation order', async () => {
    const partner = buildPartner({ name: `Heathland ${Date.now()}` });
    const heath = await Move.start(h.app, h.adminToken, partner);
    const admin = h.adminToken;
    const word = partner.name.split(' ')[1]!;
    expect((await list(`search=heathland%20${word}`, admin)).items.map((t) => t.id)).toEqual([
      heath.transitionId,
    ]);
    expect((await list('search=%25', admin)).items).toEqual([]);
    const preparing = await list('state=preparation&limit=500', admin);
    expect(preparing.items.map((t) => t.id)).toContain(heath.transitionId);
    expect(preparing.items.map((t) => t.id)).not.toContain(move.transitionId);
    expect(preparing.items.every((t) => t.state === 'preparation')).toBe(true);

    // A deadline that passes flags the transition from the next read on.
    const late = await Move.start(h.app, admin);
    await as(h.app, late.team.globalAdmin)
      .post(`/v1/workflows/${late.transitionId}/events`, { type: 'CANCEL', reason: 'redo' })
      .expect(200);
    const withDeadline = await as(h.app, late.team.manager).post('/v1/transitions', {
      partnerId: late.team.partnerId,
      tenantStrategy: 'new_tenant',
      migrationDeadline: '2026-03-03',
    });
    expect(withDeadline.status).toBe(201);
    const lateId = (withDeadline.body as { id: string }).id;
    expect((await list('flag=migrationOverdue&limit=500', admin)).items).toEqual([]);
    h.clock.set(new Date('2026-03-04T00:00:01Z'));
    await h.engine.fireDueTimers();
    const flagged = await list('flag=migrationOverdue&limit=500', admin);
    expect(flagged.items.map((t) => t.id)).toEqual([lateId]);
    expect(flagged.items[0]!.flags).toEqual(['migrationOverdue']);
    expect((await list('flag=migrationOverdue', late.team.manager)).items).toHaveLength(1);
    expect((await list('flag=migrationOverdue', move.team.manager)).items).toEqual([]);

    // Paging one at a time walks every transition once.
    const whole = (await list('limit=500', admin)).items.map((t) => t.id);
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const answer: { items: Summary[]; nextCursor: string | null } = await list(
        `limit=1${cursor ? `&cursor=${cursor}` : ''}`,
        admin,
      );
      paged.push(...answer.items.map((t) => t.id));
      cursor = answer.nextCursor;
    } while (cursor);
    expect(paged).toEqual(whole);
    expect(whole.length).toBeGreaterThanOrEqual(5);
  });

  it('when a provider lists, then it sees the transitions it was asked to partner on only; bad queries are 422', async () => {
    const { items } = await list('', move.provider.token);
    expect(items.map((t) => t.id)).toEqual([move.transitionId]);
    for (const query of ['limit=0', 'cursor=x', 'state=', 'flag=', 'other=1']) {
      const res = await as(h.app, move.team.manager).get(`/v1/transitions?${query}`);
      expect(res.status, query).toBe(422);
    }
    expect((await as(h.app, 'not-a-token').get('/v1/transitions')).status).toBe(401);
  });
});
