import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { simAccount, type SimAccount } from '../bench/connected-setup.ts';
import { createApp } from '../src/app.ts';
import { createLogger } from '../src/logger.ts';
import { connectedModeFromConfig } from '../src/partner-center/connected/start.ts';
import { partnerCenterFromConfig } from '../src/partner-center/http-client.ts';
import type { GdapRelationship, PartnerCenter } from '../src/partner-center/partner-center.ts';
import { createSimulator, type Simulator } from '../src/partner-center/simulator/index.ts';
import { WebhookVerifier } from '../src/partner-center/webhook-signature.ts';
import type { OutboxWorker } from '../src/webhooks/outbox-worker.ts';
import { startWebhookWorker } from '../src/webhooks/webhook-worker.ts';
import { buildCustomer, buildPartner } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move, type Workflow } from './move.ts';
import { eventually, quickWorkerConfig } from './webhook-receiver.ts';

interface SimCall {
  operation: string;
  customer: string | null;
  replayed: boolean;
  requestId: string | null;
}

interface SimSubscription {
  id: string;
  offer: string;
  kind: string;
  quantity: number;
  baseSubscriptionId?: string;
}

/** The extension, the consent and the bill-to: the relationship's steps that have no API. */
export async function consentByExtension(move: Move, relationship: Workflow): Promise<void> {
  await move.send(move.team.manager, relationship.id, { type: 'USE_EXTENSION' });
  await move.send(move.team.manager, relationship.id, {
    type: 'CONSENT_GRANTED',
    grantedBy: { name: 'Carla Jung', email: 'carla@fabrikam.example' },
    method: 'signed_form',
    statementVersion: 'rre-consent-v1',
  });
  await move.send(move.team.globalAdmin, relationship.id, { type: 'BILL_TO_SHARING_CONFIRMED' });
}

const pcConfig = (simUrl: string) => ({
  PARTNER_CENTER_URL: simUrl,
  PARTNER_CENTER_GRAPH_URL: `${simUrl}/graph/v1.0`,
  PARTNER_CENTER_AUTHORITY: simUrl,
  PARTNER_CENTER_TIMEOUT_MS: 5000,
  PARTNER_CENTER_MAX_ATTEMPTS: 4,
  PARTNER_CENTER_POLL_MS: 60_000,
});

function connectedFor(h: Harness, simUrl: string, wrap?: (pc: PartnerCenter) => PartnerCenter) {
  const config = pcConfig(simUrl);
  const logger = createLogger('silent');
  return connectedModeFromConfig({
    db: h.db,
    engine: h.engine,
    secrets: h.secrets,
    config,
    logger,
    now: () => new Date(),
    ...(wrap ? { partnerCenter: wrap(partnerCenterFromConfig(config, { logger })) } : {}),
  });
}

/**
 * Tiershift in connected mode against the Partner Center simulator: both listen on loopback,
 * the simulator's webhooks reach Tiershift's receiver, and a real outbox worker carries out
 * the steps. The reconciliation runs when a test says, so that it can prove what it catches.
 */
export class ConnectedRig {
  readonly workers: OutboxWorker[] = [];

  private constructor(
    readonly h: Harness,
    readonly sim: Simulator,
    readonly simUrl: string,
    readonly server: Server,
    readonly tiershiftUrl: string,
    private readonly closeSim: () => Promise<void>,
    readonly connected: ReturnType<typeof connectedModeFromConfig>,
  ) {}

  static async start(h: Harness): Promise<ConnectedRig> {
    // The engine's days must be the simulator's (an MCA signed today is not in the future).
    h.clock.set(new Date());
    const sim = createSimulator({
      allowInsecureWebhooks: true,
      transferCompletionDelayMs: 50,
      migrationDelayMs: 50,
      gdapActivationDelayMs: 50,
      workIntervalMs: 20,
      webhookRetryDelayMs: 50,
    });
    const running = await sim.listen(0, '127.0.0.1');
    const app = createApp({
      db: h.db,
      engine: h.engine,
      secrets: h.secrets,
      logger: createLogger('silent'),
      config: {
        BODY_LIMIT_BYTES: 1024 * 1024,
        RATE_LIMIT_PER_MIN: 1_000_000,
        RATE_LIMIT_PER_IP_PER_MIN: 1_000_000,
        PUBLIC_URL: 'http://127.0.0.1:3000',
        WEBHOOK_ALLOW_INSECURE: true,
      },
      partnerCenterVerifier: new WebhookVerifier({
        trustedCertificateUrls: [`${running.url}/certificates/`],
      }),
    });
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    const { port } = server.address() as AddressInfo;
    const connected = connectedFor(h, running.url);
    return new ConnectedRig(
      h,
      sim,
      running.url,
      server,
      `http://127.0.0.1:${port}`,
      running.close,
      connected,
    );
  }

  /**
   * A worker carrying out Partner Center's steps and the webhooks, as the server runs one;
   * `wrap` puts something between it and Partner Center (a crash after a call, say).
   */
  startWorker(wrap?: (pc: PartnerCenter) => PartnerCenter): OutboxWorker {
    const connected = wrap ? connectedFor(this.h, this.simUrl, wrap) : this.connected;
    const worker = startWebhookWorker({
      db: this.h.db,
      secrets: this.h.secrets,
      // A short time-out keeps the claim short: a step whose worker died is soon taken over.
      config: { ...quickWorkerConfig, WEBHOOK_TIMEOUT_MS: 500 },
      logger: createLogger('silent'),
      now: () => new Date(),
      handlers: connected.handlers,
      leaseMs: 1500,
    });
    this.workers.push(worker);
    return worker;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.stop()));
    await new Promise((resolve) => this.server.close(resolve));
    await this.closeSim();
  }

  async control(path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.simUrl}/_sim${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    expect(res.status, `${path}: ${text}`).toBeLessThan(300);
    return text ? (JSON.parse(text) as unknown) : undefined;
  }

  /** An account's token from the simulator's Entra, as a person would get one. */
  async token(
    a: SimAccount,
    scope = 'https://api.partnercenter.microsoft.com/user_impersonation',
  ): Promise<string> {
    const res = await fetch(`${this.simUrl}/${a.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: a.clientId,
        client_secret: a.clientSecret,
        refresh_token: a.refreshToken,
        scope,
      }),
    });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  }

  /** A GDAP relationship as the account that asked for it reads it from Graph. */
  async gdap(a: SimAccount, id: string): Promise<GdapRelationship> {
    const res = await fetch(
      `${this.simUrl}/graph/v1.0/tenantRelationships/delegatedAdminRelationships/${id}`,
      {
        headers: {
          authorization: `Bearer ${await this.token(a, 'https://graph.microsoft.com/.default')}`,
        },
      },
    );
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as GdapRelationship;
  }

  /** Registers Tiershift's receiver for an account's Partner Center webhooks. */
  async registerWebhooks(a: SimAccount): Promise<void> {
    const res = await fetch(`${this.simUrl}/webhooks/v1/registration`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await this.token(a)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        WebhookUrl: `${this.tiershiftUrl}/partner-center/webhooks`,
        WebhookEvents: [
          'complete-transfer',
          'fail-transfer',
          'indirect-reseller-relationship-accepted-by-customer',
          'reseller-relationship-accepted-by-customer',
        ],
      }),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  }

  /**
   * A move whose partner and provider are known to the simulator, registered its webhooks,
   * and have given Tiershift their credentials.
   */
  async connectedMove(): Promise<{ move: Move; partner: SimAccount; provider: SimAccount }> {
    const built = buildPartner();
    const move = await Move.start(this.h.app, this.h.adminToken, built);
    const partner = simAccount(built.name, built.mpnId, built.tenantId);
    const provider = simAccount('Distributor', String(2_000_000 + Math.floor(Math.random() * 1e6)));
    await this.control('/accounts', [
      { ...partner, kind: 'partner' },
      { ...provider, kind: 'provider' },
    ]);
    for (const a of [partner, provider]) await this.registerWebhooks(a);
    const credentials = (a: SimAccount) => ({
      tenantId: a.tenantId,
      clientId: a.clientId,
      clientSecret: a.clientSecret,
      refreshToken: a.refreshToken,
    });
    const admin = as(this.h.app, this.h.adminToken);
    const p = await admin.put(
      `/v1/partners/${move.team.partnerId}/partner-center-connection`,
      credentials(partner),
    );
    expect(p.status, JSON.stringify(p.body)).toBeLessThan(300);
    const v = await admin.put(
      `/v1/providers/${move.provider.id}/partner-center-connection`,
      credentials(provider),
    );
    expect(v.status, JSON.stringify(v.body)).toBeLessThan(300);
    return { move, partner, provider };
  }

  /** A workflow's history as an admin reads it, oldest first (up to 500 rows). */
  async history<Row>(id: string): Promise<Row[]> {
    const res = await as(this.h.app, this.h.adminToken).get(
      `/v1/workflows/${id}/history?limit=500`,
    );
    return (res.body as { items: Row[] }).items;
  }

  /** Every call the simulator answered, in order. */
  async calls(): Promise<SimCall[]> {
    return ((await this.control('/calls')) as { items: SimCall[] }).items;
  }

  /** Effects the simulator carried out (not answers it repeated), by operation, for a customer. */
  async effects(tenantId: string): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    for (const call of await this.calls()) {
      if (call.customer !== tenantId || call.replayed) continue;
      counts[call.operation] = (counts[call.operation] ?? 0) + 1;
    }
    return counts;
  }

  /**
   * A customer known to Tiershift and to the simulator alike; `legacy` names subscriptions
   * that still need a new-commerce migration.
   */
  async customer(
    move: Move,
    partner: SimAccount,
    overrides: Record<string, unknown> = {},
    legacy: readonly string[] = [],
  ): Promise<{ id: string; tenantId: string; subscriptions: SimSubscription[] }> {
    const built = buildCustomer(overrides);
    const subscriptions = built.subscriptions as SimSubscription[];
    await this.control('/customers', {
      tenantId: built.tenantId,
      name: built.name,
      email: built.billTo.email,
      partnerTenantId: partner.tenantId,
      subscriptions: subscriptions.map((s) => ({
        id: s.id,
        offerId: s.offer,
        friendlyName: s.offer,
        quantity: s.quantity,
        billingCycle: 'Monthly',
        ...(legacy.includes(s.id) ? { legacy: true } : {}),
        ...(s.baseSubscriptionId ? { baseSubscriptionId: s.baseSubscriptionId } : {}),
      })),
    });
    const [id] = await move.importCustomers([built]);
    return { id: id!, tenantId: built.tenantId, subscriptions };
  }

  /** Waits for a workflow to reach a state, reconciling as the poll would if told to. */
  async reach(
    move: Move,
    id: string,
    state: string,
    options: { reconcile?: boolean; timeoutMs?: number } = {},
  ): Promise<Workflow> {
    return eventually(
      async () => {
        if (options.reconcile) await this.connected.reconcile();
        const workflow = await move.get(id);
        return workflow.state === state ? workflow : undefined;
      },
      `${id} to reach ${state}`,
      options.timeoutMs ?? 15_000,
    );
  }
}

/**
 * The hooks of a file of connected-mode tests: one harness and one rig for the file, and
 * after each test its workers stopped and the simulator's injected faults cleared. `use`
 * is handed both once they have started.
 */
export function useConnectedRig(use: (started: { h: Harness; rig: ConnectedRig }) => void): void {
  let started: { h: Harness; rig: ConnectedRig } | undefined;
  beforeAll(async () => {
    const h = await startHarness();
    started = { h, rig: await ConnectedRig.start(h) };
    use(started);
  });
  afterEach(async () => {
    if (!started) return;
    await Promise.all(started.rig.workers.splice(0).map((w) => w.stop()));
    await fetch(`${started.rig.simUrl}/_sim/faults`, { method: 'DELETE' });
  });
  afterAll(async () => {
    await started?.rig.close();
    await started?.h.close();
  });
}
