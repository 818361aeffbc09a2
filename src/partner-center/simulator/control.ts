import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { customerOf, guid, text } from './access.ts';
import { recordWork, type Core } from './core.ts';
import { describeIssues, SimulatedFailure } from './failures.ts';
import { approveGdap } from './gdap.ts';
import { acceptRelationship } from './relationships.ts';
import type { Account, Customer } from './state.ts';
import { expireTransfer } from './transfers.ts';

const mpnId = z
  .string()
  .trim()
  .regex(/^\d{1,12}$/, 'expected an MPN id, in digits');

export const accountSeedSchema = z.object({
  tenantId: guid,
  name: text(256),
  mpnId,
  clientId: text(256),
  clientSecret: text(256),
  refreshToken: text(4096),
  kind: z.enum(['partner', 'provider']),
  userId: guid.optional(),
});

export const customerSeedSchema = z.object({
  tenantId: guid,
  name: text(256),
  email: z.email().max(256),
  partnerTenantId: guid,
  signedMcaDirectly: z.boolean().optional(),
  subscriptions: z
    .array(
      z.object({
        id: text(128),
        offerId: text(128),
        friendlyName: text(256),
        quantity: z.number().int().min(1).max(1_000_000),
        billingCycle: text(32),
        legacy: z.boolean().optional(),
        baseSubscriptionId: text(128).optional(),
      }),
    )
    .max(500)
    .default([]),
});

/** One item or a list of at most 1,000. */
const oneOrMany = <T extends z.ZodType>(item: T) =>
  z.union([item.transform((x) => [x]), z.array(item).max(1000)]);

export const seedFileSchema = z.object({
  accounts: z.array(accountSeedSchema).max(1000).default([]),
  customers: z.array(customerSeedSchema).max(10_000).default([]),
});

const count = z.object({ count: z.number().int().min(0).max(10_000) });

const faultSchema = z.object({
  match: z
    .string()
    .trim()
    .min(1)
    .max(300)
    .regex(
      /^([A-Za-z]+|(GET|POST|PATCH|PUT|DELETE) \/[\w./*$:-]*)$/,
      'expected an operation name or METHOD /path (with * for one segment)',
    ),
  status: z.union([z.literal(429), z.literal(500), z.literal(503)]),
  count: z.number().int().min(1).max(10_000),
  retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
});

const lineFailureSchema = z.object({
  subscriptionId: text(128),
  code: z.number().int().min(0).max(10_000_000),
  description: text(1024),
});

const relationshipSchema = z.object({ providerTenantId: guid, resellerTenantId: guid });

export function seedAccount(core: Core, seed: z.infer<typeof accountSeedSchema>): Account {
  const account: Account = { ...seed, userId: seed.userId ?? randomUUID() };
  core.state.accounts.set(account.tenantId, account);
  return account;
}

export function seedCustomer(core: Core, seed: z.infer<typeof customerSeedSchema>): Customer {
  const customer: Customer = {
    tenantId: seed.tenantId,
    name: seed.name,
    email: seed.email,
    partnerTenantId: seed.partnerTenantId,
    signedMcaDirectly: seed.signedMcaDirectly ?? false,
    subscriptions: seed.subscriptions.map((s) => ({
      ...s,
      legacy: s.legacy ?? false,
      partnerTenantId: seed.partnerTenantId,
      status: 'active' as const,
    })),
    relationships: [],
    agreements: [],
  };
  core.state.customers.set(customer.tenantId, customer);
  return customer;
}

/**
 * The control API: what a test (or a person trying Tiershift) does that no partner's call
 * could: seed tenants, act as the customer, plan failures, move time's work along and read
 * what happened. Unauthenticated, JSON, under `/_sim/`.
 */
export function controlRoutes(router: Router, core: Core, reset: () => Promise<void>): void {
  const control = express.Router();
  control.use(express.json({ limit: '5mb' }));
  // What a test reads here includes the work that has come due by the clock.
  control.use((_req, _res, next) => {
    core.work.runDue();
    next();
  });

  const body = <T extends z.ZodType>(schema: T, req: Request): z.infer<T> => {
    const parsed = schema.safeParse(req.body);
    if (!parsed.success) throw new SimulatedFailure(400, 'invalid', describeIssues(parsed.error));
    return parsed.data;
  };
  const param = (req: Request, name: string) => String(req.params[name]);

  control.post('/accounts', (req, res) => {
    const seeds = body(oneOrMany(accountSeedSchema), req);
    res.status(201).json({ items: seeds.map((s) => seedAccount(core, s)) });
  });

  control.post('/customers', (req, res) => {
    const seeds = body(oneOrMany(customerSeedSchema), req);
    res.status(201).json({ items: seeds.map((s) => seedCustomer(core, s)) });
  });

  control.get('/customers/:customerId', (req, res) => {
    res.json(customerOf(core, param(req, 'customerId')));
  });

  control.post('/customers/:customerId/relationships', (req, res) => {
    const { providerTenantId, resellerTenantId } = body(relationshipSchema, req);
    res.json(
      acceptRelationship(core, param(req, 'customerId'), providerTenantId, resellerTenantId),
    );
  });

  control.post('/customers/:customerId/mca/sign', (req, res) => {
    const customer = customerOf(core, param(req, 'customerId'));
    if (!customer.signedMcaDirectly) {
      customer.signedMcaDirectly = true;
      recordWork(core, 'signMcaDirectly', null, customer.tenantId);
    }
    res.json({ isSigned: true });
  });

  control.post('/customers/:customerId/transfers/:transferId/expire', (req, res) => {
    const customer = customerOf(core, param(req, 'customerId'));
    const transfer = core.state.transfers.get(param(req, 'transferId'));
    if (!transfer || transfer.customerTenantId !== customer.tenantId) {
      throw new SimulatedFailure(404, 'not_found', 'No such transfer for this customer.');
    }
    if (transfer.status === 'Active') {
      transfer.expirationTime = core.now().toISOString();
      expireTransfer(core, transfer.id);
    }
    res.json({ id: transfer.id, status: transfer.status });
  });

  control.post('/transfer-failures', (req, res) => {
    const failure = body(lineFailureSchema, req);
    core.state.lineFailures.set(failure.subscriptionId.toLowerCase(), {
      code: failure.code,
      description: failure.description,
    });
    res.status(201).json(failure);
  });

  control.post('/gdap/:relationshipId/approve', (req, res) => {
    const relationship = approveGdap(core, param(req, 'relationshipId'));
    res.json({ id: relationship.id, status: relationship.status });
  });

  control.get('/work', (_req, res) => {
    res.json({ items: core.work.pending });
  });

  // Everything pending happens now; the answer comes once the webhooks it sent were delivered
  // or given up on.
  control.post('/work/run', async (_req, res) => {
    const ran = core.work.runAll();
    await core.webhooks.settle();
    res.json({ ran });
  });

  control.post('/webhooks/lose', (req, res) => {
    core.state.webhooksToLose = body(count, req).count;
    res.json({ lose: core.state.webhooksToLose });
  });

  control.post('/webhooks/double', (req, res) => {
    core.state.webhooksToDouble = body(count, req).count;
    res.json({ double: core.state.webhooksToDouble });
  });

  control.post('/webhooks/settle', async (_req, res) => {
    await core.webhooks.settle();
    res.json({ settled: true });
  });

  control.get('/webhooks', (req, res) => {
    const eventName = typeof req.query.eventName === 'string' ? req.query.eventName : undefined;
    res.json({
      items: core.state.deliveries.filter((d) => !eventName || d.eventName === eventName),
    });
  });

  control.post('/faults', (req, res) => {
    const fault = body(faultSchema, req);
    const stored = {
      id: randomUUID(),
      match: fault.match,
      status: fault.status,
      remaining: fault.count,
      retryAfterSeconds: fault.retryAfterSeconds,
    };
    core.state.faults.push(stored);
    res.status(201).json(stored);
  });

  control.get('/faults', (_req, res) => {
    res.json({ items: core.state.faults });
  });

  control.delete('/faults', (_req, res) => {
    core.state.faults.length = 0;
    res.status(204).end();
  });

  control.get('/calls', (req, res) => {
    const filters = ['operation', 'account', 'customer', 'requestId'] as const;
    const items = core.state.calls.filter((c) =>
      filters.every((f) => typeof req.query[f] !== 'string' || c[f] === req.query[f]),
    );
    res.json({ items });
  });

  control.get('/requests', (_req, res) => {
    res.json(core.state.requestTotals());
  });

  control.post('/reset', async (_req, res) => {
    await reset();
    res.status(204).end();
  });

  control.use((error: unknown, _req: Request, res: Response, next: (e?: unknown) => void) => {
    if (!(error instanceof SimulatedFailure)) return next(error);
    res.status(error.status).json({ code: error.code, description: error.description });
  });

  router.use('/_sim', control);
}
