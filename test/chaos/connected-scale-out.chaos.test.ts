import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { Api } from '../../bench/api.ts';
import { driveByHand } from '../../bench/connected-hands.ts';
import { planCustomers } from '../../bench/connected-plan.ts';
import {
  connectedOutcome,
  setUpConnectedMove,
  simCall,
  simulatorEnv,
} from '../../bench/connected-setup.ts';
import { ServerProcess } from '../../bench/server-process.ts';
import { createSimulator } from '../../src/partner-center/simulator/index.ts';
import { freshDatabase } from './fresh-database.ts';
import { checkMove } from './move-invariants.ts';
import { observeMove } from './move-observation.ts';
import { RoundRobin } from './round-robin.ts';

/**
 * Connected mode scaled out: several instances on one Postgres carry out Partner Center's steps
 * from one outbox and read it back in one reconciliation, while Partner Center's webhooks land
 * on any of them, every one twice, and an instance dies with SIGKILL in the middle. Whoever
 * does a step, and however often its news arrives, Partner Center must see each effect once
 * and every workflow must record it once.
 */
const adminToken = `chaos-admin-${crypto.randomUUID()}`;
const instances = 3;
const customers = 8;

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('connected mode on several instances', () => {
  it(`when ${instances} instances share a connected move of ${customers} customers, every Partner Center webhook comes twice and one instance is killed mid-move, then every transfer completes, each effect happens once in Partner Center, nothing is rejected and every history verifies`, async () => {
    const fresh = await freshDatabase('connected_scale');
    cleanups.push(fresh.drop);
    const simulator = createSimulator({
      allowInsecureWebhooks: true,
      // Migrations, transfers and GDAP activation complete in a few hundred milliseconds.
      timeScale: 10,
      workIntervalMs: 20,
      webhookRetryDelayMs: 200,
      // Three instances polling every half second read far more than one partner would; only
      // the documented limit on migrations throttles here.
      throttling: { perAccount: { limit: Number.MAX_SAFE_INTEGER, windowMs: 60_000 } },
    });
    const running = await simulator.listen(0, '127.0.0.1');
    cleanups.push(running.close);

    const env = {
      ...simulatorEnv(running.url),
      PARTNER_CENTER_POLL_MS: '500',
      // A step's claim lasts its attempts × (time-out + the longest Retry-After honoured):
      // one attempt of 3 s keeps what a killed instance held to about a minute.
      PARTNER_CENTER_MAX_ATTEMPTS: '1',
      PARTNER_CENTER_TIMEOUT_MS: '3000',
      OUTBOX_INTERVAL_MS: '50',
      WEBHOOK_RETRY_BASE_MS: '200',
      WEBHOOK_RETRY_MAX_MS: '2000',
    };
    const servers: ServerProcess[] = [];
    cleanups.push(() => Promise.all(servers.map((s) => s.kill('SIGKILL'))).then(() => undefined));
    const start = async () => {
      const server = await ServerProcess.start({ databaseUrl: fresh.url, adminToken, env });
      servers.push(server);
      return server;
    };
    // They start together on the new database: one migrates it, the others wait their turn.
    await Promise.all(Array.from({ length: instances }, start));
    const balancer = await RoundRobin.start(servers.map((s) => s.base));
    cleanups.push(() => balancer.close());
    const api = new Api(balancer.url);
    const sim = new Api(running.url);
    cleanups.push(() => {
      api.close();
      sim.close();
      return Promise.resolve();
    });

    const planned = planCustomers({
      customers,
      legacyShare: 0.25,
      gdapShare: 0.34,
      providerRecordsMcaShare: 0.5,
    });
    const move = await setUpConnectedMove(api, sim, adminToken, planned, balancer.url);
    await simCall(sim, 'POST', '/_sim/webhooks/double', { count: 10_000 });
    await api.event(move.partner.globalAdmin, move.partner.transitionId, {
      type: 'PROVIDER_INVITATION_ACCEPTED',
      providerId: move.provider.id,
    });
    const started = performance.now();

    // The kill comes when Partner Center has created its first transfer request: the others
    // are being created, submitted or still waiting on their relationships and MCAs.
    const effects = (operation: string) =>
      simulator.state.calls.filter((c) => c.operation === operation && !c.replayed).length;
    let killed: { pid: number; at: number; transfersCreated: number; completed: number } | null =
      null;
    const killer = (async () => {
      while (effects('createTransfer') === 0) await sleep(5);
      const victim = servers.splice(randomInt(servers.length), 1)[0]!;
      await victim.kill('SIGKILL');
      killed = {
        pid: victim.pid,
        at: (performance.now() - started) / 1000,
        transfersCreated: effects('createTransfer'),
        completed: effects('completeTransfer'),
      };
      // A fresh instance takes its place behind the balancer, as an orchestrator would start one.
      balancer.add((await start()).base);
    })();
    const hands = await driveByHand(
      {
        api,
        sim,
        admin: adminToken,
        partner: move.partner,
        provider: move.provider,
        providerTenantId: move.asProvider.tenantId,
        customers: move.customers,
        concurrency: 4,
        actsPerSecond: 0,
      },
      // Past the lease of a step the killed instance held, so that taking it over is no stall.
      150_000,
      (line) => console.log(`connected-scale-out: ${line}`),
    );
    await killer;
    const moveSeconds = (performance.now() - started) / 1000;
    expect(killed, 'the kill came before the move completed').not.toBeNull();
    expect(killed!.completed, 'transfers completed when the instance was killed').toBeLessThan(
      customers,
    );

    // Nothing left for anyone: the doubled webhooks looked into, the killed instance's claims
    // lapsed and taken over; none given up.
    const outbox = async () =>
      (
        await fresh.db.raw<{
          rows: Array<{ kind: string; status: string; last_error: string | null; count: string }>;
        }>('SELECT kind, status, last_error, count(*) FROM outbox GROUP BY 1, 2, 3')
      ).rows;
    const drainedBy = performance.now() + 90_000;
    for (;;) {
      const pending = (await outbox()).filter((r) => r.status === 'pending');
      if (pending.length === 0) break;
      expect(performance.now() < drainedBy, `still pending: ${JSON.stringify(pending)}`).toBe(true);
      await sleep(250);
    }
    const drainSeconds = (performance.now() - started) / 1000 - moveSeconds;
    expect((await outbox()).filter((r) => r.status === 'failed')).toEqual([]);

    const outcome = await connectedOutcome(
      api,
      sim,
      simulator,
      adminToken,
      move.partner.transitionId,
      planned,
    );
    expect(outcome.problems).toEqual([]);

    const observation = await observeMove(
      { db: fresh.db, get: (path) => api.call(adminToken, 'GET', path, undefined, [200]) },
      {
        label: 'connected-scale-out',
        partnerId: move.partner.id,
        transitionId: move.partner.transitionId,
        imports: [],
      },
    );
    expect(observation.transition.state).toBe('completed');
    expect(checkMove(observation)).toEqual([]);
    const rejected = observation.history.filter((h) => h.outcome === 'rejected');
    expect(
      rejected.map((h) => `${h.workflowId} #${h.seq} ${h.type} by ${h.actorRole} in ${h.from}`),
    ).toEqual([]);
    expect(Object.values(observation.verdicts).every((v) => v.valid)).toBe(true);
    expect(Object.keys(observation.verdicts)).toHaveLength(1 + observation.children.length);

    // No instance answered anything with a 5xx: not the people, not Partner Center's webhooks.
    const failures = balancer.answers.filter((a) => a.status >= 500);
    expect(failures).toEqual([]);
    const deliveries = simulator.state.deliveries;
    expect(deliveries.filter((d) => d.duplicate).length, 'webhooks sent twice').toBeGreaterThan(0);
    const webhooksBy = new Set(
      balancer.answers.filter((a) => a.path === '/partner-center/webhooks').map((a) => a.backend),
    );
    expect(webhooksBy.size, 'instances that received webhooks').toBeGreaterThan(1);

    const replayed = simulator.state.calls.filter((c) => c.replayed).map((c) => c.operation);
    console.log(
      `connected-scale-out: ${customers} customers moved in ${moveSeconds.toFixed(1)} s by ${instances} instances; ` +
        `instance ${killed!.pid} killed at ${killed!.at.toFixed(1)} s (${killed!.transfersCreated} transfers created, ${killed!.completed} completed); ` +
        `outbox drained ${drainSeconds.toFixed(1)} s later; ${balancer.answers.length} answers through the balancer, ${hands.resent} requests resent; ` +
        `Partner Center: ${deliveries.length} webhook attempts (${deliveries.filter((d) => d.duplicate).length} duplicates, ${deliveries.filter((d) => d.outcome === 'failed').length} failed), ` +
        `${outcome.calls.length} calls logged, ${replayed.length} repeats answered from memory${replayed.length > 0 ? ` (${replayed.join(', ')})` : ''}`,
    );
  });
});
