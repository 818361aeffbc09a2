import { randomInt } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { Api } from '../../bench/api.ts';
import { createPartnerTeam } from '../../bench/scenario.ts';
import { ServerProcess } from '../../bench/server-process.ts';

const adminToken = `chaos-admin-${crypto.randomUUID()}`;
const clients = 16;
const crashes = 10;
let server: ServerProcess | undefined;
afterAll(async () => server?.kill());

interface Target {
  id: string;
  token: string;
  /**
   * Half the clients send idempotency keys and retry what went unanswered; the other half
   * send none (their events take the engine's lock-free path) and cannot retry safely.
   */
  keyed: boolean;
}

interface Sent {
  target: Target;
  ticket: string;
}

interface WorkflowView {
  state: string;
  version: number;
  context: { supportTicketIds: string[] };
}

/** One support ticket per request: its id is also the request id, and the key if keyed. */
function send(api: Api, { target, ticket }: Sent) {
  return api.request('POST', `/v1/workflows/${target.id}/events`, {
    token: target.token,
    body: { type: 'RESTRICTION_REQUESTED', supportTicketId: ticket },
    headers: { 'X-Request-Id': ticket, ...(target.keyed ? { 'Idempotency-Key': ticket } : {}) },
  });
}

describe('crash: kill -9 under load', () => {
  it('when the server is killed at random moments 10 times, then nothing acknowledged is lost and retries converge to exactly once', async () => {
    const databaseUrl = inject('databaseUrl');
    if (!databaseUrl) throw new Error('The chaos tests run on Postgres: set DATABASE_URL');
    server = await ServerProcess.start({ databaseUrl, adminToken });
    const setup = new Api(server.base);
    // Transitions still in preparation take support tickets without end: each one a row.
    const targets: Target[] = [];
    for (let i = 0; i < clients; i += 1) {
      const team = await createPartnerTeam(setup, adminToken);
      const t = await setup.call<{ id: string }>(team.manager, 'POST', '/v1/transitions', {
        partnerId: team.id,
        tenantStrategy: 'existing_tenant',
      });
      await setup.event(team.manager, t.id, { type: 'CONFIRM_PROFILE' });
      targets.push({ id: t.id, token: team.manager, keyed: i % 2 === 0 });
    }
    setup.close();

    const acknowledged: Sent[] = [];
    const retried: Sent[] = [];
    const lost: Sent[] = [];
    for (let crash = 1; crash <= crashes; crash += 1) {
      const api = new Api(server.base);
      const unanswered: Sent[] = [];
      let killed = false;
      const load = targets.map(async (target, c) => {
        for (let n = 0; !killed; n += 1) {
          const sent = { target, ticket: `k${crash}-c${c}-${n}` };
          try {
            const res = await send(api, sent);
            expect(res.status, res.text).toBe(200);
            acknowledged.push(sent);
          } catch (error) {
            // No answer: the server died with this request somewhere inside it.
            if (!killed) throw error;
            unanswered.push(sent);
            return;
          }
        }
      });
      await new Promise((r) => setTimeout(r, randomInt(200, 1500)));
      killed = true;
      await server.kill('SIGKILL');
      await Promise.all(load);
      api.close();

      server = await ServerProcess.start({ databaseUrl, adminToken, port: server.port });
      const again = new Api(server.base);
      for (const sent of unanswered) {
        if (!sent.target.keyed) {
          lost.push(sent);
          continue;
        }
        const res = await send(again, sent);
        expect(res.status, res.text).toBe(200);
        retried.push(sent);
      }
      again.close();
    }
    expect(acknowledged.length).toBeGreaterThan(crashes * clients);
    // Requests were cut off in every crash: the retries are what this test is about.
    expect(retried.length).toBeGreaterThanOrEqual(crashes);
    expect(lost.length).toBeGreaterThanOrEqual(crashes);

    const api = new Api(server.base);
    for (const target of targets) {
      const view = await api.call<WorkflowView>(adminToken, 'GET', `/v1/workflows/${target.id}`);
      const ofTarget = (list: Sent[]) =>
        list.filter((s) => s.target.id === target.id).map((s) => s.ticket);
      const expected = [...ofTarget(acknowledged), ...ofTarget(retried)];
      // A request cut off without a key may or may not have been applied, but not twice.
      const maybe = new Set(ofTarget(lost));
      const stored = view.context.supportTicketIds;
      expect(new Set(stored).size, 'no ticket twice').toBe(stored.length);
      // Every acknowledged ticket is there, and every retried one, each exactly once.
      expect(stored.filter((t) => !maybe.has(t)).sort()).toEqual([...expected].sort());

      const verdict = await api.call<{ valid: boolean; checked: number }>(
        adminToken,
        'GET',
        `/v1/workflows/${target.id}/history/verify`,
      );
      expect(verdict.valid).toBe(true);
      // The stored snapshot is what replaying its history gives: no half-written state.
      const replayed = await api.call<WorkflowView>(
        adminToken,
        'GET',
        `/v1/workflows/${target.id}/history/${verdict.checked}/state`,
      );
      expect(replayed.state).toBe(view.state);
      expect(replayed.context).toEqual(view.context);
      expect(replayed.version).toBe(view.version);
    }
    api.close();
  });
});
