/**
 * The Partner Center simulator, for tests that start it in-process and for anything that
 * receives its webhooks. `npm run simulator` runs it as a process (`main.ts`).
 */
export { createSimulator, type RunningSimulator, type Simulator } from './simulator.ts';
export {
  defaultThrottleLimits,
  type RateLimit,
  type SimulatorClock,
  type SimulatorOptions,
  type ThrottleLimits,
} from './options.ts';
export { certificatePath } from './core.ts';
export { certificateSubject } from './certificate.ts';
export { gdapBasePath } from './gdap.ts';
export { graphScope, partnerCenterScope } from './token.ts';
export {
  partnerCenterWebhookHeaders,
  signPartnerCenterWebhook,
  webhookSignatureAlgorithm,
} from './webhooks.ts';
export type { CallRecord, DeliveryRecord } from './state.ts';
