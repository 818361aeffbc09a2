import type { Knex } from 'knex';
import type { CustomerRow, SubscriptionRow } from '../../store/customers.ts';
import { findCustomer, subscriptionsOf } from '../../store/moves.ts';
import type { Account } from '../../store/partner-center-links.ts';
import { findPartner, type PartnerRow } from '../../store/partners.ts';
import type { WorkflowRow } from '../../store/workflows.ts';
import type { PartnerCenterCredentials } from '../partner-center.ts';

/** Reads the stored credentials of a partner or provider; undefined when none are registered. */
export type CredentialsOf = (
  db: Knex,
  account: Account,
) => Promise<PartnerCenterCredentials | undefined>;

/** What a step in Partner Center needs to know of one customer's move. */
export interface MoveFacts {
  workflow: WorkflowRow;
  partner: PartnerRow;
  customer: CustomerRow;
  /** The source: the partner moving off direct bill. */
  asPartner: PartnerCenterCredentials;
  /** The target: the indirect provider. */
  asProvider: PartnerCenterCredentials;
  providerId: string;
}

/** Why a step cannot be carried out now; the worker tries it again later. */
export class MoveNotReady extends Error {}

export async function loadMoveFacts(
  db: Knex,
  workflow: WorkflowRow,
  credentialsOf: CredentialsOf,
): Promise<MoveFacts> {
  const providerId = workflow.provider_id;
  if (workflow.customer_id === null || providerId === null) {
    throw new MoveNotReady(`workflow ${workflow.id} concerns no customer and provider`);
  }
  const [partner, customer, asPartner, asProvider] = await Promise.all([
    findPartner(db, workflow.partner_id),
    findCustomer(db, workflow.partner_id, workflow.customer_id),
    credentialsOf(db, { kind: 'partner', id: workflow.partner_id }),
    credentialsOf(db, { kind: 'provider', id: providerId }),
  ]);
  if (!partner || !customer) throw new MoveNotReady(`workflow ${workflow.id} lost its customer`);
  if (!asPartner || !asProvider) {
    throw new MoveNotReady(`the partner or provider of workflow ${workflow.id} is not connected`);
  }
  return { workflow, partner, customer, asPartner, asProvider, providerId };
}

export async function subscriptionsById(
  db: Knex,
  customerId: string,
): Promise<Map<string, SubscriptionRow>> {
  return new Map((await subscriptionsOf(db, customerId)).map((s) => [s.id, s]));
}
