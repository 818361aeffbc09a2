import type { Knex } from 'knex';
import type { EventFacts, FactName } from '../../machines/common.ts';
import { findCustomer, findOutcome, latestChildren } from '../store/moves.ts';
import { findPartner, partnerPlaVerified } from '../store/partners.ts';
import { findProvider } from '../store/providers.ts';
import type { WorkflowRow } from '../store/workflows.ts';
import { utcDate } from './time.ts';

function field(event: object, name: string): string | undefined {
  const value = (event as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Looks up the facts an event asks for, as of now, inside the event's transaction. */
export async function loadFacts(
  tx: Knex,
  names: readonly FactName[],
  event: object,
  row: WorkflowRow,
  now: Date,
): Promise<EventFacts> {
  const facts: EventFacts = {};
  for (const name of names) {
    switch (name) {
      case 'today':
        facts.today = utcDate(now);
        break;
      case 'partner': {
        const partner = await findPartner(tx, row.partner_id);
        if (partner) {
          facts.partner = {
            cspRegion: partner.csp_region,
            tenantId: partner.tenant_id,
            mpnId: partner.mpn_id,
            plaVerified: await partnerPlaVerified(tx, partner, row.parent_id ?? row.id),
          };
        }
        break;
      }
      case 'provider': {
        // An event that names no provider concerns the workflow's own.
        const providerId = field(event, 'providerId') ?? row.provider_id ?? undefined;
        const provider = providerId === undefined ? undefined : await findProvider(tx, providerId);
        facts.provider = provider ? { id: provider.id, region: provider.region } : null;
        break;
      }
      case 'customer': {
        const customerId = field(event, 'customerId');
        const customer =
          customerId === undefined ? undefined : await findCustomer(tx, row.partner_id, customerId);
        facts.customer = customer
          ? {
              acquiredAs: customer.acquired_as,
              country: customer.bill_to.country,
              outcome: await findOutcome(tx, row.id, customer.id),
              children: await latestChildren(tx, row.id, customer.id),
            }
          : null;
        break;
      }
    }
  }
  return facts;
}
