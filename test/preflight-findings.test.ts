import { describe, expect, it } from 'vitest';
import {
  customerFindings,
  partnerFindings,
  preflightCodeList,
  subscriptionsToMove,
  tally,
  type Finding,
  type PreflightCustomer,
  type PreflightSettings,
  type PreflightSubscription,
} from '../src/engine/preflight.ts';

const settings: PreflightSettings = {
  region: { code: 'DE', source: 'provider' },
  today: '2026-11-23',
};

function sub(id: string, overrides: Partial<PreflightSubscription> = {}): PreflightSubscription {
  return {
    id,
    kind: 'nce_license',
    baseSubscriptionId: null,
    status: 'active',
    termEndDate: null,
    billingCycle: null,
    transferEligible: false,
    ...overrides,
  };
}

function customer(overrides: Partial<PreflightCustomer> = {}): PreflightCustomer {
  return {
    mcaAcceptance: 'admin_center',
    providerNeedsAdmin: false,
    country: 'DE',
    countryWithheld: false,
    relationshipState: null,
    mcaState: null,
    subscriptions: [sub('s1')],
    ...overrides,
  };
}

/** `code@subscription` (or `code` alone), for readable expectations. */
const codes = (findings: Finding[]) =>
  findings.map((f) => (f.subscriptionId ? `${f.code}@${f.subscriptionId}` : f.code));

describe('customer findings', () => {
  it('when a customer has only active licenses, an MCA from the admin center and the right country, then nothing is found', () => {
    expect(customerFindings(customer(), settings)).toEqual([]);
  });

  it('when the bill-to country is outside the region, then a blocker names both, unless the country is withheld', () => {
    const [shown] = customerFindings(customer({ country: 'FR' }), settings);
    expect(shown).toMatchObject({ code: 'customer_region_mismatch', severity: 'blocker' });
    expect(shown?.detail).toContain('FR');
    expect(shown?.detail).toContain('DE');
    expect(shown?.subscriptionId).toBeUndefined();
    const [withheld] = customerFindings(
      customer({ country: 'FR', countryWithheld: true }),
      settings,
    );
    expect(withheld?.code).toBe('customer_region_mismatch');
    expect(withheld?.detail).not.toContain('FR');
    expect(withheld?.detail).toContain('DE');
  });

  it("when no provider is chosen yet, then the region is the partner's CSP region, and the country is compared in any case", () => {
    const before: PreflightSettings = { ...settings, region: { code: 'de', source: 'partner' } };
    expect(customerFindings(customer({ country: 'DE' }), before)).toEqual([]);
    const [found] = customerFindings(customer({ country: 'AT' }), before);
    expect(found?.detail).toContain("partner's CSP region");
  });

  it('when the MCA was attested or never accepted, then an action, until its re-acceptance is accepted or retained', () => {
    for (const mcaAcceptance of ['none', 'partner_attestation'] as const) {
      const found = customerFindings(customer({ mcaAcceptance }), settings);
      expect(found).toEqual([
        expect.objectContaining({ code: 'mca_acceptance_required', severity: 'action' }),
      ]);
      expect(
        customerFindings(customer({ mcaAcceptance, mcaState: 'requested' }), settings)[0]?.detail,
      ).toContain('asked for');
      for (const mcaState of ['accepted', 'retained'])
        expect(customerFindings(customer({ mcaAcceptance, mcaState }), settings)).toEqual([]);
    }
  });

  it('when the provider needs admin rights, then GDAP is an action until the relationship is established', () => {
    const needs = customer({ providerNeedsAdmin: true });
    expect(codes(customerFindings(needs, settings))).toEqual(['gdap_required']);
    expect(
      customerFindings({ ...needs, relationshipState: 'invitationSent' }, settings)[0]?.detail,
    ).toContain('invitationSent');
    expect(customerFindings({ ...needs, relationshipState: 'established' }, settings)).toEqual([]);
  });
});

describe('subscription findings', () => {
  const of = (...subscriptions: PreflightSubscription[]) =>
    codes(customerFindings(customer({ subscriptions }), settings));

  it('when a subscription is legacy, then licenses need migrating and legacy Azure blocks the whole customer', () => {
    expect(of(sub('l', { kind: 'legacy_license' }), sub('a', { kind: 'legacy_azure' }))).toEqual([
      'legacy_subscription_requires_migration@l',
      'legacy_azure_blocks_transfer@a',
    ]);
  });

  it('when a marketplace item is not eligible, then it is a blocker; eligible, it is info', () => {
    expect(of(sub('m', { kind: 'marketplace_saas' }))).toEqual(['marketplace_not_transferable@m']);
    expect(of(sub('m', { kind: 'marketplace_saas', transferEligible: true }))).toEqual([
      'marketplace_saas_transfers@m',
    ]);
  });

  it('when a subscription is suspended, expired or a trial, then it is not active', () => {
    for (const status of ['suspended', 'expired', 'trial'] as const) {
      const [found] = customerFindings(
        customer({ subscriptions: [sub('x', { status })] }),
        settings,
      );
      expect(found).toMatchObject({
        code: 'subscription_not_active',
        severity: 'blocker',
        subscriptionId: 'x',
      });
    }
  });

  it('when a reservation, a savings plan or software can go, then each is reported as info, with its terms', () => {
    const found = customerFindings(
      customer({
        subscriptions: [
          sub('r', {
            kind: 'azure_reservation',
            termEndDate: '2027-06-30',
            billingCycle: 'annual',
          }),
          sub('p', { kind: 'azure_savings_plan' }),
          sub('w', { kind: 'software', billingCycle: 'one_time' }),
        ],
      }),
      settings,
    );
    expect(codes(found)).toEqual([
      'azure_reservation_transfers@r',
      'azure_savings_plan_transfers@p',
      'software_transfers@w',
    ]);
    expect(found.every((f) => f.severity === 'info')).toBe(true);
    expect(found[0]?.detail).toContain('2027-06-30');
    expect(found[0]?.detail).toContain('billed yearly');
  });

  it('when a reservation cannot go (suspended), then no info says it transfers', () => {
    expect(of(sub('r', { kind: 'azure_reservation', status: 'suspended' }))).toEqual([
      'subscription_not_active@r',
    ]);
  });

  it('when a term ends within seven days (today included), then it is info; past or later, nothing', () => {
    const ends = (termEndDate: string) => of(sub('t', { termEndDate }));
    expect(ends('2026-11-23')).toEqual(['term_ending_soon@t']);
    expect(ends('2026-11-30')).toEqual(['term_ending_soon@t']);
    expect(ends('2026-12-01')).toEqual([]);
    expect(ends('2026-11-22')).toEqual([]);
    const [found] = customerFindings(
      customer({ subscriptions: [sub('t', { termEndDate: '2026-11-24' })] }),
      settings,
    );
    expect(found).toMatchObject({ severity: 'info' });
    expect(found?.detail).toContain('tomorrow');
  });
});

describe('add-ons', () => {
  const addOn = (id: string, base: string, overrides: Partial<PreflightSubscription> = {}) =>
    sub(id, { baseSubscriptionId: base, ...overrides });
  const of = (...subscriptions: PreflightSubscription[]) =>
    codes(customerFindings(customer({ subscriptions }), settings)).filter((c) =>
      c.startsWith('addon_without_base'),
    );

  it('when the base can transfer, then the add-on goes with it and nothing is found', () => {
    expect(of(sub('b'), addOn('a', 'b'))).toEqual([]);
  });

  it('when the base is inactive, an ineligible marketplace item or legacy not yet migrated, then the add-on is flagged', () => {
    expect(of(sub('b', { status: 'suspended' }), addOn('a', 'b'))).toEqual([
      'addon_without_base@a',
    ]);
    expect(of(sub('b', { kind: 'marketplace_saas' }), addOn('a', 'b'))).toEqual([
      'addon_without_base@a',
    ]);
    expect(of(sub('b', { kind: 'legacy_license' }), addOn('a', 'b'))).toEqual([
      'addon_without_base@a',
    ]);
    expect(of(sub('b', { kind: 'legacy_azure' }), addOn('a', 'b'))).toEqual([
      'addon_without_base@a',
    ]);
  });

  it("when the base's own base cannot transfer, then every add-on down the chain is flagged", () => {
    expect(
      of(sub('root', { status: 'expired' }), addOn('mid', 'root'), addOn('leaf', 'mid')),
    ).toEqual(['addon_without_base@mid', 'addon_without_base@leaf']);
  });

  it('when two add-ons name each other, then both are flagged rather than looping', () => {
    expect(of(addOn('x', 'y'), addOn('y', 'x'))).toEqual([
      'addon_without_base@x',
      'addon_without_base@y',
    ]);
  });

  it('when the base already went (it is not among those still to move), then the add-on follows it', () => {
    expect(of(addOn('a', 'gone'))).toEqual([]);
  });

  it('when the add-on itself is inactive but its base is fine, then only its own status is found', () => {
    expect(
      codes(
        customerFindings(
          customer({ subscriptions: [sub('b'), addOn('a', 'b', { status: 'trial' })] }),
          settings,
        ),
      ),
    ).toEqual(['subscription_not_active@a']);
  });
});

describe('subscriptions still to move', () => {
  const stored = [
    sub('e3'),
    sub('old', { kind: 'legacy_license', status: 'active', termEndDate: '2027-01-31' }),
    sub('phone', { baseSubscriptionId: 'old' }),
  ];

  it('when there is no transfer yet, then the stored subscriptions are used as they are', () => {
    expect(subscriptionsToMove(stored, null)).toEqual(stored);
  });

  it('when a legacy subscription was migrated under a new id, then it has its new id and kind, and its add-on follows the id', () => {
    const moved = subscriptionsToMove(stored, {
      subscriptions: [
        { id: 'e3', kind: 'nce_license', baseSubscriptionId: null },
        { id: 'new', kind: 'nce_license', baseSubscriptionId: null },
        { id: 'phone', kind: 'nce_license', baseSubscriptionId: 'new' },
      ],
      results: {},
    });
    expect(moved[1]).toEqual({ ...stored[1], id: 'new', kind: 'nce_license' });
    expect(moved[2]?.baseSubscriptionId).toBe('new');
    expect(customerFindings(customer({ subscriptions: moved }), settings)).toEqual([]);
  });

  it('when some subscriptions were already transferred, then they are left out', () => {
    const moved = subscriptionsToMove(stored, {
      subscriptions: stored.map((s) => ({
        id: s.id,
        kind: s.kind,
        baseSubscriptionId: s.baseSubscriptionId,
      })),
      results: {
        e3: { status: 'transferred', newSubscriptionId: 'n1' },
        old: { status: 'failed', reason: 'x' },
      },
    });
    expect(moved.map((s) => s.id)).toEqual(['old', 'phone']);
  });

  it('when the transfer context has a shape this code does not know, then the stored subscriptions stand', () => {
    expect(subscriptionsToMove(stored, { subscriptions: 'garbled', results: null })).toEqual(
      stored,
    );
  });
});

describe('partner of record', () => {
  it('when the PLA is verified, then info names the PartnerID; otherwise a blocker', () => {
    expect(partnerFindings({ mpnId: '1234567', plaVerified: true })).toEqual([
      expect.objectContaining({ code: 'partner_of_record_ready', severity: 'info' }),
    ]);
    expect(partnerFindings({ mpnId: '1234567', plaVerified: true })[0]?.detail).toContain(
      '1234567',
    );
    expect(partnerFindings({ mpnId: '1234567', plaVerified: false })).toEqual([
      expect.objectContaining({ code: 'partner_of_record_not_ready', severity: 'blocker' }),
    ]);
  });
});

describe('totals', () => {
  it('when findings are counted, then every code and severity appears, and blocked customers are those with a blocker', () => {
    const partner = partnerFindings({ mpnId: '1', plaVerified: false });
    const a = customerFindings(customer({ country: 'FR' }), settings);
    const b = customerFindings(customer({ mcaAcceptance: 'none' }), settings);
    const totals = tally(partner, [a, b, []]);
    expect(totals.customers).toBe(3);
    expect(totals.customersBlocked).toBe(1);
    expect(totals.bySeverity).toEqual({ blocker: 2, action: 1, info: 0 });
    expect(Object.keys(totals.byCode).sort()).toEqual([...preflightCodeList].sort());
    expect(totals.byCode.customer_region_mismatch).toBe(1);
    expect(totals.byCode.partner_of_record_not_ready).toBe(1);
    expect(totals.byCode.gdap_required).toBe(0);
  });
});
