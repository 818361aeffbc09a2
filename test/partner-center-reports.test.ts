import { generateKeyPairSync, sign } from 'node:crypto';
import type { AnyMachineSnapshot } from 'xstate';
import { describe, expect, it } from 'vitest';
import { callIds, partnerCenterCall } from '../src/partner-center/connected/call-message.ts';
import {
  gdapEvents,
  mcaEvents,
  migrationEvents,
  relationshipEvents,
  transferEvents,
} from '../src/partner-center/connected/observe.ts';
import { reportTarget } from '../src/partner-center/connected/report-message.ts';
import { lineItems } from '../src/partner-center/connected/steps.ts';
import type { GdapRelationship } from '../src/partner-center/partner-center.ts';
import { transferFixture } from './partner-center-fixtures.ts';
import { WebhookVerifier } from '../src/partner-center/webhook-signature.ts';
import type { SubscriptionRow } from '../src/store/customers.ts';
import type { WorkflowRow } from '../src/store/workflows.ts';

const row = (machine: string, state: string) => ({ machine, state }) as WorkflowRow;
const snapshotWith = (context: Record<string, unknown>) => ({ context }) as AnyMachineSnapshot;

describe('what a transfer report applies', () => {
  const completed = transferFixture({
    lineItems: [
      {
        id: 0,
        subscriptionId: 'base',
        quantity: 5,
        billingCycle: 'Monthly',
        friendlyName: 'M365',
        partnerIdOnRecord: '1234567',
        status: 'Complete',
        transferredSubscriptionId: 'base-new',
        addOnItems: [
          {
            id: 1,
            subscriptionId: 'addon',
            quantity: 5,
            billingCycle: 'Monthly',
            friendlyName: 'Phone',
            partnerIdOnRecord: '1234567',
            status: 'Failed',
            transferError: { code: 1, description: 'quantity exceeds the base' },
          },
        ],
      },
    ],
  });

  it('settles each pending line, add-ons included, and only those', () => {
    const events = transferEvents(completed, true)(
      row('subscriptionTransfer', 'transferring'),
      snapshotWith({
        results: { base: { status: 'pending' }, addon: { status: 'pending' } },
      }),
    );
    expect(events).toEqual([
      { type: 'SUBSCRIPTION_TRANSFERRED', subscriptionId: 'base', newSubscriptionId: 'base-new' },
      {
        type: 'SUBSCRIPTION_TRANSFER_FAILED',
        subscriptionId: 'addon',
        reason: 'quantity exceeds the base',
      },
    ]);
  });

  it('finds nothing left when heard a second time', () => {
    const events = transferEvents(completed, true)(
      row('subscriptionTransfer', 'transferring'),
      snapshotWith({
        results: {
          base: { status: 'transferred', newSubscriptionId: 'base-new' },
          addon: { status: 'pending' },
        },
      }),
    );
    expect(events.map((e) => e.subscriptionId)).toEqual(['addon']);
    expect(
      transferEvents(completed, true)(
        row('subscriptionTransfer', 'partiallyFailed'),
        snapshotWith({}),
      ),
    ).toEqual([]);
  });

  it('expires only the request the workflow waits on', () => {
    const expired = transferFixture({ status: 'Expired' });
    const waiting = row('subscriptionTransfer', 'sourceReview');
    expect(transferEvents(expired, true)(waiting, snapshotWith({}))).toEqual([
      { type: 'TRANSFER_REQUEST_EXPIRED' },
    ]);
    expect(transferEvents(expired, false)(waiting, snapshotWith({}))).toEqual([]);
    expect(
      transferEvents(transferFixture({ status: 'Active' }), true)(waiting, snapshotWith({})),
    ).toEqual([]);
  });
});

describe('what other reports apply', () => {
  it('walks GDAP as far as Partner Center has gone, from where the workflow is', () => {
    const at = (status: GdapRelationship['status']) => ({ id: 'g', status }) as GdapRelationship;
    expect(gdapEvents(at('approvalPending'))(row('r', 'gdapRequested'), snapshotWith({}))).toEqual(
      [],
    );
    expect(gdapEvents(at('active'))(row('r', 'gdapRequested'), snapshotWith({}))).toEqual([
      { type: 'GDAP_APPROVED' },
      { type: 'GDAP_ACTIVATED' },
    ]);
    expect(gdapEvents(at('active'))(row('r', 'gdapApproved'), snapshotWith({}))).toEqual([
      { type: 'GDAP_ACTIVATED' },
    ]);
    expect(gdapEvents(at('expired'))(row('r', 'gdapApproved'), snapshotWith({}))).toEqual([
      { type: 'GDAP_EXPIRED' },
    ]);
    expect(gdapEvents(at('active'))(row('r', 'established'), snapshotWith({}))).toEqual([]);
  });

  it('migrates a legacy subscription once', () => {
    const migration = {
      id: 'm',
      status: 'Completed' as const,
      customerTenantId: 'c',
      currentSubscriptionId: 'old',
      newCommerceSubscriptionId: 'new',
    };
    const legacy = snapshotWith({ subscriptions: [{ id: 'old', kind: 'legacy_license' }] });
    const moved = snapshotWith({ subscriptions: [{ id: 'new', kind: 'nce_license' }] });
    const review = row('subscriptionTransfer', 'detailsReview');
    expect(migrationEvents(migration, 'old')(review, legacy)).toEqual([
      { type: 'SUBSCRIPTION_MIGRATED', subscriptionId: 'old', newSubscriptionId: 'new' },
    ]);
    expect(migrationEvents(migration, 'old')(review, moved)).toEqual([]);
    expect(migrationEvents({ ...migration, status: 'Processing' }, 'old')(review, legacy)).toEqual(
      [],
    );
  });

  it('hears a relationship accepted and an MCA signed only while they are awaited', () => {
    expect(
      relationshipEvents(true)(row('r', 'awaitingCustomerAcceptance'), snapshotWith({})),
    ).toEqual([{ type: 'RELATIONSHIP_ACCEPTED' }]);
    expect(relationshipEvents(true)(row('r', 'invitationSent'), snapshotWith({}))).toEqual([
      { type: 'INVITATION_ACCEPTED' },
    ]);
    expect(relationshipEvents(false)(row('r', 'invitationSent'), snapshotWith({}))).toEqual([]);
    expect(relationshipEvents(true)(row('r', 'established'), snapshotWith({}))).toEqual([]);
    expect(mcaEvents(true, '2026-11-23')(row('m', 'requested'), snapshotWith({}))).toEqual([
      { type: 'ACCEPTED_IN_ADMIN_CENTER', dateAgreed: '2026-11-23' },
    ]);
    expect(mcaEvents(true, '2026-11-23')(row('m', 'accepted'), snapshotWith({}))).toEqual([]);
  });
});

describe('a submission and its ids', () => {
  it('puts add-ons under their base, and an add-on whose base moved on a line of its own', () => {
    const sub = (id: string, base: string | null) => ({
      id,
      kind: 'nce_license' as const,
      baseSubscriptionId: base,
      status: 'active' as const,
      termEndDate: null,
      billingCycle: 'annual' as const,
      transferEligible: false,
    });
    const stored = new Map([['a', { quantity: 7, offer: 'Microsoft 365 E3' } as SubscriptionRow]]);
    const lines = lineItems(
      ['a', 'a1', 'x1'],
      [sub('a', null), sub('a1', 'a'), sub('x', null), sub('x1', 'x')],
      stored,
      '1234567',
    );
    expect(lines).toEqual([
      {
        id: 0,
        subscriptionId: 'a',
        quantity: 7,
        billingCycle: 'Annual',
        friendlyName: 'Microsoft 365 E3',
        partnerIdOnRecord: '1234567',
        addOnItems: [expect.objectContaining({ id: 1, subscriptionId: 'a1' })],
      },
      expect.objectContaining({ id: 2, subscriptionId: 'x1' }),
    ]);
  });

  it('repeats the same ids on every attempt of a step, and differs between its calls', () => {
    const message = partnerCenterCall('wf_1', 'requestGdap');
    expect(callIds(message)).toEqual(callIds(message));
    expect(callIds(message, 'lock')).toEqual(callIds(message, 'lock'));
    expect(callIds(message, 'lock').requestId).not.toBe(callIds(message, 'create').requestId);
    expect(callIds(message, 'lock').requestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(callIds(message, 'lock').correlationId).toBe(message.correlationId);
  });

  it('reads where a webhook points', () => {
    const base = 'https://api.partnercenter.microsoft.com/v1/customers/';
    expect(
      reportTarget({ eventName: 'complete-transfer', resourceUri: `${base}c-1/transfers/t-9` }),
    ).toEqual({ kind: 'transfer', tenantId: 'c-1', transferId: 't-9' });
    expect(
      reportTarget({
        eventName: 'indirect-reseller-relationship-accepted-by-customer',
        resourceUri: `${base}c-1`,
      }),
    ).toEqual({ kind: 'customer', tenantId: 'c-1' });
    expect(reportTarget({ eventName: 'x', resourceUri: 'https://x/other' })).toEqual({
      kind: 'unknown',
    });
  });
});

describe('a webhook signature', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const trusted = 'https://pc.example/certs/';
  let downloads = 0;
  const fetchCert: typeof fetch = (input) => {
    downloads += 1;
    return Promise.resolve(
      (input instanceof Request ? input.url : input.toString()) === `${trusted}1.pem`
        ? new Response(pem)
        : new Response('', { status: 404 }),
    );
  };
  const verifier = new WebhookVerifier({ trustedCertificateUrls: [trusted], fetch: fetchCert });
  const body = Buffer.from('{"EventName":"complete-transfer","ResourceUri":"x"}');
  const headers = (signature: Buffer, url = `${trusted}1.pem`) => ({
    authorization: `Signature ${signature.toString('base64')}`,
    certificateUrl: url,
    algorithm: 'rsa-sha256',
  });

  it('is believed when the trusted certificate signed these exact bytes', async () => {
    expect(await verifier.verify(body, headers(sign('sha256', body, privateKey)))).toBeUndefined();
    expect(await verifier.verify(body, headers(sign('sha256', body, privateKey)))).toBeUndefined();
    expect(downloads).toBe(1);
  });

  it('is refused for other bytes, another key, an untrusted certificate or a missing header', async () => {
    const good = sign('sha256', body, privateKey);
    const tampered = Buffer.concat([body, Buffer.from(' ')]);
    expect(await verifier.verify(tampered, headers(good))).toBe('signature_invalid');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(await verifier.verify(body, headers(sign('sha256', body, other)))).toBe(
      'signature_invalid',
    );
    for (const url of [
      'https://evil.example/certs/1.pem',
      'https://pc.example@evil.example/certs/1.pem',
      'https://pc.example/certs/../../evil.pem',
      'not a url',
    ]) {
      expect(await verifier.verify(body, headers(good, url))).toBe('certificate_url_not_trusted');
    }
    expect(await verifier.verify(body, { ...headers(good), authorization: undefined })).toBe(
      'signature_missing',
    );
    expect(await verifier.verify(body, { ...headers(good), algorithm: 'hmac-sha256' })).toBe(
      'signature_algorithm_unsupported',
    );
    expect(await verifier.verify(body, headers(good, `${trusted}missing.pem`))).toBe(
      'certificate_unavailable',
    );
  });
});
