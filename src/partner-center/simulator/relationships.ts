import type { Router } from 'express';
import { collection, customerOf, relatedCustomer } from './access.ts';
import { announce, recordWork, type Core } from './core.ts';
import { fail } from './failures.ts';
import { defineOperation } from './pipeline.ts';
import type { RelationshipType } from './state.ts';

/**
 * `GET /v1/customers/{id}/relationships` lists the partners the customer accepted, as
 * PartnerRelationship resources; the documented example spells the type in snake case
 * (`is_indirect_cloud_solution_provider_of`).
 */
export function relationshipRoutes(router: Router, core: Core): void {
  defineOperation(
    router,
    core,
    {
      name: 'listRelationships',
      method: 'get',
      path: '/v1/customers/:customerId/relationships',
      api: 'partnerCenter',
    },
    (call) => {
      const customer = relatedCustomer(core, call.params.customerId ?? '', call.account);
      const items = customer.relationships.map((r) => {
        const partner = core.state.accounts.get(r.partnerTenantId);
        return {
          id: r.partnerTenantId,
          name: partner?.name ?? '',
          relationshipType: r.relationshipType,
          mpnId: partner?.mpnId ?? '',
          state: 'active',
          attributes: { objectType: 'PartnerRelationship' },
        };
      });
      return {
        status: 200,
        body: collection(items, `/customers/${customer.tenantId}/relationships`),
      };
    },
  );
}

/**
 * The customer accepts the provider and, through it, the indirect reseller. The provider hears
 * `reseller-relationship-accepted-by-customer` (it is now the customer's CSP reseller); the
 * reseller hears `indirect-reseller-relationship-accepted-by-customer`. Accepting again changes
 * nothing and sends nothing.
 */
export function acceptRelationship(
  core: Core,
  customerTenantId: string,
  providerTenantId: string,
  resellerTenantId: string,
): { accepted: boolean } {
  const customer = customerOf(core, customerTenantId);
  for (const tenantId of [providerTenantId, resellerTenantId]) {
    if (!core.state.accounts.has(tenantId)) throw fail.notFound(`Account ${tenantId}`);
  }
  const at = core.now().toISOString();
  const add = (partnerTenantId: string, relationshipType: RelationshipType): boolean => {
    const known = customer.relationships.some(
      (r) => r.partnerTenantId === partnerTenantId && r.relationshipType === relationshipType,
    );
    if (!known) customer.relationships.push({ partnerTenantId, relationshipType, acceptedAt: at });
    return !known;
  };
  const providerNew = add(providerTenantId, 'is_indirect_cloud_solution_provider_of');
  const resellerNew = add(resellerTenantId, 'is_indirect_reseller_of');
  const resource = {
    uri: `/v1/customers/${customer.tenantId}/relationships`,
    name: 'Relationship',
  };
  if (providerNew) {
    recordWork(core, 'acceptProviderRelationship', providerTenantId, customer.tenantId);
    announce(core, [providerTenantId], 'reseller-relationship-accepted-by-customer', resource);
  }
  if (resellerNew) {
    recordWork(core, 'acceptResellerRelationship', resellerTenantId, customer.tenantId);
    announce(
      core,
      [resellerTenantId],
      'indirect-reseller-relationship-accepted-by-customer',
      resource,
    );
  }
  return { accepted: providerNew || resellerNew };
}
