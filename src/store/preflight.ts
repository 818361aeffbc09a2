import type { Knex } from 'knex';
import type { McaAcceptance, SubscriptionRow } from './customers.ts';
import { findPartner, type PartnerRow } from './partners.ts';
import { findProvider, type ProviderRow } from './providers.ts';

/** A customer of the partner still to move under a transition, with its newest workflows. */
export interface PreflightCustomerRow {
  id: string;
  name: string;
  tenant_id: string;
  mca_acceptance: McaAcceptance;
  provider_needs_admin: boolean;
  country: string;
  relationship_state: string | null;
  mca_state: string | null;
  /** The newest transfer's `context.subscriptions` and `context.results`, as stored. */
  transfer_subscriptions: unknown;
  transfer_results: unknown;
  /** A relationship of this customer under the transition has handed its bill-to over. */
  bill_to_shared: boolean;
}

export interface PreflightData {
  partner: PartnerRow;
  /** The chosen provider, once there is one. */
  provider: ProviderRow | undefined;
  /** `plaVerified` of the newest enrollment's profile; null before there is an enrollment. */
  enrollmentPlaVerified: boolean | null;
  /** In import order. */
  customers: PreflightCustomerRow[];
  /** Their subscriptions, by customer id, each list in the customer's order. */
  subscriptions: Map<string, SubscriptionRow[]>;
}

export interface PreflightTransition {
  id: string;
  partner_id: string;
  provider_id: string | null;
}

/**
 * Everything the preflight of a transition reads, in five statements whatever the number of
 * customers (the partner, the provider, the enrollment, the customers, their subscriptions),
 * inside one read-only transaction at repeatable read so that they all see the same moment
 * (an import running meanwhile shows entirely or not at all).
 *
 * The customers still to move are the partner's direct-bill ones without an outcome (moved or
 * excluded) under this transition. Their newest workflow of each machine comes from one
 * ordered scan of the index `workflows (parent_id, customer_id, machine, seq)`, as the
 * customer table reads it; whether any relationship handed the bill-to over is read in the
 * same pass, since once shared it stays shared.
 */
export async function loadPreflight(
  db: Knex,
  transition: PreflightTransition,
): Promise<PreflightData> {
  return db.transaction(
    async (tx) => {
      const partner = await findPartner(tx, transition.partner_id);
      if (!partner) throw new Error(`Partner ${transition.partner_id} is missing`);
      const provider = transition.provider_id
        ? await findProvider(tx, transition.provider_id)
        : undefined;
      const enrollment: { rows: Array<{ pla_verified: unknown }> } = await tx.raw(
        `SELECT snapshot->'context'->'profile'->'plaVerified' AS pla_verified
         FROM workflows WHERE parent_id = ? AND machine = 'enrollment'
         ORDER BY seq DESC LIMIT 1`,
        [transition.id],
      );
      const stillToMove = `c.partner_id = ? AND c.acquired_as = 'direct_bill'
        AND NOT EXISTS (SELECT 1 FROM customer_outcomes o
                        WHERE o.workflow_id = ? AND o.customer_id = c.id)`;

      const customers: { rows: PreflightCustomerRow[] } = await tx.raw(
        `WITH newest AS (
           SELECT DISTINCT ON (customer_id, machine) customer_id, machine, state,
             CASE WHEN machine = 'subscriptionTransfer'
               THEN snapshot->'context'->'subscriptions' END AS subscriptions,
             CASE WHEN machine = 'subscriptionTransfer'
               THEN snapshot->'context'->'results' END AS results,
             bool_or(machine = 'resellerRelationship'
               AND snapshot->'context'->>'billToShared' = 'true')
               OVER (PARTITION BY customer_id) AS bill_to_shared
           FROM workflows
           WHERE parent_id = ? AND customer_id IS NOT NULL
             AND machine IN ('resellerRelationship', 'mcaReacceptance', 'subscriptionTransfer')
           ORDER BY customer_id DESC, machine DESC, seq DESC
         ),
         children AS (
           SELECT customer_id,
             max(state) FILTER (WHERE machine = 'resellerRelationship') AS relationship_state,
             max(state) FILTER (WHERE machine = 'mcaReacceptance') AS mca_state,
             (array_agg(subscriptions) FILTER (WHERE machine = 'subscriptionTransfer'))[1]
               AS transfer_subscriptions,
             (array_agg(results) FILTER (WHERE machine = 'subscriptionTransfer'))[1]
               AS transfer_results,
             bool_or(bill_to_shared) AS bill_to_shared
           FROM newest GROUP BY customer_id
         )
         SELECT c.id, c.name, c.tenant_id, c.mca_acceptance, c.provider_needs_admin,
           c.bill_to->>'country' AS country, ch.relationship_state, ch.mca_state,
           ch.transfer_subscriptions, ch.transfer_results,
           coalesce(ch.bill_to_shared, false) AS bill_to_shared
         FROM customers c
         LEFT JOIN children ch ON ch.customer_id = c.id
         WHERE ${stillToMove}
         ORDER BY c.position`,
        [transition.id, transition.partner_id, transition.id],
      );

      const subscriptionRows: { rows: SubscriptionRow[] } = await tx.raw(
        `SELECT s.* FROM subscriptions s JOIN customers c ON c.id = s.customer_id
         WHERE ${stillToMove}
         ORDER BY c.position, s.position`,
        [transition.partner_id, transition.id],
      );
      const subscriptions = new Map<string, SubscriptionRow[]>();
      for (const s of subscriptionRows.rows) {
        const list = subscriptions.get(s.customer_id);
        if (list) list.push(s);
        else subscriptions.set(s.customer_id, [s]);
      }

      return {
        partner,
        provider,
        enrollmentPlaVerified:
          enrollment.rows.length === 0 ? null : enrollment.rows[0]?.pla_verified === true,
        customers: customers.rows,
        subscriptions,
      };
    },
    { isolationLevel: 'repeatable read', readOnly: true },
  );
}
