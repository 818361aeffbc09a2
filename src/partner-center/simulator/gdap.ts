import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { z } from 'zod';
import { customerOf, guid, text } from './access.ts';
import { recordWork, type Core } from './core.ts';
import { fail } from './failures.ts';
import { defineOperation, parse } from './pipeline.ts';
import type { StoredGdap } from './state.ts';

const maxDays = 730;

/** Graph's delegatedAdminRelationship: a name of at most 50 characters, at most 730 days. */
const newRelationshipSchema = z.object({
  displayName: text(50),
  duration: z
    .string()
    .regex(/^P\d{1,3}D$/, 'expected an ISO 8601 duration in days, such as P730D')
    .refine((d) => Number(d.slice(1, -1)) >= 1 && Number(d.slice(1, -1)) <= maxDays, {
      message: `the duration is 1 to ${maxDays} days`,
    }),
  customer: z.object({ tenantId: guid, displayName: text(256).optional() }),
  accessDetails: z.object({
    unifiedRoles: z
      .array(z.object({ roleDefinitionId: guid }))
      .min(1)
      .max(72),
  }),
  autoExtendDuration: z.enum(['PT0S', 'P180D']).optional(),
});

const requestSchema = z.object({ action: z.enum(['lockForApproval']) });

export const gdapBasePath = '/graph/v1.0/tenantRelationships/delegatedAdminRelationships';

function shown(relationship: StoredGdap) {
  const { partnerTenantId: _partner, ...visible } = relationship;
  return { '@odata.type': '#microsoft.graph.delegatedAdminRelationship', ...visible };
}

function present(core: Core, relationship: StoredGdap) {
  return {
    '@odata.context': `${core.baseUrl()}/graph/v1.0/$metadata#tenantRelationships/delegatedAdminRelationships/$entity`,
    ...shown(relationship),
  };
}

/**
 * The `$filter` clauses understood: one property compared for equality with an OData string
 * literal (`displayName eq 'Contoso ''A'''`). Graph takes more; Tiershift sends no more.
 */
const filterClause = /^\s*(displayName|status)\s+eq\s+'((?:[^']|'')*)'\s*$/;

function filtered(filter: unknown): (r: StoredGdap) => boolean {
  if (filter === undefined) return () => true;
  const match = typeof filter === 'string' ? filterClause.exec(filter) : null;
  if (!match) throw fail.invalid(`Invalid filter clause: ${JSON.stringify(filter)}`);
  const [, property, literal = ''] = match;
  const value = literal.replace(/''/g, "'");
  return (r) => (property === 'status' ? r.status === value : r.displayName === value);
}

function relationshipOf(core: Core, id: string, partnerTenantId: string): StoredGdap {
  const relationship = core.state.gdap.get(id);
  if (!relationship || relationship.partnerTenantId !== partnerTenantId) {
    throw fail.notFound(`Relationship ${id}`);
  }
  return relationship;
}

/**
 * GDAP on Microsoft Graph: the partner creates a relationship (`created`) and locks it for the
 * customer's approval (`approvalPending`); the customer approves outside any API the partner
 * calls, which the control API stands in for.
 */
export function gdapRoutes(router: Router, core: Core): void {
  const api = 'graph' as const;

  defineOperation(
    router,
    core,
    { name: 'createGdapRelationship', method: 'post', path: gdapBasePath, api },
    (call) => {
      const body = parse(newRelationshipSchema, call.body);
      const customer = customerOf(core, body.customer.tenantId);
      const me = call.account.tenantId;
      const taken = [...core.state.gdap.values()].some(
        (r) =>
          r.partnerTenantId === me &&
          r.displayName === body.displayName &&
          r.status !== 'terminated',
      );
      if (taken) throw fail.conflict(`A relationship named ${body.displayName} already exists.`);
      const at = call.now.toISOString();
      const relationship: StoredGdap = {
        id: `${randomUUID()}-${randomUUID()}`,
        displayName: body.displayName,
        duration: body.duration,
        customer: {
          tenantId: customer.tenantId,
          displayName: body.customer.displayName ?? customer.name,
        },
        accessDetails: body.accessDetails,
        autoExtendDuration: body.autoExtendDuration ?? 'PT0S',
        status: 'created',
        createdDateTime: at,
        lastModifiedDateTime: at,
        activatedDateTime: null,
        endDateTime: null,
        partnerTenantId: me,
      };
      core.state.gdap.set(relationship.id, relationship);
      call.effect('createGdapRelationship', customer.tenantId);
      return { status: 201, body: present(core, relationship) };
    },
  );

  defineOperation(
    router,
    core,
    { name: 'listGdapRelationships', method: 'get', path: gdapBasePath, api },
    (call) => {
      const wanted = filtered(call.query.$filter);
      const mine = [...core.state.gdap.values()].filter(
        (r) => r.partnerTenantId === call.account.tenantId && wanted(r),
      );
      return {
        status: 200,
        body: {
          '@odata.context': `${core.baseUrl()}/graph/v1.0/tenantRelationships/$metadata#delegatedAdminRelationships`,
          value: mine.map(shown),
        },
      };
    },
  );

  defineOperation(
    router,
    core,
    { name: 'getGdapRelationship', method: 'get', path: `${gdapBasePath}/:id`, api },
    (call) => ({
      status: 200,
      body: present(core, relationshipOf(core, call.params.id ?? '', call.account.tenantId)),
    }),
  );

  defineOperation(
    router,
    core,
    { name: 'lockGdapForApproval', method: 'post', path: `${gdapBasePath}/:id/requests`, api },
    (call) => {
      const body = parse(requestSchema, call.body);
      const relationship = relationshipOf(core, call.params.id ?? '', call.account.tenantId);
      if (relationship.status !== 'created') {
        throw fail.conflict(
          `A relationship in status ${relationship.status} cannot be locked for approval.`,
        );
      }
      const at = call.now.toISOString();
      relationship.status = 'approvalPending';
      relationship.lastModifiedDateTime = at;
      call.effect('lockGdapForApproval', relationship.customer.tenantId);
      return {
        status: 201,
        body: {
          '@odata.type': '#microsoft.graph.delegatedAdminRelationshipRequest',
          id: randomUUID(),
          action: body.action,
          status: 'created',
          createdDateTime: at,
          lastModifiedDateTime: at,
        },
      };
    },
  );
}

/**
 * The customer approves: `approved` now, `activating` half way through the activation delay,
 * `active` at its end, when the relationship's term starts.
 */
export function approveGdap(core: Core, id: string): StoredGdap {
  const relationship = core.state.gdap.get(id);
  if (!relationship) throw fail.notFound(`Relationship ${id}`);
  if (relationship.status !== 'approvalPending') {
    throw fail.conflict(`A relationship in status ${relationship.status} cannot be approved.`);
  }
  const now = core.now();
  const step = (status: StoredGdap['status']) => {
    const at = core.now().toISOString();
    relationship.status = status;
    relationship.lastModifiedDateTime = at;
    if (status === 'active') {
      const days = Number(relationship.duration.slice(1, -1));
      relationship.activatedDateTime = at;
      relationship.endDateTime = new Date(
        Date.parse(at) + days * 24 * 60 * 60 * 1000,
      ).toISOString();
    }
    recordWork(
      core,
      `gdap:${status}`,
      relationship.partnerTenantId,
      relationship.customer.tenantId,
    );
  };
  step('approved');
  const delay = core.options.gdapActivationDelayMs;
  core.work.schedule(new Date(now.getTime() + delay / 2), `activate GDAP ${id}`, () => {
    if (relationship.status === 'approved') step('activating');
  });
  core.work.schedule(new Date(now.getTime() + delay), `GDAP ${id} active`, () => {
    if (relationship.status === 'activating') step('active');
  });
  return relationship;
}
