import { randomUUID, verify, X509Certificate } from 'node:crypto';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  Agreement,
  AgreementMetadata,
  GdapRelationship,
  Migration,
  MigrationValidation,
  Transfer,
} from '../src/partner-center/partner-center.ts';
import {
  createSimulator,
  type RunningSimulator,
} from '../src/partner-center/simulator/simulator.ts';
import { gdapBasePath } from '../src/partner-center/simulator/gdap.ts';
import { defaultThrottleLimits } from '../src/partner-center/simulator/options.ts';
import { graphScope } from '../src/partner-center/simulator/token.ts';
import { buildAccount, buildWorld, type World } from './partner-center-simulator-world.ts';
import { eventually, WebhookReceiver } from './webhook-receiver.ts';

const day = 24 * 60 * 60 * 1000;

interface PartnerCenterError {
  code: string;
  description: string;
  data: unknown[];
  source: string;
}
interface Collection<T> {
  totalCount: number;
  items: T[];
  attributes: { objectType: string };
}

function transferPath(w: World, transferId?: string): string {
  const base = `/v1/customers/${w.customer.tenantId}/transfers`;
  return transferId ? `${base}/${transferId}` : base;
}

/** The source partner's acceptance, with the base subscription's add-on riding along. */
function acceptBody(w: World, transfer: Transfer) {
  return {
    ...transfer,
    lineItems: [
      {
        id: 0,
        subscriptionId: w.subscriptions.base,
        quantity: 25,
        billingCycle: 'monthly',
        friendlyName: 'Business Premium',
        partnerIdOnRecord: w.partner.mpnId,
        addOnItems: [
          {
            id: 0,
            subscriptionId: w.subscriptions.addOn,
            quantity: 25,
            billingCycle: 'monthly',
            friendlyName: 'Defender add-on',
            partnerIdOnRecord: w.partner.mpnId,
          },
        ],
      },
      { id: 1, subscriptionId: w.subscriptions.second, partnerIdOnRecord: w.partner.mpnId },
    ],
  };
}

describe('Entra token endpoint', () => {
  it('when a partner exchanges its refresh token, then it gets an opaque Bearer token for one API', async () => {
    const w = await buildWorld();
    const res = await w.api
      .post(`/${w.partner.tenantId}/oauth2/v2.0/token`)
      .type('form')
      .send({
        grant_type: 'refresh_token',
        client_id: w.partner.clientId,
        client_secret: w.partner.clientSecret,
        refresh_token: w.partner.refreshToken,
        scope: 'https://api.partnercenter.microsoft.com/user_impersonation offline_access',
      })
      .expect(200);
    expect(res.body).toEqual({
      token_type: 'Bearer',
      scope: 'https://api.partnercenter.microsoft.com/user_impersonation offline_access',
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
      refresh_token: w.partner.refreshToken,
    });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('when the credentials are wrong, then Entra-style errors say which', async () => {
    const w = await buildWorld();
    const form = {
      grant_type: 'refresh_token',
      client_id: w.partner.clientId,
      client_secret: w.partner.clientSecret,
      refresh_token: w.partner.refreshToken,
      scope: graphScope,
    };
    const post = (body: Record<string, string>) =>
      w.api.post(`/${w.partner.tenantId}/oauth2/v2.0/token`).type('form').send(body);

    const unknown = await post({ ...form, refresh_token: 'refresh-nobody' }).expect(400);
    expect(unknown.body).toMatchObject({
      error: 'invalid_grant',
      error_description: expect.stringMatching(/^AADSTS70000: /),
      error_codes: [70000],
    });
    expect((await post({ ...form, client_secret: 'guess' }).expect(401)).body).toMatchObject({
      error: 'invalid_client',
    });
    expect(
      (await post({ ...form, scope: 'https://example.com/.default' }).expect(400)).body,
    ).toMatchObject({
      error: 'invalid_scope',
    });
    expect((await post({ ...form, grant_type: 'password' }).expect(400)).body).toMatchObject({
      error: 'unsupported_grant_type',
    });
    const otherTenant = await w.api
      .post(`/${w.provider.tenantId}/oauth2/v2.0/token`)
      .type('form')
      .send(form)
      .expect(400);
    expect(otherTenant.body).toMatchObject({ error: 'invalid_grant' });
  });

  it('when the token service is made to fail, then it answers as Entra does when busy', async () => {
    const w = await buildWorld();
    await w.api
      .post('/_sim/faults')
      .send({ match: 'token', status: 503, count: 1, retryAfterSeconds: 3 })
      .expect(201);
    const form = {
      grant_type: 'refresh_token',
      client_id: w.partner.clientId,
      client_secret: w.partner.clientSecret,
      refresh_token: w.partner.refreshToken,
      scope: graphScope,
    };
    const post = () =>
      w.api.post(`/${w.partner.tenantId}/oauth2/v2.0/token`).type('form').send(form);
    const busy = await post().expect(503);
    expect(busy.body).toMatchObject({ error: 'temporarily_unavailable' });
    expect(busy.headers['retry-after']).toBe('3');
    await post().expect(200);
  });

  it('when a token expires or was issued for the other API, then Partner Center answers 401', async () => {
    const w = await buildWorld();
    const refused = await w.api
      .get(transferPath(w))
      .set('Authorization', w.auth.partnerGraph)
      .expect(401);
    expect(refused.body).toEqual({
      code: '400',
      description: expect.any(String),
      data: [],
      source: expect.any(String),
    });
    await w.api.get(`${gdapBasePath}/x`).set('Authorization', w.auth.partner).expect(401);

    w.clock.advanceHours(1);
    await w.api.get(transferPath(w)).set('Authorization', w.auth.partner).expect(401);
  });
});

describe('headers', () => {
  it('when a call has no bearer token, then it is refused with 401 and its ids are echoed', async () => {
    const w = await buildWorld();
    const requestId = randomUUID();
    const correlationId = randomUUID();
    const res = await w.api
      .get(transferPath(w))
      .set('MS-RequestId', requestId)
      .set('MS-CorrelationId', correlationId)
      .expect(401);
    expect(res.headers['ms-requestid']).toBe(requestId);
    expect(res.headers['ms-correlationid']).toBe(correlationId);
    expect((res.body as PartnerCenterError).code).toBe('400');
  });

  it('when a call sends no ids, then the simulator makes them up and still answers them', async () => {
    const w = await buildWorld();
    const res = await w.api.get('/v1/agreements').set('Authorization', w.auth.partner).expect(200);
    expect(res.headers['ms-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['ms-correlationid']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when a path is unknown or the JSON is broken, then the answer keeps Partner Center’s error shape', async () => {
    const w = await buildWorld();
    const missing = await w.api.get('/v1/nothing-here').expect(404);
    expect(missing.body).toMatchObject({ code: '1000', data: [] });
    const broken = await w.api
      .post(transferPath(w))
      .set('Authorization', w.auth.provider)
      .set('Content-Type', 'application/json')
      .send('{"sourcePartnerTenantId":')
      .expect(400);
    expect(broken.body).toMatchObject({ code: '3000' });
  });
});

describe('creating a transfer', () => {
  it('when the provider posts the documented body, then an Active request lives 30 days', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const res = await w.api
      .post(transferPath(w))
      .set('Authorization', w.auth.provider)
      .send(w.newTransfer())
      .expect(201);
    const transfer = res.body as Transfer & { attributes: { objectType: string } };
    expect(transfer).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'Active',
      transferType: 3,
      customerTenantId: w.customer.tenantId,
      customerEmailId: w.customer.email,
      customerName: w.customer.name,
      sourcePartnerTenantId: w.partner.tenantId,
      sourcePartnerName: w.partner.name,
      targetPartnerTenantId: w.provider.tenantId,
      partnerOnRecord: w.partner.mpnId,
      createdTime: w.clock.now().toISOString(),
      lineItems: [],
      attributes: { objectType: 'TransferEntity' },
    });
    expect(Date.parse(transfer.expirationTime) - Date.parse(transfer.createdTime)).toBe(30 * day);

    // Either side reads it, alone or in the customer's list.
    for (const who of [w.auth.partner, w.auth.provider]) {
      const read = await w.api
        .get(transferPath(w, transfer.id))
        .set('Authorization', who)
        .expect(200);
      expect((read.body as Transfer).id).toBe(transfer.id);
      const list = await w.api.get(transferPath(w)).set('Authorization', who).expect(200);
      expect(list.body).toMatchObject({ totalCount: 1, attributes: { objectType: 'Collection' } });
    }
  });

  it('when the target has no relationship with the customer yet, then it is refused with 20002', async () => {
    const w = await buildWorld();
    const res = await w.api
      .post(transferPath(w))
      .set('Authorization', w.auth.provider)
      .send(w.newTransfer())
      .expect(403);
    expect((res.body as PartnerCenterError).code).toBe('20002');
    expect(await w.calls({ operation: 'createTransfer' })).toEqual([]);
  });

  it('when the body, the customer or the caller is wrong, then the documented codes come back', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const { transferType: _type, ...untyped } = w.newTransfer();
    const invalid = await w.api
      .post(transferPath(w))
      .set('Authorization', w.auth.provider)
      .send({ ...untyped, customerEmailId: 'not an address' })
      .expect(400);
    expect(invalid.body).toMatchObject({
      code: '3000',
      description: expect.stringContaining('transferType'),
    });

    const unknown = await w.api
      .post(`/v1/customers/${randomUUID()}/transfers`)
      .set('Authorization', w.auth.provider)
      .send(w.newTransfer())
      .expect(404);
    expect((unknown.body as PartnerCenterError).code).toBe('1000');

    // The source cannot create a request to someone else.
    const notTarget = await w.api
      .post(transferPath(w))
      .set('Authorization', w.auth.partner)
      .send(w.newTransfer())
      .expect(403);
    expect((notTarget.body as PartnerCenterError).code).toBe('2032');

    const transfer = await w.createTransfer();
    const stranger = await w.api
      .get(transferPath(w, transfer.id))
      .set('Authorization', w.auth.outsider)
      .expect(403);
    expect((stranger.body as PartnerCenterError).code).toBe('2032');
    await w.api
      .get(transferPath(w, randomUUID()))
      .set('Authorization', w.auth.provider)
      .expect(404);
  });
});

describe('idempotency by MS-RequestId', () => {
  it('when a create is repeated with the same request id, then the first answer comes back and one transfer exists', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const requestId = randomUUID();
    const first = await w.createTransfer(requestId);
    const again = await w.createTransfer(requestId);
    expect(again).toEqual(first);

    const list = await w.api.get(transferPath(w)).set('Authorization', w.auth.provider).expect(200);
    expect((list.body as Collection<Transfer>).totalCount).toBe(1);
    const calls = await w.calls({ operation: 'createTransfer' });
    expect(calls.map((c) => [c.requestId, c.replayed])).toEqual([
      [requestId, false],
      [requestId, true],
    ]);

    // Another id is another call.
    await w.createTransfer(randomUUID());
    const after = await w.api
      .get(transferPath(w))
      .set('Authorization', w.auth.provider)
      .expect(200);
    expect((after.body as Collection<Transfer>).totalCount).toBe(2);
  });

  it('when a business refusal is repeated with the same request id, then it is answered again, not retried', async () => {
    const w = await buildWorld();
    const requestId = randomUUID();
    const create = () =>
      w.api
        .post(transferPath(w))
        .set('Authorization', w.auth.provider)
        .set('MS-RequestId', requestId)
        .send(w.newTransfer());
    expect(((await create().expect(403)).body as PartnerCenterError).code).toBe('20002');
    // The customer accepts meanwhile; the same id still gets the first answer, as Partner
    // Center asks a client to take a new id after any answer it received.
    await w.acceptRelationship();
    expect(((await create().expect(403)).body as PartnerCenterError).code).toBe('20002');
    await w.createTransfer(randomUUID());
  });

  it('when an acceptance is repeated after the transfer completed, then the first answer comes back as it was', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const transfer = await w.createTransfer();
    const requestId = randomUUID();
    const accept = () =>
      w.api
        .patch(transferPath(w, transfer.id))
        .set('Authorization', w.auth.partner)
        .set('MS-RequestId', requestId)
        .send(acceptBody(w, transfer))
        .expect(200);
    const first = await accept();
    await w.api.post('/_sim/work/run').expect(200);
    const again = await accept();
    expect(again.body).toEqual(first.body);
    expect((again.body as Transfer).status).toBe('InProgress');
    expect(await w.calls({ operation: 'completeTransfer' })).toHaveLength(1);
  });

  it('when a cancel is repeated with the same request id, then it is carried out once', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const transfer = await w.createTransfer();
    const requestId = randomUUID();
    const cancel = () =>
      w.api
        .patch(transferPath(w, transfer.id))
        .set('Authorization', w.auth.provider)
        .set('MS-RequestId', requestId)
        .send({ ...transfer, status: 'Cancel' });
    const first = await cancel().expect(200);
    const second = await cancel().expect(200);
    expect(second.body).toEqual(first.body);
    const calls = await w.calls({ operation: 'cancelTransfer' });
    expect(calls.filter((c) => !c.replayed)).toHaveLength(1);
    expect(calls.filter((c) => c.replayed)).toHaveLength(1);
    // A new id asks again, and the transfer is no longer Active.
    await w.api
      .patch(transferPath(w, transfer.id))
      .set('Authorization', w.auth.provider)
      .set('MS-RequestId', randomUUID())
      .send({ status: 'Cancel' })
      .expect(409);
  });
});

describe('the transfer lifecycle', () => {
  it('when the source accepts with line items, then it goes InProgress and, when due, Complete line by line', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const transfer = await w.createTransfer();
    await w.api
      .post('/_sim/transfer-failures')
      .send({
        subscriptionId: w.subscriptions.second,
        code: 800123,
        description: 'Seat count above the offer limit',
      })
      .expect(201);

    const accepted = await w.api
      .patch(transferPath(w, transfer.id))
      .set('Authorization', w.auth.partner)
      .send(acceptBody(w, transfer))
      .expect(200);
    expect(accepted.body).toMatchObject({
      status: 'InProgress',
      lineItems: [
        {
          subscriptionId: w.subscriptions.base,
          status: 'InProgress',
          addOnItems: [{ subscriptionId: w.subscriptions.addOn, status: 'InProgress' }],
        },
        { subscriptionId: w.subscriptions.second, quantity: 4, friendlyName: 'Teams Essentials' },
      ],
    });

    // Not yet due: still in progress.
    w.clock.advanceHours(0.01);
    const early = await w.api
      .get(transferPath(w, transfer.id))
      .set('Authorization', w.auth.provider);
    expect((early.body as Transfer).status).toBe('InProgress');

    w.clock.advanceHours(2 / 60);
    const done = await w.api
      .get(transferPath(w, transfer.id))
      .set('Authorization', w.auth.provider);
    const completed = done.body as Transfer;
    expect(completed.status).toBe('Complete');
    const [base, second] = completed.lineItems;
    expect(base).toMatchObject({
      status: 'Complete',
      transferredSubscriptionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      transferError: null,
    });
    expect(base?.addOnItems?.[0]).toMatchObject({ status: 'Complete' });
    expect(second).toMatchObject({
      status: 'Failed',
      transferError: { code: 800123, description: 'Seat count above the offer limit' },
    });
    expect(second?.transferredSubscriptionId).toBeUndefined();

    // The customer's subscriptions moved: the base and its add-on now billed by the provider.
    const seen = await w.api.get(`/_sim/customers/${w.customer.tenantId}`).expect(200);
    const subs = (seen.body as { subscriptions: Array<Record<string, unknown>> }).subscriptions;
    const moved = subs.find((s) => s.id === base?.transferredSubscriptionId);
    expect(moved).toMatchObject({
      partnerTenantId: w.provider.tenantId,
      partnerIdOnRecord: w.partner.mpnId,
      status: 'active',
    });
    const movedAddOn = subs.find((s) => s.id === base?.addOnItems?.[0]?.transferredSubscriptionId);
    expect(movedAddOn).toMatchObject({ baseSubscriptionId: base?.transferredSubscriptionId });
    expect(subs.find((s) => s.id === w.subscriptions.base)).toMatchObject({
      status: 'transferred',
    });
    expect(subs.find((s) => s.id === w.subscriptions.second)).toMatchObject({
      status: 'active',
      partnerTenantId: w.partner.tenantId,
    });
    expect((await w.calls({ operation: 'completeTransfer' })).length).toBe(1);

    // A completed request cannot change.
    const again = await w.api
      .patch(transferPath(w, transfer.id))
      .set('Authorization', w.auth.partner)
      .send(acceptBody(w, transfer))
      .expect(409);
    expect((again.body as PartnerCenterError).code).toBe('900102');
  });

  it('when the wrong side acts, or the lines are wrong, then the transfer is left as it was', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const transfer = await w.createTransfer();
    const patch = (auth: string, body: unknown) =>
      w.api
        .patch(transferPath(w, transfer.id))
        .set('Authorization', auth)
        .send(body as object);

    // The target cannot accept; the source cannot cancel.
    expect(
      (
        (await patch(w.auth.provider, acceptBody(w, transfer)).expect(403))
          .body as PartnerCenterError
      ).code,
    ).toBe('2032');
    expect(
      ((await patch(w.auth.partner, { status: 'Cancel' }).expect(403)).body as PartnerCenterError)
        .code,
    ).toBe('2032');

    const unknownLine = await patch(w.auth.partner, {
      lineItems: [{ subscriptionId: randomUUID() }],
    }).expect(404);
    expect((unknownLine.body as PartnerCenterError).code).toBe('20003');
    const legacy = await patch(w.auth.partner, {
      lineItems: [{ subscriptionId: w.subscriptions.legacy }],
    }).expect(400);
    expect((legacy.body as PartnerCenterError).description).toContain('migrate');
    const looseAddOn = await patch(w.auth.partner, {
      lineItems: [
        {
          subscriptionId: w.subscriptions.second,
          addOnItems: [{ subscriptionId: w.subscriptions.addOn }],
        },
      ],
    }).expect(400);
    expect((looseAddOn.body as PartnerCenterError).code).toBe('3000');
    await patch(w.auth.partner, { status: 'Whatever' }).expect(400);

    const still = await w.api
      .get(transferPath(w, transfer.id))
      .set('Authorization', w.auth.partner);
    expect(still.body).toMatchObject({ status: 'Active', lineItems: [] });
    expect(await w.calls({ operation: 'submitTransfer' })).toEqual([]);
  });

  it('when the target cancels an Active request, then it is Cancelled and can be neither accepted nor cancelled again', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const transfer = await w.createTransfer();
    const cancelled = await w.api
      .patch(transferPath(w, transfer.id))
      .set('Authorization', w.auth.provider)
      .send({ ...transfer, status: 'Cancel' })
      .expect(200);
    expect((cancelled.body as Transfer).status).toBe('Cancelled');
    await w.api
      .patch(transferPath(w, transfer.id))
      .set('Authorization', w.auth.partner)
      .send(acceptBody(w, transfer))
      .expect(409);
  });

  it('when 30 days pass without acceptance, then the request is Expired and cannot be accepted', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const transfer = await w.createTransfer();
    // Finishing pending work early does not expire anything.
    await w.api.post('/_sim/work/run').expect(200);
    w.clock.advanceDays(29);
    // Access tokens last an hour: a month later, sign in again.
    const before = await w.api
      .get(transferPath(w, transfer.id))
      .set('Authorization', await w.tokenFor(w.partner));
    expect((before.body as Transfer).status).toBe('Active');

    w.clock.advanceDays(1);
    const partner = await w.tokenFor(w.partner);
    const after = await w.api.get(transferPath(w, transfer.id)).set('Authorization', partner);
    expect((after.body as Transfer).status).toBe('Expired');
    const late = await w.api
      .patch(transferPath(w, transfer.id))
      .set('Authorization', partner)
      .send(acceptBody(w, transfer))
      .expect(409);
    expect((late.body as PartnerCenterError).description).toContain('Expired');
  });

  it('when a test expires a request now, then it is Expired at once', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const transfer = await w.createTransfer();
    const res = await w.api
      .post(`/_sim/customers/${w.customer.tenantId}/transfers/${transfer.id}/expire`)
      .expect(200);
    expect(res.body).toEqual({ id: transfer.id, status: 'Expired' });
    const read = await w.api
      .get(transferPath(w, transfer.id))
      .set('Authorization', w.auth.provider);
    expect(read.body).toMatchObject({
      status: 'Expired',
      expirationTime: w.clock.now().toISOString(),
    });
  });
});

describe('the Microsoft Customer Agreement', () => {
  async function mcaTemplate(w: World): Promise<AgreementMetadata> {
    const res = await w.api
      .get('/v1/agreements')
      .query({ agreementType: 'MicrosoftCustomerAgreement' })
      .set('Authorization', w.auth.provider)
      .expect(200);
    const list = res.body as Collection<AgreementMetadata>;
    expect(list).toMatchObject({ totalCount: 1, attributes: { objectType: 'Collection' } });
    return list.items[0] as AgreementMetadata;
  }

  const agreement = (templateId: string, dateAgreed: string): Agreement => ({
    primaryContact: {
      firstName: 'Ines',
      lastName: 'Moreau',
      email: 'ines@tailspin.example',
      phoneNumber: '0612345678',
    },
    dateAgreed,
    templateId,
    type: 'MicrosoftCustomerAgreement',
  });

  it('when the provider records an acceptance, then it is kept with the signed-in user, once per contact', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const template = await mcaTemplate(w);
    expect(template).toMatchObject({ agreementType: 'MicrosoftCustomerAgreement', versionRank: 0 });
    const path = `/v1/customers/${w.customer.tenantId}/agreements`;

    const future = await w.api
      .post(path)
      .set('Authorization', w.auth.provider)
      .send(agreement(template.templateId, '2026-03-03'))
      .expect(400);
    expect((future.body as PartnerCenterError).code).toBe('600002');

    const created = await w.api
      .post(path)
      .set('Authorization', w.auth.provider)
      .send(agreement(template.templateId, '2026-03-02'))
      .expect(201);
    expect(created.body).toEqual({
      ...agreement(template.templateId, '2026-03-02'),
      userId: expect.any(String),
    });

    const duplicate = await w.api
      .post(path)
      .set('Authorization', w.auth.provider)
      .send(agreement(template.templateId, '2026-02-27T10:00:00Z'))
      .expect(409);
    expect((duplicate.body as PartnerCenterError).code).toBe('600061');

    // Another phone number is another confirmation.
    const changed = agreement(template.templateId, '2026-03-01T08:00:00Z');
    changed.primaryContact.phoneNumber = '0700000000';
    await w.api.post(path).set('Authorization', w.auth.provider).send(changed).expect(201);

    const list = await w.api
      .get(path)
      .query({ agreementType: 'MicrosoftCustomerAgreement' })
      .set('Authorization', w.auth.provider)
      .expect(200);
    expect((list.body as Collection<Agreement>).totalCount).toBe(2);
    // Without a type, Partner Center answers for the Microsoft Cloud Agreement.
    const cloud = await w.api.get(path).set('Authorization', w.auth.provider).expect(200);
    expect((cloud.body as Collection<Agreement>).totalCount).toBe(0);

    await w.api
      .post(path)
      .set('Authorization', w.auth.provider)
      .send(agreement(randomUUID(), '2026-03-01'))
      .expect(400);
    await w.api
      .post(path)
      .set('Authorization', w.auth.outsider)
      .send(agreement(template.templateId, '2026-03-01'))
      .expect(403);
  });

  it('when the customer signs the MCA directly, then the direct-sign status says so', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const path = `/v1/customers/${w.customer.tenantId}/directSignedMicrosoftCustomerAgreementStatus`;
    const before = await w.api.get(path).set('Authorization', w.auth.provider).expect(200);
    expect(before.body).toEqual({ isSigned: false });
    await w.api.post(`/_sim/customers/${w.customer.tenantId}/mca/sign`).expect(200);
    const after = await w.api.get(path).set('Authorization', w.auth.provider).expect(200);
    expect(after.body).toEqual({ isSigned: true });
  });
});

describe('relationships', () => {
  it('when the customer accepts the provider and the reseller, then both are listed with their types', async () => {
    const w = await buildWorld();
    const path = `/v1/customers/${w.customer.tenantId}/relationships`;
    await w.api.get(path).set('Authorization', w.auth.provider).expect(403);
    expect((await w.acceptRelationship()).body).toEqual({ accepted: true });
    expect((await w.acceptRelationship()).body).toEqual({ accepted: false });

    const res = await w.api.get(path).set('Authorization', w.auth.provider).expect(200);
    expect(res.body).toEqual({
      totalCount: 2,
      items: [
        {
          id: w.provider.tenantId,
          name: w.provider.name,
          relationshipType: 'is_indirect_cloud_solution_provider_of',
          mpnId: w.provider.mpnId,
          state: 'active',
          attributes: { objectType: 'PartnerRelationship' },
        },
        {
          id: w.partner.tenantId,
          name: w.partner.name,
          relationshipType: 'is_indirect_reseller_of',
          mpnId: w.partner.mpnId,
          state: 'active',
          attributes: { objectType: 'PartnerRelationship' },
        },
      ],
      links: expect.any(Object),
      attributes: { objectType: 'Collection' },
    });
  });
});

describe('new-commerce migrations', () => {
  const body = (subscriptionId: string) => ({
    currentSubscriptionId: subscriptionId,
    termDuration: 'P1Y',
    billingCycle: 'Monthly',
    purchaseFullTerm: false,
    quantity: 10,
  });

  it('when a legacy subscription is validated and migrated, then it is Processing, then Completed under a new id', async () => {
    const w = await buildWorld();
    const base = `/v1/customers/${w.customer.tenantId}/migrations/newcommerce`;
    const valid = await w.api
      .post(`${base}/validate`)
      .set('Authorization', w.auth.partner)
      .send(body(w.subscriptions.legacy))
      .expect(200);
    expect(valid.body).toMatchObject({
      currentSubscriptionId: w.subscriptions.legacy,
      isEligible: true,
      errors: [],
    } satisfies MigrationValidation);
    const notLegacy = await w.api
      .post(`${base}/validate`)
      .set('Authorization', w.auth.partner)
      .send(body(w.subscriptions.base))
      .expect(200);
    expect(notLegacy.body).toMatchObject({ isEligible: false, errors: [{ code: 3000 }] });

    const created = await w.api
      .post(base)
      .set('Authorization', w.auth.partner)
      .send(body(w.subscriptions.legacy))
      .expect(201);
    const migration = created.body as Migration;
    expect(migration).toMatchObject({
      status: 'Processing',
      customerTenantId: w.customer.tenantId,
      currentSubscriptionId: w.subscriptions.legacy,
    });
    expect(migration.newCommerceSubscriptionId).toBeUndefined();
    // A second migration of the same subscription while the first runs is refused.
    await w.api
      .post(base)
      .set('Authorization', w.auth.partner)
      .send(body(w.subscriptions.legacy))
      .expect(409);

    expect((await w.api.post('/_sim/work/run').expect(200)).body).toEqual({ ran: 1 });
    const read = await w.api
      .get(`${base}/${migration.id}`)
      .set('Authorization', w.auth.partner)
      .expect(200);
    const done = read.body as Migration;
    expect(done).toMatchObject({
      status: 'Completed',
      newCommerceSubscriptionId: expect.any(String),
    });
    const customer = await w.api.get(`/_sim/customers/${w.customer.tenantId}`);
    const subs = (customer.body as { subscriptions: Array<Record<string, unknown>> }).subscriptions;
    expect(subs.find((s) => s.id === done.newCommerceSubscriptionId)).toMatchObject({
      legacy: false,
      quantity: 10,
      status: 'active',
    });
    expect(subs.find((s) => s.id === w.subscriptions.legacy)).toMatchObject({ status: 'migrated' });
    await w.api.get(`${base}/${migration.id}`).set('Authorization', w.auth.provider).expect(403);
  });

  it('when a partner queries its migrations by customer and subscription, then it gets its own, as they stand, in a plain array', async () => {
    const w = await buildWorld();
    const query = (params: string, auth = w.auth.partner) =>
      w.api.get(`/v1/migrations/newcommerce?${params}`).set('Authorization', auth);
    const bySubscription = `CustomerTenantId=${w.customer.tenantId}&CurrentSubscriptionId=${w.subscriptions.legacy}`;
    expect((await query(bySubscription).expect(200)).body).toEqual([]);

    const created = await w.api
      .post(`/v1/customers/${w.customer.tenantId}/migrations/newcommerce`)
      .set('Authorization', w.auth.partner)
      .send(body(w.subscriptions.legacy))
      .expect(201);
    const migration = created.body as Migration;
    expect((await query(bySubscription).expect(200)).body).toEqual([created.body]);
    // Query strings are read without regard to case; one filter is enough.
    expect(
      (await query(`currentSubscriptionId=${w.subscriptions.legacy.toUpperCase()}`).expect(200))
        .body,
    ).toEqual([created.body]);
    expect(
      (
        await query(
          `CustomerTenantId=${w.customer.tenantId}&CurrentSubscriptionId=${w.subscriptions.base}`,
        ).expect(200)
      ).body,
    ).toEqual([]);
    // Another partner's query finds none of them; a query with no filter is refused.
    expect((await query(bySubscription, w.auth.provider).expect(200)).body).toEqual([]);
    const unfiltered = await query('PageSize=10').expect(400);
    expect(unfiltered.body).toMatchObject({ code: '3000' });

    await w.api.post('/_sim/work/run').expect(200);
    const [done] = (await query(bySubscription).expect(200)).body as Migration[];
    expect(done).toMatchObject({
      id: migration.id,
      status: 'Completed',
      newCommerceSubscriptionId: expect.any(String),
    });
  });

  it('when a partner creates more migrations than documented (100 in 5 minutes), then it gets 429 with Retry-After', async () => {
    expect(defaultThrottleLimits.createMigration).toEqual({ limit: 100, windowMs: 300_000 });
    const w = await buildWorld();
    const base = `/v1/customers/${w.customer.tenantId}/migrations/newcommerce`;
    for (let i = 0; i < 100; i += 1) {
      // Refused calls count too: the limit is on calls, whatever they asked.
      await w.api.post(base).set('Authorization', w.auth.partner).send({}).expect(400);
    }
    const throttled = await w.api
      .post(base)
      .set('Authorization', w.auth.partner)
      .send(body(w.subscriptions.legacy))
      .expect(429);
    expect(throttled.headers['retry-after']).toBe('300');
    expect(throttled.body).toMatchObject({ statusCode: 429 });
    // Other operations of the same partner go on.
    await w.api
      .post(`${base}/validate`)
      .set('Authorization', w.auth.partner)
      .send(body(w.subscriptions.legacy))
      .expect(200);

    w.clock.advanceHours(5 / 60);
    await w.api
      .post(base)
      .set('Authorization', w.auth.partner)
      .send(body(w.subscriptions.legacy))
      .expect(201);
  });

  it('when Partner Center runs ten times as fast, then the window is 30 s and a migration takes a tenth of its delay', async () => {
    // buildWorld's migrations take 60 s of Partner Center's time: 6 s at this scale.
    const w = await buildWorld({ timeScale: 10 });
    const later = (ms: number) => w.clock.set(new Date(w.clock.now().getTime() + ms));
    const base = `/v1/customers/${w.customer.tenantId}/migrations/newcommerce`;
    const create = () => w.api.post(base).set('Authorization', w.auth.partner);
    const created = await create().send(body(w.subscriptions.legacy)).expect(201);
    const read = () =>
      w.api
        .get(`${base}/${(created.body as Migration).id}`)
        .set('Authorization', w.auth.partner)
        .expect(200);
    later(5_900);
    expect((await read()).body).toMatchObject({ status: 'Processing' });
    later(100);
    expect((await read()).body).toMatchObject({ status: 'Completed' });

    for (let i = 1; i < 100; i += 1) await create().send({}).expect(400);
    const throttled = await create().send({}).expect(429);
    expect(throttled.headers['retry-after']).toBe('24');
    later(23_900);
    await create().send({}).expect(429);
    later(100);
    await create().send({}).expect(400);
  });

  it('when the time scale is not a positive number, then the simulator refuses to start', () => {
    for (const timeScale of [0, -2, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => createSimulator({ timeScale })).toThrow(RangeError);
    }
  });
});

describe('throttling and injected failures', () => {
  it('when calls are throttled, faulted, refused or repeated, then the request counts say so by operation', async () => {
    const w = await buildWorld({ throttling: { perAccount: { limit: 3, windowMs: 60_000 } } });
    await w.acceptRelationship();
    const requestId = randomUUID();
    await w.createTransfer(requestId);
    await w.createTransfer(requestId);
    const list = () => w.api.get(transferPath(w)).set('Authorization', w.auth.provider);
    await list().expect(200);
    await list().expect(429);
    await w.api.get(transferPath(w)).expect(401);
    await w.api
      .post('/_sim/faults')
      .send({ match: 'createTransfer', status: 503, count: 1 })
      .expect(201);
    await w.api
      .post(transferPath(w))
      .set('Authorization', w.auth.partner)
      .send(w.newTransfer())
      .expect(503);

    const counts = (await w.api.get('/_sim/requests').expect(200)).body as {
      total: Record<string, number>;
      byOperation: Record<string, Record<string, number>>;
    };
    const none = { throttled: 0, faulted: 0, unauthorized: 0, replayed: 0, retries: 0 };
    expect(counts.byOperation).toEqual({
      createTransfer: { ...none, requests: 3, replayed: 1, retries: 1, faulted: 1 },
      listTransfers: { ...none, requests: 3, throttled: 1, unauthorized: 1 },
    });
    expect(counts.total).toEqual({
      ...none,
      requests: 6,
      throttled: 1,
      unauthorized: 1,
      replayed: 1,
      retries: 1,
      faulted: 1,
    });
    await w.api.post('/_sim/reset').expect(204);
    expect((await w.api.get('/_sim/requests').expect(200)).body).toEqual({
      total: { ...none, requests: 0 },
      byOperation: {},
    });
  });

  it('when an account goes over its general limit, then 429 says how long to wait, and the wait is enough', async () => {
    const w = await buildWorld({ throttling: { perAccount: { limit: 3, windowMs: 60_000 } } });
    const list = (auth: string) => w.api.get(transferPath(w)).set('Authorization', auth);
    await w.acceptRelationship();
    for (let i = 0; i < 3; i += 1) await list(w.auth.provider).expect(200);
    const throttled = await list(w.auth.provider).expect(429);
    expect(throttled.headers['retry-after']).toBe('60');
    // Another account has its own count.
    await list(w.auth.partner).expect(200);
    w.clock.advanceHours(1 / 60);
    await list(w.auth.provider).expect(200);
  });

  it('when a 429 storm is injected on a path, then those calls get 429 with Retry-After and then pass', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const transfer = await w.createTransfer();
    await w.api
      .post('/_sim/faults')
      .send({
        match: 'GET /v1/customers/*/transfers/*',
        status: 429,
        count: 3,
        retryAfterSeconds: 7,
      })
      .expect(201);
    for (let i = 0; i < 3; i += 1) {
      const res = await w.api
        .get(transferPath(w, transfer.id))
        .set('Authorization', w.auth.partner)
        .expect(429);
      expect(res.headers['retry-after']).toBe('7');
    }
    await w.api.get(transferPath(w, transfer.id)).set('Authorization', w.auth.partner).expect(200);
    expect((await w.api.get('/_sim/faults').expect(200)).body).toEqual({ items: [] });
  });

  it('when a 503 is injected on an operation, then the call does nothing and its retry does it once', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    await w.api
      .post('/_sim/faults')
      .send({ match: 'createTransfer', status: 503, count: 1, retryAfterSeconds: 2 })
      .expect(201);
    const requestId = randomUUID();
    const post = () =>
      w.api
        .post(transferPath(w))
        .set('Authorization', w.auth.provider)
        .set('MS-RequestId', requestId)
        .send(w.newTransfer());
    const failed = await post().expect(503);
    expect(failed.body).toMatchObject({ code: '503', data: [] });
    expect(failed.headers['retry-after']).toBe('2');
    await post().expect(201);
    await post().expect(201);
    const calls = await w.calls({ operation: 'createTransfer' });
    expect(calls.map((c) => c.replayed)).toEqual([false, true]);
  });
});

describe('GDAP on Graph', () => {
  const newRelationship = (w: World) => ({
    displayName: 'Tiershift-Tailspin',
    duration: 'P730D',
    customer: { tenantId: w.customer.tenantId },
    accessDetails: {
      unifiedRoles: [
        { roleDefinitionId: '62e90394-69f5-4237-9190-012177145e10' },
        { roleDefinitionId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451' },
      ],
    },
  });

  it('when a partner creates and locks a relationship and the customer approves, then it goes created → approvalPending → approved → activating → active', async () => {
    const w = await buildWorld();
    const created = await w.api
      .post(gdapBasePath)
      .set('Authorization', w.auth.partnerGraph)
      .send(newRelationship(w))
      .expect(201);
    const relationship = created.body as GdapRelationship;
    expect(relationship).toMatchObject({
      '@odata.type': '#microsoft.graph.delegatedAdminRelationship',
      ...newRelationship(w),
      customer: { tenantId: w.customer.tenantId, displayName: w.customer.name },
      status: 'created',
      activatedDateTime: null,
      endDateTime: null,
    });
    const status = async () =>
      (
        (
          await w.api
            .get(`${gdapBasePath}/${relationship.id}`)
            .set('Authorization', w.auth.partnerGraph)
            .expect(200)
        ).body as GdapRelationship
      ).status;

    const lock = () =>
      w.api
        .post(`${gdapBasePath}/${relationship.id}/requests`)
        .set('Authorization', w.auth.partnerGraph)
        .send({ action: 'lockForApproval' });
    expect((await lock().expect(201)).body).toMatchObject({
      action: 'lockForApproval',
      status: 'created',
    });
    expect(await status()).toBe('approvalPending');
    const again = await lock().expect(409);
    expect(again.body).toMatchObject({ error: { code: 'conflict', message: expect.any(String) } });

    expect(
      (await w.api.post(`/_sim/gdap/${relationship.id}/approve`).expect(200)).body,
    ).toMatchObject({ status: 'approved' });
    expect(await status()).toBe('approved');
    w.clock.advanceHours(0.5 / 60);
    expect(await status()).toBe('activating');
    w.clock.advanceHours(0.5 / 60);
    const active = (
      await w.api
        .get(`${gdapBasePath}/${relationship.id}`)
        .set('Authorization', w.auth.partnerGraph)
    ).body as GdapRelationship;
    expect(active.status).toBe('active');
    expect(Date.parse(active.endDateTime ?? '') - Date.parse(active.activatedDateTime ?? '')).toBe(
      730 * day,
    );
  });

  it('when the body is out of bounds or another partner asks, then Graph refuses in its own shape', async () => {
    const w = await buildWorld();
    const tooLong = await w.api
      .post(gdapBasePath)
      .set('Authorization', w.auth.partnerGraph)
      .send({ ...newRelationship(w), duration: 'P731D' })
      .expect(400);
    expect(tooLong.body).toMatchObject({
      error: { code: 'badRequest', message: expect.stringContaining('730') },
    });
    const created = await w.api
      .post(gdapBasePath)
      .set('Authorization', w.auth.partnerGraph)
      .send(newRelationship(w))
      .expect(201);
    const id = (created.body as GdapRelationship).id;
    await w.api
      .post(gdapBasePath)
      .set('Authorization', w.auth.partnerGraph)
      .send(newRelationship(w))
      .expect(409);
    const hidden = await w.api
      .get(`${gdapBasePath}/${id}`)
      .set('Authorization', w.auth.outsiderGraph)
      .expect(404);
    expect(hidden.body).toMatchObject({
      error: { code: 'notFound', innerError: { 'request-id': expect.any(String) } },
    });
    await w.api.post(`/_sim/gdap/${id}/approve`).expect(409);
  });

  it('when relationships are listed by displayName, then Graph answers its collection of the caller’s own, that name only', async () => {
    const w = await buildWorld();
    const create = (displayName: string, auth = w.auth.partnerGraph) =>
      w.api
        .post(gdapBasePath)
        .set('Authorization', auth)
        .send({ ...newRelationship(w), displayName })
        .expect(201);
    const wanted = "O'Brien & Co 1a2b3c4d";
    const mine = (await create(wanted)).body as GdapRelationship;
    await create('Another customer');
    // Another partner may use the same name for a relationship of its own.
    await create(wanted, w.auth.outsiderGraph);
    const list = (filter?: string) =>
      w.api
        .get(gdapBasePath)
        .query(filter === undefined ? {} : { $filter: filter })
        .set('Authorization', w.auth.partnerGraph);
    const value = async (filter?: string) =>
      ((await list(filter).expect(200)).body as { value: Array<Record<string, unknown>> }).value;

    const found = await list(`displayName eq 'O''Brien & Co 1a2b3c4d'`).expect(200);
    expect(found.body).toEqual({
      '@odata.context': expect.stringMatching(
        /\/graph\/v1\.0\/tenantRelationships\/\$metadata#delegatedAdminRelationships$/,
      ),
      value: [
        expect.objectContaining({
          '@odata.type': '#microsoft.graph.delegatedAdminRelationship',
          id: mine.id,
          displayName: wanted,
          status: 'created',
        }),
      ],
    });
    expect(found.body).not.toHaveProperty('value.0.partnerTenantId');
    expect(await value(`displayName eq 'nobody'`)).toEqual([]);
    expect(await value()).toHaveLength(2);
    const refused = await list(`startswith(displayName, 'O')`).expect(400);
    expect(refused.body).toMatchObject({ error: { code: 'badRequest' } });
    // A read carries nothing out.
    expect((await w.calls()).map((c) => c.operation)).toEqual([
      'createGdapRelationship',
      'createGdapRelationship',
      'createGdapRelationship',
    ]);
  });

  it('when a Graph call is sent again with the same ids, then it is carried out again, not answered from memory', async () => {
    const w = await buildWorld();
    const ids = { 'MS-RequestId': randomUUID(), 'client-request-id': randomUUID() };
    const create = () =>
      w.api
        .post(gdapBasePath)
        .set('Authorization', w.auth.partnerGraph)
        .set(ids)
        .send(newRelationship(w));
    const id = ((await create().expect(201)).body as GdapRelationship).id;
    // Graph knows no MS-RequestId: the repeat is a second create, refused for its name.
    expect((await create().expect(409)).body).toMatchObject({ error: { code: 'conflict' } });
    const lock = () =>
      w.api
        .post(`${gdapBasePath}/${id}/requests`)
        .set('Authorization', w.auth.partnerGraph)
        .set(ids)
        .send({ action: 'lockForApproval' });
    await lock().expect(201);
    await lock().expect(409);
    expect((await w.calls()).map((c) => [c.operation, c.replayed])).toEqual([
      ['createGdapRelationship', false],
      ['lockGdapForApproval', false],
    ]);
  });
});

describe('signed webhooks', () => {
  const running: Array<RunningSimulator | WebhookReceiver> = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.close()));
  });

  async function liveWorld(options: Parameters<typeof buildWorld>[0] = {}) {
    const w = await buildWorld({
      allowInsecureWebhooks: true,
      webhookRetryDelayMs: 10,
      webhookAttempts: 3,
      ...options,
    });
    const server = await w.sim.listen(0);
    const receiver = await WebhookReceiver.start();
    running.push(server, receiver);
    for (const auth of [w.auth.partner, w.auth.provider]) {
      await w.api
        .post('/webhooks/v1/registration')
        .set('Authorization', auth)
        .send({
          WebhookUrl: receiver.url,
          WebhookEvents: [
            'complete-transfer',
            'fail-transfer',
            'reseller-relationship-accepted-by-customer',
            'indirect-reseller-relationship-accepted-by-customer',
          ],
        })
        .expect(200);
    }
    return { w, server, receiver };
  }

  it('when a transfer completes, then both sides get complete-transfer, signed so node:crypto verifies it against the served certificate', async () => {
    const { w, server, receiver } = await liveWorld();
    await w.acceptRelationship();
    await eventually(() => receiver.received.length === 2, 'the relationship events');
    const transfer = await w.createTransfer();
    await w.api
      .patch(transferPath(w, transfer.id))
      .set('Authorization', w.auth.partner)
      .send(acceptBody(w, transfer))
      .expect(200);
    await w.api.post('/_sim/work/run').expect(200);

    const events = receiver.received.slice(2);
    expect(events).toHaveLength(2);
    const deliveries = (await w.deliveries()).filter((d) => d.eventName === 'complete-transfer');
    expect(deliveries.map((d) => d.account).sort()).toEqual(
      [w.partner.tenantId, w.provider.tenantId].sort(),
    );
    for (const event of events) {
      expect(JSON.parse(event.body)).toEqual({
        EventName: 'complete-transfer',
        ResourceUri: `${server.url}/v1/customers/${w.customer.tenantId}/transfers/${transfer.id}`,
        ResourceName: 'Transfer',
        AuditUri: expect.stringMatching(
          new RegExp(`^${server.url}/auditactivity/v1/auditrecords/`),
        ),
        ResourceChangeUtcDate: w.clock.now().toISOString(),
      });
      expect(event.headers['x-ms-signature-algorithm']).toBe('rsa-sha256');
      const certificateUrl = event.headers['x-ms-certificate-url'] ?? '';
      expect(certificateUrl.startsWith(server.url)).toBe(true);
      const certificate = new X509Certificate(
        Buffer.from(await (await fetch(certificateUrl)).arrayBuffer()),
      );
      expect(certificate.subject).toContain('O=Partner Center Simulator');
      expect(certificate.verify(certificate.publicKey)).toBe(true);
      const signature = Buffer.from(
        (event.headers.authorization ?? '').replace(/^Signature /, ''),
        'base64',
      );
      expect(verify('sha256', Buffer.from(event.body), certificate.publicKey, signature)).toBe(
        true,
      );
      expect(
        verify(
          'sha256',
          Buffer.from(event.body.replace('complete', 'fail')),
          certificate.publicKey,
          signature,
        ),
      ).toBe(false);
    }
  });

  it('when a line failed, then both sides hear fail-transfer', async () => {
    const { w, receiver } = await liveWorld();
    await w.acceptRelationship();
    const transfer = await w.createTransfer();
    await w.api
      .post('/_sim/transfer-failures')
      .send({ subscriptionId: w.subscriptions.base, code: 9001, description: 'Refused by billing' })
      .expect(201);
    await w.api
      .patch(transferPath(w, transfer.id))
      .set('Authorization', w.auth.partner)
      .send(acceptBody(w, transfer))
      .expect(200);
    await w.api.post('/_sim/work/run').expect(200);
    const names = receiver.bodies<{ EventName: string }>().map((b) => b.EventName);
    expect(names.filter((n) => n === 'fail-transfer')).toHaveLength(2);
    const read = await w.api
      .get(transferPath(w, transfer.id))
      .set('Authorization', w.auth.provider);
    // The add-on fails with its base.
    expect((read.body as Transfer).lineItems[0]?.addOnItems?.[0]).toMatchObject({
      status: 'Failed',
      transferError: { code: 9001 },
    });
  });

  it('when the customer accepts, then the provider and the reseller each hear their own event', async () => {
    const { w, receiver } = await liveWorld();
    await w.acceptRelationship();
    await w.api.post('/_sim/webhooks/settle').expect(200);
    const byAccount = Object.fromEntries(
      (await w.deliveries()).map((d) => [
        d.account,
        JSON.parse(d.body) as { EventName: string; ResourceUri: string },
      ]),
    );
    expect(byAccount[w.provider.tenantId]?.EventName).toBe(
      'reseller-relationship-accepted-by-customer',
    );
    expect(byAccount[w.partner.tenantId]?.EventName).toBe(
      'indirect-reseller-relationship-accepted-by-customer',
    );
    expect(receiver.received).toHaveLength(2);
  });

  it('when the next webhook is lost and the one after is doubled, then the log and the receiver show it', async () => {
    const { w, receiver } = await liveWorld();
    await w.api.post('/_sim/webhooks/lose').send({ count: 1 }).expect(200);
    await w.api.post('/_sim/webhooks/double').send({ count: 1 }).expect(200);
    await w.acceptRelationship();
    await w.api.post('/_sim/webhooks/settle').expect(200);

    const log = await w.deliveries();
    expect(log.map((d) => [d.account, d.outcome, d.duplicate])).toEqual([
      [w.provider.tenantId, 'lost', false],
      [w.partner.tenantId, 'delivered', false],
      [w.partner.tenantId, 'delivered', true],
    ]);
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[0]?.body).toBe(receiver.received[1]?.body);
    expect(JSON.parse(receiver.received[0]?.body ?? '{}')).toMatchObject({
      EventName: 'indirect-reseller-relationship-accepted-by-customer',
    });
  });

  it('when the receiver fails, then the delivery is tried again until it is taken', async () => {
    const { w, receiver } = await liveWorld();
    receiver.answer = (_request, index) => (index === 0 ? 500 : 204);
    await w.api.post('/_sim/webhooks/lose').send({ count: 1 }).expect(200);
    await w.acceptRelationship();
    await w.api.post('/_sim/webhooks/settle').expect(200);
    const attempts = (await w.deliveries()).filter((d) => d.outcome !== 'lost');
    expect(attempts.map((d) => [d.attempt, d.outcome, d.status])).toEqual([
      [1, 'failed', 500],
      [2, 'delivered', 204],
    ]);
  });

  it('when webhooks are registered, then registration follows Partner Center’s verbs and refuses plain http by default', async () => {
    const w = await buildWorld();
    const path = '/webhooks/v1/registration';
    const insecure = await w.api
      .post(path)
      .set('Authorization', w.auth.partner)
      .send({ WebhookUrl: 'http://hooks.contoso.example/pc', WebhookEvents: ['complete-transfer'] })
      .expect(400);
    expect((insecure.body as PartnerCenterError).description).toContain('https');
    await w.api.get(path).set('Authorization', w.auth.partner).expect(404);

    const created = await w.api
      .post(path)
      .set('Authorization', w.auth.partner)
      .send({
        WebhookUrl: 'https://hooks.contoso.example/pc',
        WebhookEvents: ['complete-transfer'],
      })
      .expect(200);
    expect(created.body).toEqual({
      SubscriberId: expect.any(String),
      WebhookUrl: 'https://hooks.contoso.example/pc',
      WebhookEvents: ['complete-transfer'],
    });
    await w.api
      .post(path)
      .set('Authorization', w.auth.partner)
      .send({ WebhookUrl: 'https://x.example/', WebhookEvents: ['fail-transfer'] })
      .expect(409);
    await w.api
      .put(path)
      .set('Authorization', w.auth.partner)
      .send({ WebhookUrl: 'https://hooks.contoso.example/v2', WebhookEvents: ['fail-transfer'] })
      .expect(200);
    const read = await w.api.get(path).set('Authorization', w.auth.partner).expect(200);
    expect(read.body).toEqual({
      WebhookUrl: 'https://hooks.contoso.example/v2',
      WebhookEvents: ['fail-transfer'],
    });
    // Registrations are per account.
    await w.api.get(path).set('Authorization', w.auth.provider).expect(404);
    await w.api.delete(path).set('Authorization', w.auth.partner).expect(204);
    await w.api.get(path).set('Authorization', w.auth.partner).expect(404);
    await w.api
      .post(path)
      .set('Authorization', w.auth.partner)
      .send({ WebhookUrl: 'https://x.example/', WebhookEvents: ['no-such-event'] })
      .expect(400);
  });
});

describe('the control API', () => {
  it('when inputs are out of bounds, then seeding is refused and nothing is kept', async () => {
    const sim = createSimulator();
    const api = request(sim.app);
    const partner = buildAccount('partner', 'Contoso Partners');
    await api
      .post('/_sim/accounts')
      .send({ ...partner, tenantId: 'not-a-guid' })
      .expect(400);
    await api
      .post('/_sim/accounts')
      .send({ ...partner, name: 'x'.repeat(300) })
      .expect(400);
    const subscriptions = Array.from({ length: 501 }, () => ({
      id: randomUUID(),
      offerId: 'CFQ7TTC0LF8Q:0001',
      friendlyName: 'Seat',
      quantity: 1,
      billingCycle: 'monthly',
    }));
    const customer = {
      tenantId: randomUUID(),
      name: 'Big',
      email: 'it@big.example',
      partnerTenantId: partner.tenantId,
      subscriptions,
    };
    await api.post('/_sim/customers').send(customer).expect(400);
    await api
      .post('/_sim/faults')
      .send({ match: 'createTransfer', status: 418, count: 1 })
      .expect(400);
    await api.post('/_sim/webhooks/lose').send({ count: -1 }).expect(400);
    expect(sim.state.accounts.size).toBe(0);
    expect(sim.state.customers.size).toBe(0);
  });

  it('when reset, then accounts, customers, tokens and logs are gone', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    await w.createTransfer();
    expect((await w.calls()).length).toBeGreaterThan(0);
    await w.api.post('/_sim/reset').expect(204);
    expect(await w.calls()).toEqual([]);
    await w.api.get(transferPath(w)).set('Authorization', w.auth.provider).expect(401);
    await w.api.get(`/_sim/customers/${w.customer.tenantId}`).expect(404);
  });

  it('when calls are listed, then each effect shows its operation, account, customer and request id', async () => {
    const w = await buildWorld();
    await w.acceptRelationship();
    const requestId = randomUUID();
    await w.createTransfer(requestId);
    const [call] = await w.calls({ requestId });
    expect(call).toMatchObject({
      operation: 'createTransfer',
      account: w.provider.tenantId,
      customer: w.customer.tenantId,
      requestId,
      correlationId: expect.any(String),
      replayed: false,
      status: 201,
    });
    expect(await w.calls({ operation: 'acceptProviderRelationship' })).toHaveLength(1);
  });
});
