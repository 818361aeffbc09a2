import { randomInt } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Api } from '../../bench/api.ts';
import {
  createProvider,
  importCustomers,
  partnerInEnrolling,
  startMigrating,
  type Partner,
  type Provider,
} from '../../bench/scenario.ts';
import { ServerProcess } from '../../bench/server-process.ts';
import { createDatabase, type Database } from '../../src/store/database.ts';

const adminToken = `chaos-admin-${crypto.randomUUID()}`;
/** Webhooks to loopback, answered or given up within seconds, looked for often. */
const webhookEnv = {
  WEBHOOK_ALLOW_INSECURE: 'true',
  WEBHOOK_TIMEOUT_MS: '1500',
  WEBHOOK_RETRY_BASE_MS: '50',
  WEBHOOK_RETRY_MAX_MS: '500',
  WEBHOOK_DISABLE_AFTER: '10000',
  OUTBOX_INTERVAL_MS: '50',
};
const servers: ServerProcess[] = [];
let db: Database | undefined;
afterAll(async () => {
  await Promise.all(servers.map((s) => s.kill()));
  await db?.destroy();
});

async function startServer(databaseUrl: string, port?: number): Promise<ServerProcess> {
  const server = await ServerProcess.start({ databaseUrl, adminToken, env: webhookEnv, port });
  servers.push(server);
  return server;
}

interface Arrival {
  id: string;
  workflowId: string;
  seq: number;
  verified: boolean;
}

/** A receiver that checks every signature, and answers as `answer` says, after `delayMs`. */
async function receiver(answer: () => { status: number; delayMs: number }) {
  const arrivals: Arrival[] = [];
  let secret = '';
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let verified = true;
      try {
        new Webhook(secret).verify(body, req.headers as Record<string, string>);
      } catch {
        verified = false;
      }
      const parsed = JSON.parse(body) as {
        id: string;
        data: { workflow: { id: string }; step: { seq: number } };
      };
      const { status, delayMs } = answer();
      setTimeout(() => {
        // Counted once answered: a delivery cut off by a kill was not received.
        if (status < 300)
          arrivals.push({
            id: parsed.id,
            workflowId: parsed.data.workflow.id,
            seq: parsed.data.step.seq,
            verified,
          });
        res.writeHead(status).end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrivals,
    useSecret: (s: string) => (secret = s),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Every state change of the partner's workflows recorded after `since`: what must be heard. */
async function stateChanges(database: Database, partnerId: string, since: Date): Promise<string[]> {
  const rows = await database('history')
    .join('workflows', 'workflows.id', 'history.workflow_id')
    .where('workflows.partner_id', partnerId)
    .andWhere('history.outcome', 'applied')
    .andWhere('history.at', '>', since)
    .andWhereRaw('history.from_state IS NOT NULL AND history.from_state <> history.to_state')
    .select<Array<{ workflow_id: string; seq: number }>>('history.workflow_id', 'history.seq');
  return rows.map((r) => `${r.workflow_id}#${r.seq}`);
}

async function drained(database: Database): Promise<void> {
  for (;;) {
    const row = (await database('outbox').where('status', 'pending').count({ n: '*' }).first()) as {
      n: string;
    };
    if (Number(row.n) === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * One round of the move's next steps for every customer that has one: a relationship's
 * method, then its acceptance; an MCA's request. Requests a killed server never answered
 * are left for the next round, which reads the states again.
 */
async function round(api: Api, partner: Partner, concurrency: number): Promise<number> {
  const t = partner.transitionId;
  const work: Array<{ id: string; event: Record<string, unknown> }> = [];
  for (const r of await api.all(partner.manager, `parentId=${t}&machine=resellerRelationship`)) {
    if (r.state === 'choosingMethod') work.push({ id: r.id, event: { type: 'USE_INVITATION' } });
    if (r.state === 'invitationSent')
      work.push({ id: r.id, event: { type: 'INVITATION_ACCEPTED' } });
  }
  for (const m of await api.all(
    partner.manager,
    `parentId=${t}&machine=mcaReacceptance&state=awaitingAcceptance`,
  )) {
    work.push({ id: m.id, event: { type: 'ACCEPTANCE_REQUESTED' } });
  }
  let next = 0;
  let sent = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < work.length) {
        const item = work[next++]!;
        try {
          await api.request('POST', `/v1/workflows/${item.id}/events`, {
            token: partner.manager,
            body: item.event,
          });
          sent += 1;
        } catch {
          return;
        }
      }
    }),
  );
  return sent;
}

async function migratingPartner(
  api: Api,
  customers: number,
): Promise<{ partner: Partner & { enrollmentId: string }; provider: Provider }> {
  const provider = await createProvider(api, adminToken);
  const partner = await partnerInEnrolling(api, adminToken);
  await importCustomers(api, partner, customers, 1);
  return { partner, provider };
}

async function subscribe(api: Api, partner: Partner, url: string) {
  return api.call<{ id: string; secret: string; createdAt: string }>(
    partner.manager,
    'POST',
    '/v1/webhooks',
    { url, events: ['workflow.state_changed'] },
  );
}

describe('webhooks: crashes and scale-out', () => {
  it('when the server is killed mid-delivery under load, then every committed state change is delivered at least once, signed, with one id per event', async () => {
    const databaseUrl = inject('databaseUrl');
    if (!databaseUrl) throw new Error('The chaos tests run on Postgres: set DATABASE_URL');
    db = createDatabase({ databaseUrl });
    // Slow at times, failing at times: kills land while deliveries are in flight.
    const hooks = await receiver(() => ({
      status: randomInt(10) === 0 ? 500 : 204,
      delayMs: randomInt(300),
    }));
    let server = await startServer(databaseUrl);
    const setup = new Api(server.base);
    const { partner, provider } = await migratingPartner(setup, 120);
    const subscription = await subscribe(setup, partner, hooks.url);
    hooks.useSecret(subscription.secret);
    await startMigrating(setup, adminToken, partner, provider);
    setup.close();

    let kills = 0;
    for (let crash = 0; crash < 6; crash += 1) {
      const api = new Api(server.base);
      const load = round(api, partner, 8);
      await new Promise((r) => setTimeout(r, randomInt(100, 1200)));
      await server.kill('SIGKILL');
      kills += 1;
      await load;
      api.close();
      server = await startServer(databaseUrl, server.port);
    }
    // The rest of the move without kills, then the outbox left to drain.
    const api = new Api(server.base);
    while ((await round(api, partner, 8)) > 0);
    api.close();
    await drained(db);

    const expected = await stateChanges(db, partner.id, new Date(subscription.createdAt));
    const heard = new Set(hooks.arrivals.map((a) => `${a.workflowId}#${a.seq}`));
    expect(kills).toBe(6);
    expect(expected.length).toBeGreaterThan(200);
    expect(expected.filter((e) => !heard.has(e))).toEqual([]);
    expect(hooks.arrivals.every((a) => a.verified)).toBe(true);
    // Each step has one event id, however often it arrived.
    const idsOf = new Map<string, Set<string>>();
    for (const a of hooks.arrivals) {
      const key = `${a.workflowId}#${a.seq}`;
      idsOf.set(key, (idsOf.get(key) ?? new Set()).add(a.id));
    }
    expect([...idsOf.values()].filter((ids) => ids.size > 1)).toEqual([]);
    await hooks.close();
    await Promise.all(servers.splice(0).map((s) => s.kill()));
  });

  it('when two server processes share one database, then each notification is delivered exactly once', async () => {
    const databaseUrl = inject('databaseUrl');
    db ??= createDatabase({ databaseUrl: databaseUrl! });
    const hooks = await receiver(() => ({ status: 204, delayMs: 0 }));
    const first = await startServer(databaseUrl!);
    const second = await startServer(databaseUrl!);
    const apis = [new Api(first.base), new Api(second.base)];
    const { partner, provider } = await migratingPartner(apis[0]!, 80);
    const subscription = await subscribe(apis[1]!, partner, hooks.url);
    hooks.useSecret(subscription.secret);
    await startMigrating(apis[0]!, adminToken, partner, provider);
    // Rounds alternate between the two processes; both workers claim from the same outbox.
    for (let i = 0; (await round(apis[i % 2]!, partner, 8)) > 0; i += 1);
    apis.forEach((a) => a.close());
    await drained(db);

    const expected = await stateChanges(db, partner.id, new Date(subscription.createdAt));
    const ids = hooks.arrivals.map((a) => a.id);
    expect(expected.length).toBeGreaterThan(150);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(hooks.arrivals.map((a) => `${a.workflowId}#${a.seq}`))).toEqual(
      new Set(expected),
    );
    expect(hooks.arrivals.every((a) => a.verified)).toBe(true);
    await hooks.close();
  });
});
