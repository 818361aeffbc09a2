import type { Knex } from 'knex';
import * as initialSchema from './20261122190000_initial_schema.ts';
import * as customerMoves from './20261122200000_customer_moves.ts';
import * as appendOnlyHistory from './20261122210000_append_only_history.ts';
import * as consents from './20261122220000_consents.ts';
import * as moveInvariants from './20261123090000_move_invariants.ts';
import * as timerAttempts from './20261123100000_timer_attempts.ts';
import * as principalTokens from './20261123110000_principal_tokens.ts';
import * as deferrableParentReference from './20261123120000_deferrable_parent_reference.ts';
import * as customerTableIndex from './20261124090000_customer_table_index.ts';
import * as webhooks from './20261125090000_webhooks.ts';
import * as subscriptionTerms from './20261126090000_subscription_terms.ts';
import * as partnerCenterConnections from './20261127090000_partner_center_connections.ts';

interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Migrations listed in code rather than discovered on disk, so that they load the same way
 * under tsx, vitest and a bundled build. Append new ones at the end.
 */
const migrations: ReadonlyArray<readonly [string, Migration]> = [
  ['20261122190000_initial_schema', initialSchema],
  ['20261122200000_customer_moves', customerMoves],
  ['20261122210000_append_only_history', appendOnlyHistory],
  ['20261122220000_consents', consents],
  ['20261123090000_move_invariants', moveInvariants],
  ['20261123100000_timer_attempts', timerAttempts],
  ['20261123110000_principal_tokens', principalTokens],
  ['20261123120000_deferrable_parent_reference', deferrableParentReference],
  ['20261124090000_customer_table_index', customerTableIndex],
  ['20261125090000_webhooks', webhooks],
  ['20261126090000_subscription_terms', subscriptionTerms],
  ['20261127090000_partner_center_connections', partnerCenterConnections],
];

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: () => Promise.resolve(migrations.map(([name]) => name)),
  getMigrationName: (name) => name,
  getMigration: (name) => {
    const found = migrations.find(([n]) => n === name);
    if (!found) throw new Error(`Unknown migration ${name}`);
    return Promise.resolve(found[1]);
  },
};
