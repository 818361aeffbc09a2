import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { partnerCenterOperations } from '../../../machines/common.ts';
import type { CallIds } from '../partner-center.ts';

/** An outbox message asking the worker to carry out one step in Partner Center. */
export const callMessage = z.object({
  workflowId: z.string(),
  operation: z.enum(partnerCenterOperations),
  requestId: z.uuid(),
  correlationId: z.uuid(),
  /** The request to cancel, when the worker names it; otherwise the workflow's open one. */
  transferId: z.string().min(1).optional(),
});
export type CallMessage = z.infer<typeof callMessage>;

/**
 * A step's message, with the ids its calls go under. They are fixed here, when the step is
 * written, so that every attempt of the worker repeats them and Partner Center does the step
 * once however many times the worker had to try.
 */
export function partnerCenterCall(
  workflowId: string,
  operation: CallMessage['operation'],
  target: Pick<CallMessage, 'transferId'> = {},
): CallMessage {
  return {
    workflowId,
    operation,
    requestId: randomUUID(),
    correlationId: randomUUID(),
    ...(target.transferId === undefined ? {} : { transferId: target.transferId }),
  };
}

/**
 * The ids of the `part`-th call of a step that makes several (a validation then a migration,
 * one per subscription): derived from the step's own, so they too repeat on every attempt.
 */
export function callIds(message: CallMessage, part?: string): CallIds {
  if (part === undefined)
    return { requestId: message.requestId, correlationId: message.correlationId };
  const hash = createHash('sha256').update(`${message.requestId}\n${part}`).digest('hex');
  // Shaped as a version 4 UUID, which is what Partner Center expects in MS-RequestId.
  const requestId = [
    hash.slice(0, 8),
    hash.slice(8, 12),
    `4${hash.slice(13, 16)}`,
    `${((parseInt(hash.slice(16, 17), 16) & 0x3) | 0x8).toString(16)}${hash.slice(17, 20)}`,
    hash.slice(20, 32),
  ].join('-');
  return { requestId, correlationId: message.correlationId };
}
