import { z } from 'zod';
import type { Core } from './core.ts';
import { fail } from './failures.ts';
import type { Account, Customer } from './state.ts';

/** Partner Center's ids are GUIDs; a path segment that is not one names nothing. */
export const guid = z.guid();

/** A string a person wrote: trimmed, not empty, bounded. */
export const text = (max: number) => z.string().trim().min(1).max(max);

export function customerOf(core: Core, customerTenantId: string): Customer {
  const customer = core.state.customers.get(customerTenantId);
  if (!customer) throw fail.notFound(`Customer ${customerTenantId}`);
  return customer;
}

/** The customer's direct partner, or a partner the customer accepted a relationship with. */
export function isRelated(customer: Customer, tenantId: string): boolean {
  return (
    customer.partnerTenantId === tenantId ||
    customer.relationships.some((r) => r.partnerTenantId === tenantId)
  );
}

/** The customer, when the caller may act on it (404 unknown, 403 unrelated). */
export function relatedCustomer(core: Core, customerTenantId: string, account: Account): Customer {
  const customer = customerOf(core, customerTenantId);
  if (!isRelated(customer, account.tenantId)) {
    throw fail.noRelationship(account.tenantId, customer.tenantId);
  }
  return customer;
}

/** A collection as Partner Center lists one. */
export function collection<T>(items: T[], selfUri: string) {
  return {
    totalCount: items.length,
    items,
    links: { self: { uri: selfUri, method: 'GET', headers: [] as unknown[] } },
    attributes: { objectType: 'Collection' },
  };
}
