import { randomUUID } from 'node:crypto';
import type { PartnerCenterWebhookBody, PartnerCenterWebhookEvent } from '../partner-center.ts';
import type { SigningIdentity } from './certificate.ts';
import type { ResolvedOptions } from './options.ts';
import type { SimulatorState } from './state.ts';
import type { SlidingWindows } from './throttle.ts';
import type { WorkQueue } from './work.ts';
import type { WebhookDispatcher } from './webhooks.ts';

/** What every part of the simulator shares: its state, clock, queue of work and webhooks. */
export interface Core {
  state: SimulatorState;
  options: ResolvedOptions;
  work: WorkQueue;
  windows: SlidingWindows;
  webhooks: WebhookDispatcher;
  identity: SigningIdentity;
  /** The simulator's origin, as others reach it; no trailing slash. */
  baseUrl(): string;
  now(): Date;
}

export const certificatePath = '/certificates/pcnotifications-dispatch.cer';

/** Sends a Partner Center event to the accounts concerned, and logs it as an effect. */
export function announce(
  core: Core,
  tenantIds: string[],
  event: PartnerCenterWebhookEvent,
  resource: { uri: string; name: string },
): void {
  const at = core.now();
  const body: PartnerCenterWebhookBody = {
    EventName: event,
    ResourceUri: `${core.baseUrl()}${resource.uri}`,
    ResourceName: resource.name,
    AuditUri: `${core.baseUrl()}/auditactivity/v1/auditrecords/${randomUUID()}`,
    ResourceChangeUtcDate: at.toISOString(),
  };
  core.webhooks.emit(tenantIds, body);
}

/** Logs an effect no caller asked for directly: work that came due. */
export function recordWork(
  core: Core,
  operation: string,
  account: string | null,
  customer: string | null,
): void {
  core.state.record({
    at: core.now().toISOString(),
    operation,
    account,
    customer,
    requestId: null,
    correlationId: null,
    replayed: false,
    status: null,
  });
}
