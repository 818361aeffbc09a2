import { sign, type KeyObject } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PartnerCenterWebhookBody } from '../partner-center.ts';
import type { ResolvedOptions } from './options.ts';
import type { SimulatorState } from './state.ts';

export const webhookSignatureAlgorithm = 'rsa-sha256';

/**
 * Partner Center's webhook signature ("Partner Center webhooks", How to authenticate the
 * callback): RSA with SHA-256 over the body's exact bytes, base64, sent as
 * `Authorization: Signature <base64>` beside `X-MS-Certificate-Url` (where the signing
 * certificate is) and `X-MS-Signature-Algorithm: rsa-sha256`. A receiver fetches the
 * certificate, checks who issued it, and verifies the signature against the bytes it received,
 * before parsing them.
 */
export function signPartnerCenterWebhook(body: string | Buffer, privateKey: KeyObject): string {
  return sign(
    'sha256',
    typeof body === 'string' ? Buffer.from(body, 'utf8') : body,
    privateKey,
  ).toString('base64');
}

export function partnerCenterWebhookHeaders(
  body: string,
  privateKey: KeyObject,
  certificateUrl: string,
): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    Authorization: `Signature ${signPartnerCenterWebhook(body, privateKey)}`,
    'X-MS-Certificate-Url': certificateUrl,
    'X-MS-Signature-Algorithm': webhookSignatureAlgorithm,
  };
}

/**
 * What stops every delivery: each one under way listens on it, and a move of many customers has
 * hundreds under way at once, past the default of 10 listeners Node warns about.
 */
function stopper(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

interface DispatcherDeps {
  state: SimulatorState;
  options: ResolvedOptions;
  privateKey: KeyObject;
  certificateUrl: () => string;
}

/**
 * Posts events to the URL each concerned account registered, retrying a failed delivery as
 * Partner Center does, and losing or doubling deliveries when a test asked for it. Every
 * attempt is logged.
 */
export class WebhookDispatcher {
  readonly #inFlight = new Set<Promise<void>>();
  #stop = stopper();

  constructor(private readonly deps: DispatcherDeps) {}

  /** Sends `event` to every account in `tenantIds` that registered for it. */
  emit(tenantIds: string[], event: PartnerCenterWebhookBody): void {
    const { state } = this.deps;
    const body = JSON.stringify(event);
    for (const tenantId of new Set(tenantIds)) {
      const registration = state.registrations.get(tenantId);
      if (!registration?.events.includes(event.EventName)) continue;
      if (state.webhooksToLose > 0) {
        state.webhooksToLose -= 1;
        state.recordDelivery({
          ...this.#entry(tenantId, registration.url, event.EventName, body),
          attempt: 0,
          outcome: 'lost',
          duplicate: false,
          status: null,
          error: null,
        });
        continue;
      }
      const copies = state.webhooksToDouble > 0 ? 2 : 1;
      if (copies === 2) state.webhooksToDouble -= 1;
      for (let copy = 0; copy < copies; copy += 1) {
        this.#track(this.#deliver(tenantId, registration.url, event.EventName, body, copy > 0));
      }
    }
  }

  /** Resolves once every delivery under way, retries included, has ended. */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  /** Abandons retries and deliveries under way (the simulator is closing or being reset). */
  async stop(): Promise<void> {
    this.#stop.abort();
    await this.settle();
    this.#stop = stopper();
  }

  #track(delivery: Promise<void>): void {
    this.#inFlight.add(delivery);
    void delivery.finally(() => this.#inFlight.delete(delivery));
  }

  #entry(account: string, url: string, eventName: string, body: string) {
    return { at: this.deps.options.clock.now().toISOString(), account, url, eventName, body };
  }

  async #deliver(
    account: string,
    url: string,
    eventName: string,
    body: string,
    duplicate: boolean,
  ): Promise<void> {
    const { options, privateKey, certificateUrl, state } = this.deps;
    const stop = this.#stop.signal;
    for (let attempt = 1; attempt <= options.webhookAttempts && !stop.aborted; attempt += 1) {
      let status: number | null = null;
      let error: string | null = null;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: partnerCenterWebhookHeaders(body, privateKey, certificateUrl()),
          body,
          redirect: 'manual',
          signal: AbortSignal.any([stop, AbortSignal.timeout(options.webhookTimeoutMs)]),
        });
        status = response.status;
        await response.body?.cancel();
      } catch (cause) {
        error = cause instanceof Error ? cause.message : String(cause);
      }
      const delivered = status !== null && status >= 200 && status < 300;
      state.recordDelivery({
        ...this.#entry(account, url, eventName, body),
        attempt,
        outcome: delivered ? 'delivered' : 'failed',
        duplicate,
        status,
        error: error ?? (delivered ? null : `HTTP ${status}`),
      });
      if (delivered || attempt === options.webhookAttempts) return;
      try {
        await sleep(options.webhookRetryDelayMs * 2 ** (attempt - 1), undefined, { signal: stop });
      } catch {
        return; // stopped while waiting
      }
    }
  }
}
