import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AnyMachineSnapshot } from 'xstate';
import type { McaReacceptanceContext } from '../../../machines/mca-reacceptance/mca-reacceptance.machine.ts';
import type { SubscriptionTransferContext } from '../../../machines/subscription-transfer/subscription-transfer.machine.ts';
import type { PartnerCenterEvidence } from '../../engine/engine.ts';
import type { SubscriptionRow } from '../../store/customers.ts';
import type { ResourceRow } from '../../store/partner-center-links.ts';
import { newestResource } from '../../store/partner-center-links.ts';
import type { WorkflowRow } from '../../store/workflows.ts';
import {
  newCommerceTransferType,
  PartnerCenterError,
  type Answered,
  type Migration,
  type PartnerCenter,
  type Transfer,
  type TransferLineItem,
} from '../partner-center.ts';
import { callIds, type CallMessage } from './call-message.ts';
import { gdapDisplayName, requestGdapRelationship } from './gdap-request.ts';
import { MoveNotReady, subscriptionsById, type MoveFacts } from './move-facts.ts';
import { transferSettled } from './observe.ts';

/** An event to apply, derived from the workflow as it stands under its lock. */
export type Derive = (
  row: WorkflowRow,
  snapshot: AnyMachineSnapshot,
) => ReadonlyArray<{ type: string } & Record<string, unknown>>;

/** What a step did in Partner Center, ready to be recorded in one transaction. */
export interface StepDone {
  evidence: PartnerCenterEvidence;
  derive: Derive;
  resources: Array<Omit<ResourceRow, 'settled_at' | 'updated_at'>>;
  /** Resources known already whose standing the step changed. */
  settles?: Array<{ resource: Pick<ResourceRow, 'kind' | 'id'>; status: string; settled: boolean }>;
}

/** The state a step belongs to: once the workflow has left it, the step is not carried out. */
export const stepState: Record<CallMessage['operation'], string> = {
  migrateLegacySubscriptions: 'detailsReview',
  createTransfer: 'awaitingTransferRequest',
  submitTransfer: 'sourceReview',
  recordAgreement: 'accepted',
  requestGdap: 'awaitingGdap',
  cancelTransfer: 'cancelled',
};

/**
 * Whether a step is still to be carried out, the workflow standing as it does now. A step
 * that records what an event attested follows that event; a cancellation is due for a
 * transfer called off, or one waiting for a request (the one Partner Center made was refused).
 */
export function stillDue(
  operation: CallMessage['operation'],
  workflow: Pick<WorkflowRow, 'state' | 'status'>,
): boolean {
  switch (operation) {
    case 'recordAgreement':
      return workflow.state === stepState.recordAgreement;
    case 'cancelTransfer':
      return workflow.state === 'cancelled' || workflow.state === stepState.createTransfer;
    default:
      return workflow.status === 'active' && workflow.state === stepState[operation];
  }
}

/**
 * The roles a provider asks for in GDAP when it needs admin rights: the least that lets it
 * support licences and users. Microsoft's built-in role template ids.
 */
export const gdapRoles = [
  { name: 'Directory Readers', roleDefinitionId: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b' },
  { name: 'User Administrator', roleDefinitionId: 'fe930be7-5e62-47db-91af-98c3a49a38b1' },
  { name: 'License Administrator', roleDefinitionId: '4d6ac14f-3453-41d0-bef9-a3e0c569773a' },
] as const;
/** The longest GDAP relationship Partner Center grants. */
export const gdapDurationDays = 730;

const only =
  (state: string, events: ReturnType<Derive>): Derive =>
  (row) =>
    row.state === state ? events : [];

type Context = SubscriptionTransferContext;

function requestCreated(
  transfer: Pick<
    Transfer,
    'customerEmailId' | 'sourcePartnerTenantId' | 'partnerOnRecord' | 'expirationTime'
  >,
) {
  return {
    type: 'TRANSFER_REQUEST_CREATED',
    customerEmail: transfer.customerEmailId,
    sourcePartnerTenantId: transfer.sourcePartnerTenantId,
    partnerOnRecord: transfer.partnerOnRecord,
    expiresAt: transfer.expirationTime,
  };
}

/**
 * The events a step's answer will bring, as far as they can be told before the call, for the
 * worker to rehearse: Partner Center is not asked to make what the workflow would refuse to
 * record. Only the transfer request has rules that facts beyond the workflow can break (the
 * partner of record and its PLA).
 */
export function rehearsal(message: CallMessage, facts: MoveFacts, now: Date): Derive | undefined {
  if (message.operation !== 'createTransfer') return undefined;
  return only(stepState.createTransfer, [
    requestCreated({
      customerEmailId: facts.customer.bill_to.email,
      sourcePartnerTenantId: facts.partner.tenant_id,
      partnerOnRecord: facts.partner.mpn_id,
      expirationTime: new Date(now.getTime() + transferRequestLifetimeMs).toISOString(),
    }),
  ]);
}

/** How long Partner Center keeps a transfer request open: 30 days. */
const transferRequestLifetimeMs = 30 * 24 * 60 * 60 * 1000;

/** Partner Center's code for a partner with no relationship to the customer (403). */
const noRelationshipCode = '20002';

/** Carries out one step of a connected workflow in Partner Center. */
export async function carryOut(
  pc: PartnerCenter,
  db: Knex,
  message: CallMessage,
  facts: MoveFacts,
  now: Date,
): Promise<StepDone | undefined> {
  const context = facts.workflow.snapshot.context as Record<string, unknown>;
  const resource = (kind: ResourceRow['kind'], id: string, status: string, subject?: string) => ({
    kind,
    id,
    workflow_id: facts.workflow.id,
    customer_tenant_id: facts.customer.tenant_id,
    acting_kind: kind === 'migration' ? ('partner' as const) : ('provider' as const),
    acting_id: kind === 'migration' ? facts.partner.id : facts.providerId,
    subject: subject ?? null,
    status,
    created_at: now,
  });
  const evidence = (answered: Answered<unknown>, resourceId?: string): PartnerCenterEvidence => ({
    operation: message.operation,
    ...answered.ids,
    ...(resourceId ? { resourceId } : {}),
  });

  switch (message.operation) {
    case 'createTransfer': {
      const { partner, customer } = facts;
      const answered = await pc.createTransfer(
        facts.asProvider,
        customer.tenant_id,
        {
          sourcePartnerTenantId: partner.tenant_id,
          sourcePartnerName: partner.name,
          customerEmailId: customer.bill_to.email,
          customerName: customer.name,
          targetPartnerTenantId: facts.asProvider.tenantId,
          partnerOnRecord: partner.mpn_id,
          transferType: newCommerceTransferType,
        },
        callIds(message),
      );
      const transfer = answered.body;
      return {
        evidence: evidence(answered, transfer.id),
        derive: only(stepState.createTransfer, [requestCreated(transfer)]),
        resources: [resource('transfer', transfer.id, transfer.status)],
      };
    }
    case 'submitTransfer': {
      const transfer = await newestResource(db, facts.workflow.id, 'transfer');
      if (!transfer) throw new MoveNotReady('no transfer request was created for this workflow');
      const { confirmedIds, subscriptions } = context as Context;
      const stored = await subscriptionsById(db, facts.customer.id);
      const answered = await pc.submitTransfer(
        facts.asPartner,
        facts.customer.tenant_id,
        transfer.id,
        lineItems(confirmedIds, subscriptions, stored, facts.partner.mpn_id),
        callIds(message),
      );
      return {
        evidence: evidence(answered, transfer.id),
        derive: only(stepState.submitTransfer, [
          { type: 'TRANSFER_SUBMITTED', subscriptionIds: confirmedIds },
        ]),
        resources: [],
      };
    }
    case 'migrateLegacySubscriptions': {
      const { subscriptions } = context as Context;
      const stored = await subscriptionsById(db, facts.customer.id);
      const legacy = subscriptions.filter((s) => s.kind === 'legacy_license');
      if (legacy.length === 0) return undefined;
      const made: StepDone['resources'] = [];
      let last: Answered<Migration> | undefined;
      for (const subscription of legacy) {
        // Found by the subscription's own id, a migration an earlier attempt made is not made
        // again even where Partner Center no longer knows that attempt's MS-RequestId (a repeat
        // it did not know would find the subscription underway or migrated, and skip it).
        // A read, under a fresh request id: no answer kept under an old one can be stale.
        const found = await pc.findMigrations(
          facts.asPartner,
          facts.customer.tenant_id,
          subscription.id,
          {
            requestId: randomUUID(),
            correlationId: message.correlationId,
          },
        );
        const underway = found.body.find((m) => m.status !== 'Failed');
        if (underway) {
          last = { body: underway, ids: found.ids };
          made.push(resource('migration', underway.id, underway.status, subscription.id));
          continue;
        }
        const request = {
          currentSubscriptionId: subscription.id,
          termDuration: 'P1Y',
          billingCycle: pcBillingCycle(subscription.billingCycle),
          purchaseFullTerm: false,
          quantity: stored.get(subscription.id)?.quantity ?? 1,
        };
        const validated = await pc.validateMigration(
          facts.asPartner,
          facts.customer.tenant_id,
          request,
          callIds(message, `validate ${subscription.id}`),
        );
        // One that cannot migrate stays legacy; the preflight and the confirmation say why.
        if (!validated.body.isEligible) continue;
        last = await pc.createMigration(
          facts.asPartner,
          facts.customer.tenant_id,
          request,
          callIds(message, `migrate ${subscription.id}`),
        );
        const migration = last.body;
        made.push(resource('migration', migration.id, migration.status, subscription.id));
      }
      if (!last) return undefined;
      return { evidence: evidence(last), derive: () => [], resources: made };
    }
    case 'requestGdap': {
      const { relationship, answered } = await requestGdapRelationship(
        pc,
        facts.asProvider,
        {
          displayName: gdapDisplayName(facts.customer.name, facts.workflow.id, message.requestId),
          duration: `P${gdapDurationDays}D`,
          customer: { tenantId: facts.customer.tenant_id },
          accessDetails: {
            unifiedRoles: gdapRoles.map((r) => ({ roleDefinitionId: r.roleDefinitionId })),
          },
        },
        message,
      );
      return {
        evidence: evidence(answered, relationship.id),
        derive: only(stepState.requestGdap, [
          {
            type: 'GDAP_REQUESTED',
            roles: gdapRoles.map((r) => r.name),
            durationDays: gdapDurationDays,
          },
        ]),
        resources: [resource('gdap', relationship.id, relationship.status)],
      };
    }
    case 'cancelTransfer': {
      const open = await newestResource(db, facts.workflow.id, 'transfer');
      const transferId =
        message.transferId ?? (open && open.settled_at === null ? open.id : undefined);
      // Nothing was asked of Partner Center, or what was asked has run its course.
      if (transferId === undefined) return undefined;
      const answered = await cancelUnlessClosed(pc, facts, transferId, message);
      return {
        evidence: evidence(answered, transferId),
        derive: () => [],
        resources: [],
        settles: [
          {
            resource: { kind: 'transfer', id: transferId },
            status: answered.body.status,
            settled: transferSettled(answered.body),
          },
        ],
      };
    }
    case 'recordAgreement': {
      const { acceptance } = context as McaReacceptanceContext;
      if (!acceptance?.acceptedBy || acceptance.channel !== 'provider') return undefined;
      // A provider the customer has not yet accepted may not record its agreement, and
      // Partner Center would keep that refusal as this request id's answer. So the record
      // waits, read by read, for the relationship (seen as the partner, as the poll does).
      const relationships = await pc.listRelationships(facts.asPartner, facts.customer.tenant_id, {
        requestId: randomUUID(),
        correlationId: message.correlationId,
      });
      if (!relationships.body.some((r) => r.id === facts.asProvider.tenantId)) {
        throw new MoveNotReady("the customer has not accepted the provider's relationship yet");
      }
      const template = await pc.getMcaTemplate(facts.asProvider, callIds(message, 'template'));
      try {
        await pc.createAgreement(
          facts.asProvider,
          facts.customer.tenant_id,
          {
            primaryContact: acceptance.acceptedBy,
            dateAgreed: acceptance.dateAgreed,
            templateId: template.body.templateId,
            type: 'MicrosoftCustomerAgreement',
          },
          callIds(message, 'create'),
        );
      } catch (error) {
        if (!(error instanceof PartnerCenterError)) throw error;
        // The relationship was listed but not yet known to the agreements: wait, as above.
        if (error.code === noRelationshipCode) {
          throw new MoveNotReady(
            `the customer has not accepted the provider's reseller relationship yet (${error.code})`,
          );
        }
        // Already on record in Partner Center: what this step was to achieve.
        if (error.code !== '600061') throw error;
      }
      return undefined;
    }
  }
}

/**
 * Cancels a transfer request as its target. Only an active request can be cancelled; one
 * already submitted, completed or lapsed has nothing left to call off, and its standing is
 * the answer.
 */
async function cancelUnlessClosed(
  pc: PartnerCenter,
  facts: MoveFacts,
  transferId: string,
  message: CallMessage,
): Promise<Answered<Transfer>> {
  const tenant = facts.customer.tenant_id;
  try {
    return await pc.cancelTransfer(facts.asProvider, tenant, transferId, callIds(message));
  } catch (error) {
    if (!(error instanceof PartnerCenterError) || error.retryable) throw error;
    const read = await pc.getTransfer(
      facts.asProvider,
      tenant,
      transferId,
      callIds(message, 'read'),
    );
    if (read.body.status === 'Active') throw error;
    return read;
  }
}

/** Our billing cycle as Partner Center spells it. */
export function pcBillingCycle(cycle: string | null): string {
  switch (cycle) {
    case 'monthly':
      return 'Monthly';
    case 'annual':
      return 'Annual';
    case 'triennial':
      return 'Triennial';
    case 'one_time':
      return 'OneTime';
    default:
      return 'None';
  }
}

/**
 * The lines of a submission: each confirmed base subscription with its confirmed add-ons in
 * `addOnItems`, and an add-on whose base already moved on a line of its own.
 */
export function lineItems(
  confirmedIds: readonly string[],
  subscriptions: Context['subscriptions'],
  stored: ReadonlyMap<string, SubscriptionRow>,
  partnerIdOnRecord: string,
): TransferLineItem[] {
  const confirmed = new Set(confirmedIds);
  const chosen = subscriptions.filter((s) => confirmed.has(s.id));
  let next = 0;
  const line = (s: Context['subscriptions'][number]): TransferLineItem => ({
    id: (next += 1) - 1,
    subscriptionId: s.id,
    quantity: stored.get(s.id)?.quantity ?? 1,
    billingCycle: pcBillingCycle(s.billingCycle),
    friendlyName: stored.get(s.id)?.offer ?? s.id,
    partnerIdOnRecord,
  });
  const lines: TransferLineItem[] = [];
  for (const s of chosen) {
    if (s.baseSubscriptionId !== null && confirmed.has(s.baseSubscriptionId)) continue;
    const item = line(s);
    const addOns = chosen.filter((a) => a.baseSubscriptionId === s.id).map(line);
    lines.push(addOns.length > 0 ? { ...item, addOnItems: addOns } : item);
  }
  return lines;
}
