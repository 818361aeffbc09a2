// As a namespace, zod leaves its unused parts (its locales) out of the console's bundle.
import * as z from 'zod';
import { apiSchema } from './api-schema.ts';
import {
  billingCycles,
  subscriptionKinds,
  subscriptionStatuses,
} from '../../machines/subscription-transfer/subscription-terms.ts';
import { dbInt } from './numbers.ts';

/**
 * The customers an import takes, apart from the other schemas so that the console's CSV reader
 * checks a file with the very rules this server applies (it bundles this module, and nothing
 * of the machines that `schemas.ts` describes).
 */

/** ISO 3166-1 alpha-2, stored upper-case. */
export const region = z
  .string()
  .regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code such as US or DE')
  .transform((r) => r.toUpperCase());

export const name = z.string().trim().min(1).max(200);

const subscription = apiSchema(
  'Subscription',
  z.strictObject({
    id: z.string().trim().min(1).max(100),
    offer: z.string().trim().min(1).max(200),
    kind: z.enum(subscriptionKinds),
    quantity: dbInt.min(0),
    baseSubscriptionId: z.string().min(1).max(100).optional(),
    status: z
      .enum(subscriptionStatuses)
      .default('active')
      .describe('Only an active subscription can transfer; a trial cannot.'),
    termEndDate: z.iso
      .date()
      .optional()
      .describe('The day the current term ends (YYYY-MM-DD); a transfer keeps it.'),
    billingCycle: z
      .enum(billingCycles)
      .optional()
      .describe('How the subscription is billed; a transfer keeps it.'),
    transferEligible: z
      .boolean()
      .default(false)
      .describe(
        'For a marketplace_saas item: its publisher allows a transfer. Without it the customer cancels it and buys it again through the provider.',
      ),
  }),
);

export const customerFields = {
  name,
  tenantId: z.uuid(),
  acquiredAs: z.enum(['direct_bill', 'indirect_reseller']),
  mcaAcceptance: z.enum(['none', 'partner_attestation', 'admin_center']),
  billTo: z.strictObject({
    companyName: z.string().trim().min(1).max(200),
    email: z.email(),
    country: region,
    address: z.string().max(500).optional(),
  }),
  subscriptions: z.array(subscription).max(1000).default([]),
};

export const customerInput = apiSchema(
  'CustomerInput',
  z.strictObject({ ...customerFields, providerNeedsAdmin: z.boolean().optional() }),
);
export type CustomerInput = z.infer<typeof customerInput>;
/** What the import route takes before zod's defaults: the body a client sends. */
export type CustomerInputBody = z.input<typeof customerInput>;
export const maxImport = 10_000;
export const customerImport = z.union([
  customerInput,
  z.array(customerInput).min(1).max(maxImport),
]);
