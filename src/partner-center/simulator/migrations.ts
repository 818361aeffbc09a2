import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { z } from 'zod';
import type { MigrationValidation } from '../partner-center.ts';
import { relatedCustomer, text } from './access.ts';
import { recordWork, type Core } from './core.ts';
import { fail, SimulatedFailure } from './failures.ts';
import { defineOperation, parse, type Call } from './pipeline.ts';
import type { Customer, StoredMigration, Subscription } from './state.ts';

const migrationSchema = z.object({
  currentSubscriptionId: text(128),
  termDuration: z.string().regex(/^P\d{1,2}[YMD]$/, 'expected an ISO 8601 term such as P1M or P1Y'),
  billingCycle: text(32),
  purchaseFullTerm: z.boolean(),
  quantity: z.number().int().min(1).max(1_000_000).optional(),
});
type MigrationInput = z.infer<typeof migrationSchema>;

const migrationQuerySchema = z
  .object({
    customertenantid: text(128).optional(),
    currentsubscriptionid: text(128).optional(),
    externalreferenceid: text(128).optional(),
    pagesize: z.coerce.number().int().min(1).max(1000).optional(),
  })
  .transform((q) => ({
    customerTenantId: q.customertenantid,
    currentSubscriptionId: q.currentsubscriptionid,
    externalReferenceId: q.externalreferenceid,
    pageSize: q.pagesize,
  }));

interface Eligibility {
  subscription: Subscription | undefined;
  /** The first reason it cannot migrate, as the failure a create would answer with. */
  refusal: SimulatedFailure | undefined;
}

function eligibility(
  core: Core,
  customer: Customer,
  call: Call,
  input: MigrationInput,
): Eligibility {
  const id = input.currentSubscriptionId.toLowerCase();
  const subscription = customer.subscriptions.find(
    (s) => s.id.toLowerCase() === id && s.status === 'active',
  );
  if (!subscription || subscription.partnerTenantId !== call.account.tenantId) {
    return { subscription, refusal: fail.subscriptionNotFound(input.currentSubscriptionId) };
  }
  if (!subscription.legacy) {
    return {
      subscription,
      refusal: fail.invalid(`Subscription ${subscription.id} is already new commerce.`),
    };
  }
  const underway = [...core.state.migrations.values()].some(
    (m) => m.currentSubscriptionId === subscription.id && m.status === 'Processing',
  );
  if (underway) {
    return {
      subscription,
      refusal: fail.conflict(`Subscription ${subscription.id} is already being migrated.`),
    };
  }
  return { subscription, refusal: undefined };
}

const catalogItemId = (s: Subscription, billingCycle: string) =>
  `${s.offerId}:0001:${billingCycle}`;

export function migrationRoutes(router: Router, core: Core): void {
  const base = '/v1/customers/:customerId/migrations/newcommerce';
  const api = 'partnerCenter' as const;

  defineOperation(
    router,
    core,
    { name: 'validateMigration', method: 'post', path: `${base}/validate`, api },
    (call) => {
      const input = parse(migrationSchema, call.body);
      const customer = relatedCustomer(core, call.params.customerId ?? '', call.account);
      const { subscription, refusal } = eligibility(core, customer, call, input);
      const answer: MigrationValidation & { catalogItemId?: string } = {
        currentSubscriptionId: input.currentSubscriptionId,
        isEligible: refusal === undefined,
        errors: refusal ? [{ code: Number(refusal.code), description: refusal.description }] : [],
      };
      if (subscription) answer.catalogItemId = catalogItemId(subscription, input.billingCycle);
      return { status: 200, body: answer };
    },
  );

  // Documented limit: 100 calls by one partner in 5 minutes (see options.ts).
  defineOperation(
    router,
    core,
    { name: 'createMigration', method: 'post', path: base, api, throttle: 'createMigration' },
    (call) => {
      const input = parse(migrationSchema, call.body);
      const customer = relatedCustomer(core, call.params.customerId ?? '', call.account);
      const { subscription, refusal } = eligibility(core, customer, call, input);
      if (refusal || !subscription)
        throw refusal ?? fail.subscriptionNotFound(input.currentSubscriptionId);
      const migration: StoredMigration = {
        id: randomUUID(),
        status: 'Processing',
        customerTenantId: customer.tenantId,
        currentSubscriptionId: subscription.id,
        partnerTenantId: call.account.tenantId,
        startedTime: call.now.toISOString(),
        request: input,
      };
      core.state.migrations.set(migration.id, migration);
      core.work.schedule(
        new Date(call.now.getTime() + core.options.migrationDelayMs),
        `complete migration ${migration.id}`,
        () => completeMigration(core, migration.id),
      );
      call.effect('createMigration', customer.tenantId);
      return { status: 201, body: present(migration, subscription) };
    },
  );

  defineOperation(
    router,
    core,
    { name: 'getMigration', method: 'get', path: `${base}/:migrationId`, api },
    (call) => {
      const customer = relatedCustomer(core, call.params.customerId ?? '', call.account);
      const migration = core.state.migrations.get(call.params.migrationId ?? '');
      if (
        !migration ||
        migration.customerTenantId !== customer.tenantId ||
        migration.partnerTenantId !== call.account.tenantId
      ) {
        throw fail.notFound(`Migration ${call.params.migrationId}`);
      }
      const subscription = customer.subscriptions.find(
        (s) => s.id === migration.currentSubscriptionId,
      );
      return { status: 200, body: present(migration, subscription) };
    },
  );

  // "Query new commerce migrations": the caller's own, by customer, current subscription or
  // batch; at least one of the three. The answer is a plain array, as the REST reference has it.
  defineOperation(
    router,
    core,
    { name: 'findMigrations', method: 'get', path: '/v1/migrations/newcommerce', api },
    (call) => {
      const { customerTenantId, currentSubscriptionId, externalReferenceId, pageSize } = parse(
        migrationQuerySchema,
        lowerCaseKeys(call.query),
      );
      if (!customerTenantId && !currentSubscriptionId && !externalReferenceId) {
        throw fail.invalid(
          'One of CustomerTenantId, CurrentSubscriptionId or ExternalReferenceId is required.',
        );
      }
      const same = (a: string, b: string | undefined) =>
        b === undefined || a.toLowerCase() === b.toLowerCase();
      // The simulator runs no batch migrations: none carries a batch's id.
      const found = [...core.state.migrations.values()].filter(
        (m) =>
          externalReferenceId === undefined &&
          m.partnerTenantId === call.account.tenantId &&
          same(m.customerTenantId, customerTenantId) &&
          same(m.currentSubscriptionId, currentSubscriptionId),
      );
      const body = found.slice(0, pageSize).map((m) => {
        const customer = core.state.customers.get(m.customerTenantId);
        return present(
          m,
          customer?.subscriptions.find((s) => s.id === m.currentSubscriptionId),
        );
      });
      return { status: 200, body };
    },
  );
}

/** Partner Center reads query strings without regard to case (`customerTenantId` works too). */
function lowerCaseKeys(query: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).map(([k, v]) => [k.toLowerCase(), v]));
}

/** A migration as "Create a new commerce migration" answers it. */
function present(migration: StoredMigration, subscription: Subscription | undefined) {
  const { partnerTenantId: _partner, request, ...shown } = migration;
  return {
    ...shown,
    termDuration: request.termDuration,
    billingCycle: request.billingCycle,
    purchaseFullTerm: request.purchaseFullTerm,
    quantity: request.quantity ?? subscription?.quantity,
    catalogItemId: subscription ? catalogItemId(subscription, request.billingCycle) : undefined,
  };
}

/** The legacy subscription ends and a new-commerce one, under a new id, takes its place. */
function completeMigration(core: Core, migrationId: string): void {
  const migration = core.state.migrations.get(migrationId);
  const customer = migration && core.state.customers.get(migration.customerTenantId);
  if (!migration || !customer || migration.status !== 'Processing') return;
  const old = customer.subscriptions.find((s) => s.id === migration.currentSubscriptionId);
  if (!old || old.status !== 'active') {
    migration.status = 'Failed';
    migration.errorCode = 20003;
    migration.errorDescription = 'The subscription was no longer active when migration ran.';
  } else {
    const newId = randomUUID();
    old.status = 'migrated';
    customer.subscriptions.push({
      ...old,
      id: newId,
      legacy: false,
      quantity: migration.request.quantity ?? old.quantity,
      billingCycle: migration.request.billingCycle,
      status: 'active',
    });
    migration.status = 'Completed';
    migration.newCommerceSubscriptionId = newId;
  }
  migration.completedTime = core.now().toISOString();
  recordWork(core, 'completeMigration', migration.partnerTenantId, customer.tenantId);
}
