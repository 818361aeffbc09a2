import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { pool, type Api } from './api.ts';
import type { PlannedCustomer } from './connected-plan.ts';
import type { Partner, Provider } from './scenario.ts';

/** What the people and the customers did, counted. */
export interface HandFigures {
  /** Events sent one at a time, and calls of the batch route with the events they applied. */
  singleEvents: number;
  batchCalls: number;
  batchApplied: number;
  /** The customers' acts in the simulator: acceptances, MCA signatures, GDAP approvals. */
  customerActs: number;
  /** Requests to Tiershift sent again after the connection broke or could not be made. */
  resent: number;
}

interface Listed {
  id: string;
  customerId?: string;
  state: string;
  context: Record<string, unknown>;
}

export interface Hands {
  api: Api;
  sim: Api;
  admin: string;
  partner: Partner;
  provider: Provider;
  providerTenantId: string;
  /** Customers by their Tiershift id. */
  customers: ReadonlyMap<string, PlannedCustomer>;
  concurrency: number;
  /**
   * The customers' acts per second at most (0: as fast as they come). Every acceptance makes
   * Partner Center send two webhooks at once; customers who all accept in the same few seconds
   * are a burst no partner sees.
   */
  actsPerSecond: number;
}

/** How long a person waits before looking again when nothing waited for them. */
const idle = 500;
const brokenConnection = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE']);

/**
 * Everything a person or a customer does in a connected move, done as soon as a workflow
 * waits for it, until the transition completes; what Partner Center reports comes back on
 * its own. The partner's people send what is the same for many workflows through the batch
 * route, and what differs per customer (who consented, which subscriptions) one at a time.
 * The customers accept, sign and approve in the simulator. Resolves when the transition is
 * completed; rejects if it stalls for `stallMs` with nothing left to do by hand.
 */
export async function driveByHand(
  h: Hands,
  stallMs: number,
  progress: (line: string) => void,
): Promise<HandFigures> {
  const figures: HandFigures = {
    singleEvents: 0,
    batchCalls: 0,
    batchApplied: 0,
    customerActs: 0,
    resent: 0,
  };

  /**
   * A request to Tiershift, sent again when its connection broke or was never made, as a
   * careful client does: a write goes under an Idempotency-Key, so a repeat of one that
   * arrived is answered with its first outcome and applies nothing twice.
   */
  const call = async <T>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> => {
    const headers: Record<string, string> =
      method === 'GET' ? {} : { 'Idempotency-Key': randomUUID() };
    for (let attempt = 1; ; attempt += 1) {
      try {
        const res = await h.api.request(method, path, {
          token,
          ...(body === undefined ? {} : { body }),
          headers,
          connectTimeoutMs: 10_000,
        });
        if (res.status >= 300)
          throw new Error(`${method} ${path} → ${res.status} ${res.text.slice(0, 300)}`);
        return JSON.parse(res.text) as T;
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (!brokenConnection.has(code) || attempt >= 10) throw error;
        figures.resent += 1;
        await sleep(1000);
      }
    }
  };
  const t = h.partner.transitionId;
  let done = false;
  let lastProgress = performance.now();
  const progressed = () => (lastProgress = performance.now());

  const list = async (machine: string, state: string): Promise<Listed[]> => {
    const out: Listed[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Listed[]; nextCursor: string | null } = await call(
        h.admin,
        'GET',
        `/v1/workflows?parentId=${t}&machine=${machine}&state=${state}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  };

  /** One event to every workflow the filter matches, a page of 500 at a time. */
  const batch = async (
    token: string,
    filter: Record<string, unknown>,
    event: Record<string, unknown>,
  ): Promise<number> => {
    let applied = 0;
    let cursor: string | null = null;
    do {
      const answer: { applied: number; nextCursor: string | null } = await call(
        token,
        'POST',
        '/v1/workflows/events:batch',
        { filter: { parentId: t, ...filter }, event, limit: 500, ...(cursor ? { cursor } : {}) },
      );
      figures.batchCalls += 1;
      applied += answer.applied;
      cursor = answer.nextCursor;
    } while (cursor);
    figures.batchApplied += applied;
    if (applied > 0) progressed();
    return applied;
  };

  const single = async (token: string, id: string, event: Record<string, unknown>) => {
    await call(token, 'POST', `/v1/workflows/${id}/events`, event);
    figures.singleEvents += 1;
    progressed();
  };

  let nextActAt = 0;
  const act = async (path: string, body: unknown) => {
    if (h.actsPerSecond > 0) {
      const at = Math.max(performance.now(), nextActAt);
      nextActAt = at + 1000 / h.actsPerSecond;
      await sleep(at - performance.now());
    }
    const res = await h.sim.request('POST', `/_sim${path}`, { body });
    if (res.status >= 300) throw new Error(`simulator ${path} → ${res.status} ${res.text}`);
    figures.customerActs += 1;
    progressed();
  };

  const chunks = <T>(items: readonly T[], size: number): T[][] =>
    Array.from({ length: Math.ceil(items.length / size) }, (_, i) =>
      items.slice(i * size, (i + 1) * size),
    );

  /** Runs `step` until the move is done, pausing when it found nothing to do. */
  const loop = async (step: () => Promise<number>) => {
    try {
      while (!done) {
        if ((await step()) === 0 && !done) await sleep(idle);
      }
    } finally {
      // One step failing ends them all; Promise.all then rejects with its error.
      done = true;
    }
  };

  let seenMoved = -1;
  const started = performance.now();
  let lastReport = started;
  const customerOf = (w: Listed) => h.customers.get(w.customerId ?? '');
  const acted = { accepted: new Set<string>(), signed: new Set<string>(), approved: new Set() };
  const confirmed = new Set<string>();

  const steps: Array<() => Promise<number>> = [
    // The manager chooses how each relationship is made: the extension unless the provider
    // needs admin rights, which only an invitation (then GDAP) gives.
    async () => {
      const waiting = await list('resellerRelationship', 'choosingMethod');
      let applied = 0;
      for (const [type, gdap] of [
        ['USE_EXTENSION', false],
        ['USE_INVITATION', true],
      ] as const) {
        const ids = waiting.filter((w) => customerOf(w)?.gdap === gdap).map((w) => w.id);
        for (const workflowIds of chunks(ids, 500)) {
          applied += await batch(
            h.partner.manager,
            { machine: 'resellerRelationship', workflowIds },
            { type },
          );
        }
      }
      return applied;
    },
    // Each customer's consent, given by its own person.
    async () => {
      const waiting = await list('resellerRelationship', 'awaitingConsent');
      await pool(waiting, h.concurrency, async (w) => {
        const c = customerOf(w);
        await single(h.partner.manager, w.id, {
          type: 'CONSENT_GRANTED',
          grantedBy: { name: `IT lead of ${c?.name ?? w.id}`, email: c?.email ?? 'it@x.example' },
          method: 'signed_form',
          statementVersion: 'rre-consent-v1',
        });
      });
      return waiting.length;
    },
    () =>
      batch(
        h.partner.globalAdmin,
        { machine: 'resellerRelationship', state: 'billToSharing' },
        { type: 'BILL_TO_SHARING_CONFIRMED' },
      ),
    // The customer accepts the provider and the partner as its indirect reseller.
    async () => {
      const waiting = [
        ...(await list('resellerRelationship', 'awaitingCustomerAcceptance')),
        ...(await list('resellerRelationship', 'invitationSent')),
      ].filter((w) => !acted.accepted.has(w.id));
      await pool(waiting, h.concurrency, async (w) => {
        acted.accepted.add(w.id);
        await act(`/customers/${customerOf(w)!.tenantId}/relationships`, {
          providerTenantId: h.providerTenantId,
          resellerTenantId: h.partner.tenantId,
        });
      });
      return waiting.length;
    },
    // A customer whose MCA was only attested signs it itself in the admin center, or accepts
    // it through its provider, who records it once the customer has accepted it as provider
    // (before, Partner Center would not let the provider record anything for the customer).
    async () => {
      const waiting = (await list('mcaReacceptance', 'awaitingAcceptance')).filter(
        (w) => !acted.signed.has(w.id),
      );
      const established = waiting.some((w) => customerOf(w)?.providerRecordsMca)
        ? new Set((await list('resellerRelationship', 'established')).map((r) => r.customerId))
        : new Set<string | undefined>();
      const ready = waiting.filter(
        (w) => !customerOf(w)?.providerRecordsMca || established.has(w.customerId),
      );
      await pool(ready, h.concurrency, async (w) => {
        acted.signed.add(w.id);
        const c = customerOf(w)!;
        if (!c.providerRecordsMca) return act(`/customers/${c.tenantId}/mca/sign`, {});
        await single(h.provider.token, w.id, {
          type: 'ACCEPTANCE_RECORDED',
          acceptedBy: { firstName: 'IT lead', lastName: c.name, email: c.email },
          dateAgreed: new Date().toISOString().slice(0, 10),
        });
      });
      return ready.length;
    },
    // The customer approves the GDAP relationship Partner Center says the provider asked for.
    async () => {
      const waiting = (await list('resellerRelationship', 'gdapRequested')).filter(
        (w) => !acted.approved.has(w.id),
      );
      await pool(waiting, h.concurrency, async (w) => {
        acted.approved.add(w.id);
        const history: {
          items: Array<{
            type: string;
            payload: { evidence?: { partnerCenter?: { resourceId?: string } } };
          }>;
        } = await call(h.admin, 'GET', `/v1/workflows/${w.id}/history?limit=500`);
        const requested = history.items.findLast((r) => r.type === 'GDAP_REQUESTED');
        const id = requested?.payload.evidence?.partnerCenter?.resourceId;
        if (!id) throw new Error(`${w.id}: no GDAP relationship named in its history`);
        await act(`/gdap/${id}/approve`, {});
      });
      return waiting.length;
    },
    () =>
      batch(
        h.partner.manager,
        { machine: 'subscriptionTransfer', state: 'agreement' },
        { type: 'CUSTOMER_AGREED' },
      ),
    // The provider confirms every subscription, once the legacy one has been migrated (it then
    // has its new id and kind).
    async () => {
      const ready = (await list('subscriptionTransfer', 'detailsReview')).filter((w) => {
        const subscriptions = w.context.subscriptions as Array<{ id: string; kind: string }>;
        return !confirmed.has(w.id) && !subscriptions.some((s) => s.kind.startsWith('legacy_'));
      });
      await pool(ready, h.concurrency, async (w) => {
        confirmed.add(w.id);
        const subscriptions = w.context.subscriptions as Array<{ id: string }>;
        await single(h.provider.token, w.id, {
          type: 'DETAILS_CONFIRMED',
          subscriptionIds: subscriptions.map((s) => s.id),
        });
      });
      return ready.length;
    },
  ];

  const watch = () =>
    loop(async () => {
      const transition: { state: string; context: { customersMoved?: number } } = await call(
        h.admin,
        'GET',
        `/v1/workflows/${t}`,
      );
      if (transition.state === 'completed') {
        done = true;
        return 1;
      }
      const moved = transition.context.customersMoved ?? 0;
      if (moved !== seenMoved) {
        seenMoved = moved;
        progressed();
      }
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        progress(
          `${((lastReport - started) / 1000).toFixed(0)} s: ${moved} customers moved; ${figures.customerActs} customers' acts, ${figures.singleEvents + figures.batchApplied} events sent`,
        );
      }
      if (performance.now() - lastProgress > stallMs) {
        throw new Error(
          `The connected move stalled: nothing moved for ${stallMs / 1000} s, ${moved} customers moved, in ${transition.state}`,
        );
      }
      return 0;
    });

  await Promise.all([watch(), ...steps.map(loop)]);
  return figures;
}
