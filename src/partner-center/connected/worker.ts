import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Engine } from '../../engine/engine.ts';
import { withTransactionRetry } from '../../engine/retry.ts';
import { utcDate } from '../../engine/time.ts';
import { finishAttempt, lockClaimed, type OutboxRow } from '../../store/outbox.ts';
import {
  findResource,
  newestResource,
  openResources,
  recordResource,
  updateResource,
  type ResourceRow,
} from '../../store/partner-center-links.ts';
import { findWorkflow, type WorkflowRow } from '../../store/workflows.ts';
import type { HandlerResult, OutboxHandler } from '../../webhooks/outbox-worker.ts';
import { PartnerCenterError, type CallIds, type PartnerCenter } from '../partner-center.ts';
import { callMessage } from './call-message.ts';
import { loadMoveFacts, MoveNotReady, type CredentialsOf } from './move-facts.ts';
import {
  gdapEvents,
  gdapSettled,
  mcaEvents,
  migrationEvents,
  migrationSettled,
  relationshipEvents,
  transferEvents,
  transferSettled,
} from './observe.ts';
import { carryOut, rehearsal, stepState, stillDue, type Derive, type StepDone } from './steps.ts';
import { reportMessage, reportTarget } from './report-message.ts';
import { waitingWorkflows } from './waiting.ts';

export interface ConnectedModeOptions {
  db: Knex;
  engine: Engine;
  partnerCenter: PartnerCenter;
  credentialsOf: CredentialsOf;
  now: () => Date;
  logger: Logger;
}

/** A read needs no idempotency; fresh ids still tie it to Microsoft's logs. */
const readIds = (): CallIds => ({ requestId: randomUUID(), correlationId: randomUUID() });

/**
 * Connected mode: the outbox handlers that carry out steps in Partner Center and look into
 * what its webhooks announce, and the reconciliation that reads what is still open.
 */
export function connectedMode(options: ConnectedModeOptions) {
  const { db, engine, partnerCenter: pc, credentialsOf, now, logger } = options;

  const failed = (error: unknown): HandlerResult => {
    if (error instanceof PartnerCenterError) {
      return {
        ok: false,
        error: error.message,
        responseStatus: error.status,
        giveUp: !error.retryable,
        ...(error.retryAfterMs !== undefined
          ? { retryAt: new Date(now().getTime() + error.retryAfterMs) }
          : {}),
      };
    }
    if (error instanceof MoveNotReady) return { ok: false, error: error.message };
    throw error;
  };

  /** Applies what a read found, and notes how the resource stands, in one transaction. */
  const apply = async (
    workflowId: string,
    derive: Derive,
    ids: CallIds,
    settle?: { resource: Pick<ResourceRow, 'kind' | 'id'>; status: string; settled: boolean },
  ) =>
    withTransactionRetry(() =>
      db.transaction(async (tx) => {
        const result = await engine.applyReported(tx, workflowId, derive, {
          operation: 'observed',
          ...ids,
          ...(settle ? { resourceId: settle.resource.id } : {}),
        });
        if (settle) await updateResource(tx, settle.resource, { ...settle, at: now() });
        return result;
      }),
    );

  const call: OutboxHandler = async (message, claimToken) => {
    const parsed = callMessage.safeParse(message.payload);
    if (!parsed.success) return { ok: false, error: 'not a Partner Center step', giveUp: true };
    const step = parsed.data;
    const workflow = await findWorkflow(db, step.workflowId);
    // A step the workflow has moved past (cancelled, or recorded by hand meanwhile) is moot.
    if (!workflow || !stillDue(step.operation, workflow)) return { ok: true };
    let done: StepDone | undefined;
    try {
      const facts = await loadMoveFacts(db, workflow, credentialsOf);
      const rehearsed = rehearsal(step, facts, now());
      const refusal = rehearsed && (await engine.refusalOf(workflow.id, rehearsed));
      if (refusal) {
        // Tried again with the outbox's backoff: the cause may be mended meanwhile.
        return {
          ok: false,
          error: `Not asked of Partner Center yet: the workflow would refuse it (${refusal.code}: ${refusal.message})`,
        };
      }
      done = await carryOut(pc, db, step, facts, now());
    } catch (error) {
      return failed(error);
    }
    await withTransactionRetry(() =>
      db.transaction(async (tx) => {
        // A claim that lapsed was taken over: that attempt records the step, not this one.
        if ((await lockClaimed(tx, [message.id], claimToken)).length === 0) return;
        for (const resource of done?.resources ?? []) await recordResource(tx, resource);
        for (const { resource, ...change } of done?.settles ?? []) {
          await updateResource(tx, resource, { ...change, at: now() });
        }
        const result = done
          ? await engine.applyReported(tx, workflow.id, done.derive, done.evidence)
          : undefined;
        const refused = result?.refused;
        if (refused) {
          logger.warn(
            { workflowId: workflow.id, operation: step.operation, code: refused.code },
            'Partner Center did a step the workflow refused to record',
          );
        }
        // A request Partner Center made that no workflow follows (refused, or its transfer
        // called off while it was being made) would wait there until it lapsed: cancel it.
        const created = step.operation === 'createTransfer' ? done?.resources[0] : undefined;
        if (
          created &&
          (refused || (await findWorkflow(tx, workflow.id))?.state === stepState.cancelTransfer)
        ) {
          await engine.writePartnerCenterStep(tx, workflow.id, 'cancelTransfer', now(), {
            transferId: created.id,
          });
        }
        await finishAttempt(
          tx,
          message.id,
          claimToken,
          refused
            ? {
                kind: 'failed',
                at: now(),
                responseStatus: 200,
                error: `The workflow refused what Partner Center did (${refused.code}: ${refused.message})${created ? `; transfer request ${created.id} is cancelled` : ''}`,
              }
            : { kind: 'delivered', at: now(), responseStatus: 200 },
        );
      }),
    );
    return { ok: true };
  };

  const observeResource = async (resource: ResourceRow): Promise<number> => {
    const workflow = await findWorkflow(db, resource.workflow_id);
    const account = { kind: resource.acting_kind, id: resource.acting_id };
    const as = await credentialsOf(db, account);
    if (!workflow || !as) return 0;
    const tenant = resource.customer_tenant_id;
    switch (resource.kind) {
      case 'transfer': {
        const read = await pc.getTransfer(as, tenant, resource.id, readIds());
        const newest = (await newestResource(db, workflow.id, 'transfer'))?.id === resource.id;
        const status = read.body.status;
        const result = await apply(workflow.id, transferEvents(read.body, newest), read.ids, {
          resource,
          status,
          settled: transferSettled(read.body),
        });
        return result.applied;
      }
      case 'migration': {
        const read = await pc.getMigration(as, tenant, resource.id, readIds());
        const result = await apply(
          workflow.id,
          migrationEvents(read.body, resource.subject ?? ''),
          read.ids,
          { resource, status: read.body.status, settled: migrationSettled(read.body) },
        );
        return result.applied;
      }
      case 'gdap': {
        const read = await pc.getGdapRelationship(as, resource.id, readIds());
        const result = await apply(workflow.id, gdapEvents(read.body), read.ids, {
          resource,
          status: read.body.status,
          settled: gdapSettled(read.body),
        });
        return result.applied;
      }
    }
  };

  /**
   * A relationship or an MCA awaiting the customer: has it accepted the provider, or signed?
   * Read as the partner, who already serves the customer; the provider may not see it yet.
   */
  const observeWaiting = async (workflow: WorkflowRow, customerTenantId: string) => {
    if (workflow.provider_id === null) return 0;
    const [asPartner, asProvider] = await Promise.all([
      credentialsOf(db, { kind: 'partner', id: workflow.partner_id }),
      credentialsOf(db, { kind: 'provider', id: workflow.provider_id }),
    ]);
    if (!asPartner || !asProvider) return 0;
    if (workflow.machine === 'resellerRelationship') {
      const read = await pc.listRelationships(asPartner, customerTenantId, readIds());
      const accepted = read.body.some((r) => r.id === asProvider.tenantId);
      return (await apply(workflow.id, relationshipEvents(accepted), read.ids)).applied;
    }
    const read = await pc.getDirectSignedMcaStatus(asPartner, customerTenantId, readIds());
    return (await apply(workflow.id, mcaEvents(read.body.isSigned, utcDate(now())), read.ids))
      .applied;
  };

  const report: OutboxHandler = async (message) => {
    const parsed = reportMessage.safeParse(message.payload);
    if (!parsed.success) return { ok: false, error: 'not a Partner Center report', giveUp: true };
    const target = reportTarget(parsed.data);
    try {
      if (target.kind === 'transfer') {
        const resource = await findResource(db, 'transfer', target.transferId);
        if (resource) await observeResource(resource);
      } else if (target.kind === 'customer') {
        for (const waiting of await waitingWorkflows(db, { customerTenantId: target.tenantId })) {
          await observeWaiting(waiting.workflow, waiting.customerTenantId);
        }
      }
    } catch (error) {
      return failed(error);
    }
    return { ok: true };
  };

  /**
   * One round of reconciliation: every resource still open, and every workflow waiting on the
   * customer, read once. Catches what a lost webhook did not say. Returns events applied.
   */
  const reconcile = async (limit = 500): Promise<number> => {
    let applied = 0;
    const each = async (run: () => Promise<number>, what: Record<string, unknown>) => {
      try {
        applied += await run();
      } catch (err) {
        logger.warn({ err, ...what }, 'Partner Center reconciliation could not read');
      }
    };
    for (const resource of await openResources(db, limit)) {
      await each(() => observeResource(resource), { kind: resource.kind, id: resource.id });
    }
    for (const waiting of await waitingWorkflows(db, { limit })) {
      await each(() => observeWaiting(waiting.workflow, waiting.customerTenantId), {
        workflowId: waiting.workflow.id,
      });
    }
    return applied;
  };

  return {
    handlers: { 'partner_center.call': call, 'partner_center.report': report } satisfies Partial<
      Record<OutboxRow['kind'], OutboxHandler>
    >,
    reconcile,
  };
}
