import { readFileSync } from 'node:fs';
import type { AnyMachineSnapshot } from 'xstate';
import { describe, expect, it } from 'vitest';
import { partnerCenterOperations } from '../machines/common.ts';
import { definitions } from '../machines/registry.ts';
import { customerSteps, transitionSteps } from '../src/engine/automation.ts';
import {
  gdapEvents,
  mcaEvents,
  migrationEvents,
  relationshipEvents,
  transferEvents,
} from '../src/partner-center/connected/observe.ts';
import { stepState } from '../src/partner-center/connected/steps.ts';
import type { GdapRelationship } from '../src/partner-center/partner-center.ts';
import { transferFixture } from './partner-center-fixtures.ts';
import type { WorkflowRow } from '../src/store/workflows.ts';

const row = (machine: string, state: string) => ({ machine, state }) as WorkflowRow;
const snapshotWith = (context: Record<string, unknown>) => ({ context }) as AnyMachineSnapshot;
const named = (how: string) =>
  customerSteps.filter((s) => s.connected === how).map((s) => `${s.machine}.${s.event}`);

describe('the customer steps of a connected transition', () => {
  it('when Partner Center is called, then its answer is the step the calling state waits for', () => {
    expect(
      customerSteps
        .filter((s) => s.connected === 'call')
        .map((s) => [s.machine, s.event, s.operation]),
    ).toEqual([
      ['resellerRelationship', 'GDAP_REQUESTED', 'requestGdap'],
      ['subscriptionTransfer', 'SUBSCRIPTION_MIGRATED', 'migrateLegacySubscriptions'],
      ['subscriptionTransfer', 'TRANSFER_REQUEST_CREATED', 'createTransfer'],
      ['subscriptionTransfer', 'TRANSFER_SUBMITTED', 'submitTransfer'],
    ]);
  });

  it('when Partner Center sees a step happen, then it reports it; the rest is attested by hand', () => {
    expect(named('report')).toEqual([
      'resellerRelationship.RELATIONSHIP_ACCEPTED',
      'resellerRelationship.INVITATION_ACCEPTED',
      'resellerRelationship.GDAP_APPROVED',
      'resellerRelationship.GDAP_ACTIVATED',
      'resellerRelationship.GDAP_EXPIRED',
      'resellerRelationship.GDAP_TERMINATED',
      'mcaReacceptance.ACCEPTED_IN_ADMIN_CENTER',
      'subscriptionTransfer.TRANSFER_REQUEST_EXPIRED',
      'subscriptionTransfer.SUBSCRIPTION_TRANSFERRED',
      'subscriptionTransfer.SUBSCRIPTION_TRANSFER_FAILED',
    ]);
    expect(named('hand')).toEqual([
      'resellerRelationship.USE_EXTENSION',
      'resellerRelationship.USE_INVITATION',
      'resellerRelationship.CONSENT_GRANTED',
      'resellerRelationship.CONSENT_DECLINED',
      'resellerRelationship.BILL_TO_SHARING_CONFIRMED',
      'resellerRelationship.CONSENT_REVOKED',
      'mcaReacceptance.ACCEPTANCE_REQUESTED',
      'mcaReacceptance.ACCEPTANCE_RECORDED',
      'subscriptionTransfer.CUSTOMER_AGREED',
      'subscriptionTransfer.DETAILS_CONFIRMED',
      'subscriptionTransfer.RETRY',
      'subscriptionTransfer.CANCEL',
    ]);
  });

  it('when the provider records an MCA acceptance or a transfer is called off, then it is by hand and also written to Partner Center', () => {
    expect(
      customerSteps
        .filter((s) => s.alsoRecordedInPartnerCenter)
        .map((s) => [s.machine, s.event, s.connected]),
    ).toEqual([
      ['mcaReacceptance', 'ACCEPTANCE_RECORDED', 'hand'],
      ['subscriptionTransfer', 'CANCEL', 'hand'],
    ]);
  });

  it('when the steps are listed, then each event a client or Partner Center may send is there once, and no timer alone', () => {
    const expected = ['resellerRelationship', 'mcaReacceptance', 'subscriptionTransfer'].flatMap(
      (machine) =>
        Object.entries(definitions.get(machine)!.events)
          .filter(([, spec]) => spec.roles.some((r) => r !== 'system'))
          .map(([event]) => `${machine}.${event}`),
    );
    expect(customerSteps.map((s) => `${s.machine}.${s.event}`)).toEqual(expected);
    expect(customerSteps.map((s) => s.event)).not.toContain('REMINDER_DUE');
  });
});

describe('the steps as one transition sees them', () => {
  it('when connected, then calls and reports are automated, and the steps are described', () => {
    const steps = transitionSteps(true);
    expect(steps).toHaveLength(customerSteps.length);
    for (const step of steps) {
      expect(step.automated, step.event).toBe(step.how !== 'hand');
      expect(step.description.length).toBeGreaterThan(0);
    }
    expect(steps.find((s) => s.event === 'TRANSFER_SUBMITTED')).toMatchObject({
      machine: 'subscriptionTransfer',
      how: 'call',
      automated: true,
    });
    expect(steps.find((s) => s.event === 'ACCEPTANCE_RECORDED')).toMatchObject({
      how: 'hand',
      automated: false,
      alsoRecordedInPartnerCenter: true,
    });
  });

  it('when not connected, then every step is by hand, and one only a timer sends is left out', () => {
    const steps = transitionSteps(false);
    expect(steps.every((s) => s.how === 'hand' && !s.automated)).toBe(true);
    expect(steps.some((s) => s.alsoRecordedInPartnerCenter)).toBe(false);
    expect(steps.map((s) => s.event)).not.toContain('TRANSFER_REQUEST_EXPIRED');
    expect(steps).toHaveLength(customerSteps.length - 1);
  });
});

describe('the steps agree with what the connected worker does', () => {
  it('when a machine declares a call, then the steps account for it', () => {
    const accounted = new Set(customerSteps.map((s) => s.operation).filter((o) => o !== null));
    // The calls with no answer: they write what ACCEPTANCE_RECORDED and a transfer's CANCEL
    // attest.
    accounted.add('recordAgreement');
    accounted.add('cancelTransfer');
    expect([...accounted].sort()).toEqual([...partnerCenterOperations].sort());
  });

  it("when a call's answer is applied, then it is in the state the worker carries that call out in", () => {
    for (const step of customerSteps.filter((s) => s.connected === 'call')) {
      const machine = definitions.get(step.machine)!.machine;
      const state = machine.root.states[stepState[step.operation!]];
      expect(state?.transitions.has(step.event), step.event).toBe(true);
    }
  });

  it('when Partner Center reports anything, then it is a step reported or answered, and every such step is reported', () => {
    const line = { quantity: 1, billingCycle: 'Monthly', friendlyName: 'M365' };
    const lines = transferFixture({
      lineItems: [
        {
          ...line,
          id: 0,
          subscriptionId: 'a',
          partnerIdOnRecord: '1234567',
          status: 'Complete',
          transferredSubscriptionId: 'a-new',
        },
        { ...line, id: 1, subscriptionId: 'b', partnerIdOnRecord: '1234567', status: 'Failed' },
      ],
    });
    const gdap = (status: GdapRelationship['status']) =>
      gdapEvents({ status } as GdapRelationship)(
        row('resellerRelationship', 'gdapRequested'),
        snapshotWith({}),
      );
    const seen = [
      ...transferEvents(transferFixture({ status: 'Expired' }), true)(
        row('subscriptionTransfer', 'sourceReview'),
        snapshotWith({}),
      ),
      ...transferEvents(lines, true)(
        row('subscriptionTransfer', 'transferring'),
        snapshotWith({ results: { a: { status: 'pending' }, b: { status: 'pending' } } }),
      ),
      ...migrationEvents({ status: 'Completed', newCommerceSubscriptionId: 'x-new' } as never, 'x')(
        row('subscriptionTransfer', 'detailsReview'),
        snapshotWith({ subscriptions: [{ id: 'x', kind: 'legacy_license' }] }),
      ),
      ...gdap('active'),
      ...gdap('expired'),
      ...gdap('terminated'),
      ...relationshipEvents(true)(
        row('resellerRelationship', 'awaitingCustomerAcceptance'),
        snapshotWith({}),
      ),
      ...relationshipEvents(true)(row('resellerRelationship', 'invitationSent'), snapshotWith({})),
      ...mcaEvents(true, '2026-11-23')(
        row('mcaReacceptance', 'awaitingAcceptance'),
        snapshotWith({}),
      ),
    ].map((e) => e.type);
    const reported = new Set(seen);
    const automated = customerSteps.filter((s) => s.connected !== 'hand');
    for (const type of reported) {
      expect(
        automated.some((s) => s.event === type),
        type,
      ).toBe(true);
    }
    expect(
      customerSteps
        .filter((s) => s.connected === 'report')
        .map((s) => s.event)
        .filter((e) => !reported.has(e)),
    ).toEqual([]);
  });
});

describe("the README's table of connected mode", () => {
  it('when the README lists the steps, then it lists every one, in order, as the machines have it', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.split('\n## Connected mode: what is automated\n')[1]?.split('\n## ')[0];
    if (!section) throw new Error('The README has no section on connected mode');
    const rows = section
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .slice(2)
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    expect(rows).toEqual(
      customerSteps.map((s) => [
        `\`${s.machine}\``,
        `\`${s.event}\``,
        s.connected === 'call'
          ? `call: \`${s.operation}\``
          : s.alsoRecordedInPartnerCenter
            ? 'hand, also recorded in Partner Center'
            : s.connected,
      ]),
    );
  });
});
