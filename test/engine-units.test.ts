import { describe, expect, it } from 'vitest';
import { findDefinition } from '../machines/registry.ts';
import { parseEtag } from '../src/engine/engine.ts';
import { finishingEventTypes, nextEvents } from '../src/engine/introspection.ts';
import { canonicalJson, chainHash, genesisHash } from '../src/engine/hash.ts';
import { addBusinessDays, dueAt } from '../src/engine/time.ts';

describe('business days', () => {
  it('when counted from a weekday, then weekends are skipped and the time of day kept', () => {
    expect(addBusinessDays(new Date('2026-03-02T09:30:00Z'), 5).toISOString()).toBe(
      '2026-03-09T09:30:00.000Z',
    );
    expect(addBusinessDays(new Date('2026-03-05T12:00:00Z'), 1).toISOString()).toBe(
      '2026-03-06T12:00:00.000Z',
    );
    expect(addBusinessDays(new Date('2026-03-06T12:00:00Z'), 1).toISOString()).toBe(
      '2026-03-09T12:00:00.000Z',
    );
  });

  it('when counted from a weekend, then the first business day is Monday', () => {
    expect(addBusinessDays(new Date('2026-03-07T10:00:00Z'), 1).toISOString()).toBe(
      '2026-03-09T10:00:00.000Z',
    );
    expect(addBusinessDays(new Date('2026-03-08T10:00:00Z'), 5).toISOString()).toBe(
      '2026-03-13T10:00:00.000Z',
    );
  });

  it('when a delay has calendar days, then they are added as they are', () => {
    expect(dueAt({ days: 30 }, new Date('2026-01-31T00:00:00Z'))?.toISOString()).toBe(
      '2026-03-02T00:00:00.000Z',
    );
  });
});

describe('history hashing', () => {
  it('when keys are in another order, then the canonical JSON and the hash are the same', () => {
    const a = { b: 1, a: { d: [1, { y: 2, x: 1 }], c: null }, skipped: undefined };
    const b = { a: { c: null, d: [1, { x: 1, y: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(chainHash(genesisHash, a)).toBe(chainHash(genesisHash, b));
  });

  it('when the previous hash differs, then the hash differs', () => {
    expect(chainHash(genesisHash, { a: 1 })).not.toBe(chainHash('f'.repeat(64), { a: 1 }));
  });
});

describe('If-Match', () => {
  it.each([
    ['"3"', 3],
    ['W/"3"', 3],
    ['3', 3],
    [' "12" ', 12],
  ])('reads %s as version %d', (header, version) => {
    expect(parseEtag(header)).toBe(version);
  });
  it('reads anything else as no version at all', () => {
    expect(parseEtag('"abc"')).toBeNaN();
    expect(parseEtag('*')).toBeNaN();
  });
});

describe('events that may finish a workflow', () => {
  it("when read from each machine's definition, then every event that reaches a final state is there, and only those", () => {
    const of = (name: string) => finishingEventTypes(findDefinition(name)!.machine);
    expect(of('resellerRelationship')).toEqual(
      new Set([
        'INVITATION_ACCEPTED',
        'RELATIONSHIP_ACCEPTED',
        'CONSENT_DECLINED',
        'GDAP_ACTIVATED',
      ]),
    );
    expect(of('mcaReacceptance')).toEqual(
      new Set(['ACCEPTANCE_RECORDED', 'ACCEPTED_IN_ADMIN_CENTER']),
    );
    expect(of('enrollment')).toEqual(new Set(['ACCEPT_AGREEMENT', 'WITHDRAW']));
    // `transferring` settles by an eventless transition: every event taken there counts.
    for (const type of [
      'SUBSCRIPTION_TRANSFERRED',
      'SUBSCRIPTION_TRANSFER_FAILED',
      'TRANSFER_SUBMITTED',
      'CANCEL',
    ]) {
      expect(of('subscriptionTransfer'), type).toContain(type);
    }
    expect(of('subscriptionTransfer')).not.toContain('CUSTOMER_AGREED');
    // A retry waits for a new transfer request: it never settles the transfer itself.
    expect(of('subscriptionTransfer')).not.toContain('RETRY');
  });
});

describe('the events a workflow takes now', () => {
  it('when a state forbids a role whatever it sends, then that role is not listed for the event', () => {
    const definition = findDefinition('subscriptionTransfer')!;
    const context = {
      customerId: 'cus_1',
      providerId: 'prv_1',
      partnerTenantId: 'tenant',
      mcaConfirmed: true,
      subscriptions: [],
      confirmedIds: ['s1'],
      request: null,
      results: {},
      expiredRequests: 0,
      cancelReason: null,
    };
    const cancelRoles = (value: string) =>
      nextEvents(definition, definition.machine.resolveState({ value, context })).find(
        (e) => e.type === 'CANCEL',
      )?.roles;
    // A provider may call a transfer off before it is submitted, not after.
    expect(cancelRoles('sourceReview')).toEqual(['provider', 'manager', 'global_admin']);
    expect(cancelRoles('transferring')).toEqual(['manager', 'global_admin']);
  });
});
