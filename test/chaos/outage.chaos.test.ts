import { afterAll, describe, expect, it } from 'vitest';
import { Api } from '../../bench/api.ts';
import { partnerInEnrolling } from '../../bench/scenario.ts';
import { ServerProcess } from '../../bench/server-process.ts';
import { OwnCluster } from './own-cluster.ts';

const adminToken = `chaos-admin-${crypto.randomUUID()}`;
let cluster: OwnCluster | undefined;
let server: ServerProcess | undefined;
afterAll(async () => {
  await server?.kill();
  await cluster?.destroy();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('database outage', () => {
  it('when the database stops under load and comes back, then requests get 503, the process stays up and service returns within 10 s', async () => {
    cluster = await OwnCluster.create();
    server = await ServerProcess.start({ databaseUrl: cluster.url, adminToken });
    const api = new Api(server.base);
    const enrollments = await Promise.all(
      Array.from({ length: 8 }, () => partnerInEnrolling(api, adminToken)),
    );

    const answers: Array<{ status: number; type: string; code?: string }> = [];
    const readiness: boolean[] = [];
    let running = true;
    const load = enrollments.map(async (e, i) => {
      for (let n = 0; running; n += 1) {
        const res = await api.request('POST', `/v1/workflows/${e.enrollmentId}/events`, {
          token: e.manager,
          body: { type: 'UPDATE_PROFILE', mfaEnforced: (n + i) % 2 === 0 },
        });
        const type = String(res.headers['content-type'] ?? '').split(';')[0]!;
        const code =
          type === 'application/problem+json'
            ? (JSON.parse(res.text) as { code: string }).code
            : undefined;
        answers.push({ status: res.status, type, ...(code ? { code } : {}) });
        // Clients back off a little on 503, as Retry-After asks them to.
        if (res.status === 503) await sleep(50);
      }
    });
    const ready = async () => {
      const res = await api.request('GET', '/readyz');
      readiness.push(res.status === 200);
      return res.status === 200;
    };

    await sleep(1500);
    await cluster.stop();
    const downSince = performance.now();
    while (await ready()) {
      expect(performance.now() - downSince, 'readyz never went false').toBeLessThan(15_000);
      await sleep(100);
    }
    await sleep(3000);
    const answeredDuringOutage = answers.length;
    expect(server.running).toBe(true);

    await cluster.start();
    const upSince = performance.now();
    while (!(await ready())) await sleep(100);
    // Ready is not enough: an event must go through again.
    const e = enrollments[0]!;
    for (;;) {
      const res = await api.request('POST', `/v1/workflows/${e.enrollmentId}/events`, {
        token: e.manager,
        body: { type: 'UPDATE_PROFILE', mfaEnforced: true },
      });
      if (res.status === 200) break;
      await sleep(100);
    }
    const recoveredIn = performance.now() - upSince;
    await sleep(1000);
    running = false;
    await Promise.all(load);
    api.close();

    expect(recoveredIn).toBeLessThan(10_000);
    expect(server.running).toBe(true);
    expect(readiness).toContain(false);
    expect(readiness.at(-1)).toBe(true);
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses].sort(), server.output).toEqual([200, 503]);
    for (const a of answers.filter((x) => x.status === 503)) {
      expect(a).toEqual({ status: 503, type: 'application/problem+json', code: 'unavailable' });
    }
    // The outage was felt, and work went on after it.
    expect(answeredDuringOutage).toBeGreaterThan(0);
    expect(answers.slice(answeredDuringOutage).some((a) => a.status === 200)).toBe(true);
  });
});
