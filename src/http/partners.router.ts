import { Router } from 'express';
import { z } from 'zod';
import { emptyProfile } from '../../machines/enrollment/enrollment.profile.ts';
import { principalOf, requireRole } from '../auth/authenticate.ts';
import { partnerRoles } from '../auth/principal.ts';
import { canSeePartner } from '../auth/scope.ts';
import { Conflict, NotFound, ValidationFailed, type FieldError } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  findExisting,
  insertCustomers,
  listCustomers,
  lockPartnerForImport,
  nextPosition,
  toCustomer,
  type CustomerRow,
  type SubscriptionRow,
} from '../store/customers.ts';
import type { Engine } from '../engine/engine.ts';
import type { Database } from '../store/database.ts';
import { isUniqueViolation } from '../store/errors.ts';
import {
  findPartner,
  findPartnerByMpnId,
  insertPartner,
  listPartners,
  toPartner,
  updatePartner,
} from '../store/partners.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { idempotentCreate, sendStored } from './idempotent-create.ts';
import { dbInt } from './numbers.ts';
import type { ApiCatalog } from './openapi.ts';
import {
  createPartner,
  customer,
  customerImport,
  page,
  partner,
  updatePartner as updatePartnerSchema,
  type CustomerInput,
} from './schemas.ts';
import { parseBody, parseWith } from './validate.ts';

interface Deps {
  db: Database;
  engine: Engine;
  catalog: ApiCatalog;
  now: () => Date;
}

export function createPartnerRouter({ db, engine, catalog, now }: Deps): Router {
  const router = Router();

  catalog.add({
    method: 'post',
    path: '/v1/partners',
    operationId: 'createPartner',
    tag: 'Partners and transitions',
    summary: 'Registers a direct-bill partner that will transition',
    roles: 'admin',
    body: createPartner,
    examples: {
      readme: {
        summary: 'A partner with its enrollment profile',
        value: {
          name: 'Contoso IT',
          mpnId: '4512345',
          plaId: 'PLA-77',
          plaRegion: 'DE',
          cspRegion: 'DE',
          tenantId: '6f1f7a7e-0a55-4c36-8a8b-6d4a1c0f3e21',
          profile: {
            maicppMember: true,
            plaVerified: true,
            mfaEnforced: true,
            securityContact: {
              name: 'Sam Secure',
              email: 'sam@contoso-it.com',
            },
            businessEmail: 'ops.team@contoso-it.com',
            enrollingUser: {
              name: 'Gail',
              email: 'gail@contoso-it.com',
              globalAdmin: true,
              authorityToSign: true,
            },
          },
        },
      },
    },
    response: { status: 201, schema: partner },
    errors: [400, 401, 403, 409, 422],
    idempotent: true,
  });
  router.post('/v1/partners', async (req, res) => {
    const response = await idempotentCreate(db, req, now, async (tx) => {
      requireRole(req, ['admin']);
      const body = parseBody(createPartner, req.body);
      const exists = () =>
        new Conflict('already_exists', `A partner with PartnerID ${body.mpnId} exists.`);
      if (await findPartnerByMpnId(tx, body.mpnId)) throw exists();
      const at = now();
      const row = {
        id: newId('ptn'),
        name: body.name,
        mpn_id: body.mpnId,
        pla_id: body.plaId,
        pla_region: body.plaRegion,
        csp_region: body.cspRegion,
        tenant_id: body.tenantId,
        profile: body.profile ?? emptyProfile,
        created_at: at,
        updated_at: at,
      };
      // Registered at the same moment by another request: the unique index decides.
      await insertPartner(tx, row).catch((error: unknown) => {
        throw isUniqueViolation(error) ? exists() : error;
      });
      return { status: 201, headers: {}, body: toPartner(row) };
    });
    sendStored(res, response);
  });

  catalog.add({
    method: 'get',
    path: '/v1/partners',
    operationId: 'listPartners',
    tag: 'Partners and transitions',
    summary: 'Lists the partners the caller may see',
    roles: 'admin, auditor; manager and global_admin see their own',
    response: { status: 200, schema: z.object({ items: z.array(partner) }) },
    errors: [401],
  });
  router.get('/v1/partners', async (req, res) => {
    res.json({ items: (await listPartners(db, principalOf(req))).map(toPartner) });
  });

  catalog.add({
    method: 'get',
    path: '/v1/partners/:id',
    operationId: 'getPartner',
    tag: 'Partners and transitions',
    summary: 'One partner',
    roles: 'admin, auditor; manager and global_admin of that partner',
    response: { status: 200, schema: partner },
    errors: [401, 404],
  });
  router.get('/v1/partners/:id', async (req, res) => {
    const row = await findPartner(db, req.params.id);
    if (!row || !canSeePartner(principalOf(req), row.id)) throw new NotFound('partner');
    res.json(toPartner(row));
  });

  catalog.add({
    method: 'patch',
    path: '/v1/partners/:id',
    operationId: 'updatePartner',
    tag: 'Partners and transitions',
    summary: "Corrects a partner's fields",
    roles: 'admin',
    body: updatePartnerSchema,
    examples: {
      readme: {
        summary: 'A corrected name',
        value: {
          name: 'Contoso IT GmbH',
        },
      },
    },
    response: { status: 200, schema: partner },
    errors: [400, 401, 403, 404, 409, 422],
  });
  router.patch('/v1/partners/:id', async (req, res) => {
    requireRole(req, ['admin']);
    if (!(await findPartner(db, req.params.id))) throw new NotFound('partner');
    const body = parseBody(updatePartnerSchema, req.body);
    const change = {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.mpnId === undefined ? {} : { mpn_id: body.mpnId }),
      ...(body.plaId === undefined ? {} : { pla_id: body.plaId }),
      ...(body.plaRegion === undefined ? {} : { pla_region: body.plaRegion }),
      ...(body.cspRegion === undefined ? {} : { csp_region: body.cspRegion }),
      ...(body.tenantId === undefined ? {} : { tenant_id: body.tenantId }),
      ...(body.profile === undefined ? {} : { profile: body.profile }),
      updated_at: now(),
    };
    try {
      const row = await updatePartner(db, req.params.id, change);
      if (!row) throw new NotFound('partner');
      res.json(toPartner(row));
    } catch (error) {
      if (isUniqueViolation(error))
        throw new Conflict('already_exists', 'Another partner has this PartnerID.');
      throw error;
    }
  });

  catalog.add({
    method: 'post',
    path: '/v1/partners/:id/customers',
    operationId: 'importCustomers',
    tag: 'Partners and transitions',
    summary: 'Imports one customer or many, with their subscriptions, all or nothing',
    roles: 'manager, global_admin of that partner',
    body: customerImport,
    examples: {
      readme: {
        summary: 'Two customers, all or nothing',
        value: [
          {
            name: 'Fabrikam',
            tenantId: '1b0c7a52-3f7e-4c1d-9e55-2a9e2c0d7a10',
            acquiredAs: 'direct_bill',
            mcaAcceptance: 'partner_attestation',
            billTo: {
              companyName: 'Fabrikam GmbH',
              email: 'billing@fabrikam.example',
              country: 'DE',
            },
            subscriptions: [
              {
                id: 'fab-e3',
                offer: 'Microsoft 365 E3',
                kind: 'nce_license',
                quantity: 25,
              },
              {
                id: 'fab-phone',
                offer: 'Teams Phone',
                kind: 'nce_license',
                quantity: 25,
                baseSubscriptionId: 'fab-e3',
              },
            ],
          },
          {
            name: 'Tailspin',
            tenantId: '7d2f1e90-5a4b-4c3d-8e2f-1a0b9c8d7e6f',
            acquiredAs: 'direct_bill',
            mcaAcceptance: 'admin_center',
            billTo: {
              companyName: 'Tailspin AG',
              email: 'ap@tailspin.example',
              country: 'DE',
            },
            subscriptions: [],
          },
        ],
      },
    },
    response: { status: 201, schema: z.object({ items: z.array(customer) }) },
    errors: [400, 401, 403, 404, 409, 422],
    idempotent: true,
  });
  router.post('/v1/partners/:id/customers', async (req, res) => {
    // The key and the answer commit with the customers: a client whose connection closed
    // before the answer sends the import again with its key and learns the outcome.
    const response = await idempotentCreate(db, req, now, async (tx) => {
      const principal = principalOf(req);
      const partnerRow = await findPartner(tx, req.params.id);
      if (!partnerRow || !canSeePartner(principal, partnerRow.id)) throw new NotFound('partner');
      requireRole(req, partnerRoles);
      const parsed = parseBody(customerImport, req.body, true);
      const inputs = Array.isArray(parsed) ? parsed : [parsed];
      checkAddOns(inputs);
      await lockPartnerForImport(tx, partnerRow.id);
      await refuseRepeats(tx, partnerRow.id, inputs);
      const { customers, subscriptions } = importRows(
        inputs,
        partnerRow.id,
        await nextPosition(tx, partnerRow.id),
        now(),
      );
      try {
        await insertCustomers(tx, customers, subscriptions);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new Conflict(
            'already_exists',
            'A tenantId or subscription id was imported at the same time.',
          );
        }
        throw error;
      }
      // Built before the planning, which holds the transition's row to the commit.
      const byCustomer = new Map<string, SubscriptionRow[]>();
      for (const s of subscriptions)
        byCustomer.set(s.customer_id, [...(byCustomer.get(s.customer_id) ?? []), s]);
      const items = customers.map((c) => toCustomer(c, byCustomer.get(c.id) ?? []));
      // A transition already migrating customers takes the new ones in, in this transaction.
      await engine.planImportedCustomers(tx, partnerRow.id, principal, req.requestId);
      return { status: 201, headers: {}, body: { items } };
    });
    sendStored(res, response);
  });

  const customerPageQuery = z.strictObject({
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().optional(),
  });
  catalog.add({
    method: 'get',
    path: '/v1/partners/:id/customers',
    operationId: 'listCustomers',
    tag: 'Partners and transitions',
    summary: "Lists a partner's customers in import order",
    roles: 'admin, auditor; manager and global_admin of that partner',
    query: customerPageQuery,
    response: { status: 200, schema: page(customer) },
    errors: [401, 404, 422],
  });
  router.get('/v1/partners/:id/customers', async (req, res) => {
    const partnerRow = await findPartner(db, req.params.id);
    if (!partnerRow || !canSeePartner(principalOf(req), partnerRow.id))
      throw new NotFound('partner');
    const query = parseWith(customerPageQuery, req.query);
    const after = decodeCursor(z.object({ position: dbInt.min(0) }), query.cursor);
    const rows = await listCustomers(db, partnerRow.id, after?.position ?? 0, query.limit + 1);
    const more = rows.length > query.limit;
    const shown = rows.slice(0, query.limit);
    const last = shown.at(-1);
    res.json({
      items: shown.map(({ row, subscriptions }) => toCustomer(row, subscriptions)),
      nextCursor: more && last ? encodeCursor({ position: last.row.position }) : null,
    });
  });

  return router;
}

/** The rows of an import, positioned after `first - 1`, the last one stored. */
function importRows(
  inputs: CustomerInput[],
  partnerId: string,
  first: number,
  at: Date,
): { customers: CustomerRow[]; subscriptions: SubscriptionRow[] } {
  const customers: CustomerRow[] = [];
  const subscriptions: SubscriptionRow[] = [];
  inputs.forEach((input, i) => {
    const row = customerRow(input, partnerId, first + i, at);
    customers.push(row);
    input.subscriptions.forEach((s, j) =>
      subscriptions.push({
        partner_id: partnerId,
        id: s.id,
        customer_id: row.id,
        offer: s.offer,
        kind: s.kind,
        quantity: s.quantity,
        base_subscription_id: s.baseSubscriptionId ?? null,
        status: s.status,
        term_end_date: s.termEndDate ?? null,
        billing_cycle: s.billingCycle ?? null,
        transfer_eligible: s.transferEligible,
        position: j,
      }),
    );
  });
  return { customers, subscriptions };
}

function customerRow(
  input: CustomerInput,
  partnerId: string,
  position: number,
  at: Date,
): CustomerRow {
  return {
    id: newId('cus'),
    partner_id: partnerId,
    name: input.name,
    tenant_id: input.tenantId.toLowerCase(),
    acquired_as: input.acquiredAs,
    mca_acceptance: input.mcaAcceptance,
    provider_needs_admin: input.providerNeedsAdmin ?? false,
    bill_to: input.billTo,
    position,
    created_at: at,
  };
}

/** An add-on names a base subscription of the same customer. */
function checkAddOns(inputs: CustomerInput[]): void {
  const errors: FieldError[] = [];
  inputs.forEach((input, i) => {
    const ids = new Set(input.subscriptions.map((s) => s.id));
    input.subscriptions.forEach((s, j) => {
      if (
        s.baseSubscriptionId !== undefined &&
        (!ids.has(s.baseSubscriptionId) || s.baseSubscriptionId === s.id)
      ) {
        errors.push({
          path: `${i}.subscriptions.${j}.baseSubscriptionId`,
          message: 'must name another subscription of the same customer',
        });
      }
    });
  });
  if (errors.length > 0) throw new ValidationFailed(errors);
}

/** Refuses an import that repeats a tenant or subscription, within itself or with the stored ones. */
async function refuseRepeats(
  db: Database,
  partnerId: string,
  inputs: CustomerInput[],
): Promise<void> {
  const tenantIds = inputs.map((c) => c.tenantId.toLowerCase());
  const subscriptionIds = inputs.flatMap((c) => c.subscriptions.map((s) => s.id));
  const repeated = {
    tenantIds: duplicatesIn(tenantIds),
    subscriptionIds: duplicatesIn(subscriptionIds),
  };
  const stored = await findExisting(db, partnerId, tenantIds, subscriptionIds);
  repeated.tenantIds.push(...stored.tenantIds);
  repeated.subscriptionIds.push(...stored.subscriptionIds);
  if (repeated.tenantIds.length + repeated.subscriptionIds.length > 0) {
    throw new Conflict(
      'already_exists',
      'The import repeats a tenantId or subscription id of the partner; nothing was stored.',
      {
        tenantIds: [...new Set(repeated.tenantIds)],
        subscriptionIds: [...new Set(repeated.subscriptionIds)],
      },
    );
  }
}

function duplicatesIn(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)));
}
