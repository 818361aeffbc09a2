import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createSimulator, type Simulator } from '../src/partner-center/simulator/index.ts';
import { Api } from './api.ts';
import { driveByHand, type HandFigures } from './connected-hands.ts';
import { connectedOutcome, setUpConnectedMove, simCall, simulatorEnv } from './connected-setup.ts';
import {
  documentedTimes,
  leastTimeMs,
  planCustomers,
  type Mix,
  type PlannedCustomer,
} from './connected-plan.ts';
import { ServerProcess } from './server-process.ts';

export interface ConnectedOptions extends Mix {
  /** Partner Center's time runs this many times as fast in the simulator. */
  timeScale: number;
  /** The outbox worker's steps at once, in Tiershift. */
  outboxConcurrency: number;
  /** The people's requests at once, for steps sent one workflow at a time. */
  concurrency: number;
  /** The customers' acts (accepting, signing, approving) per second at most; 0 for no limit. */
  actsPerSecond: number;
}

/** How the simulator's requests were answered, summed over every operation. */
interface RequestCount {
  requests: number;
  throttled: number;
  faulted: number;
  unauthorized: number;
  replayed: number;
  retries: number;
}

export interface ConnectedFigures {
  database: 'postgres' | 'embedded';
  customers: number;
  subscriptions: number;
  migrations: number;
  gdap: number;
  mcaSigned: number;
  timeScale: number;
  outboxConcurrency: number;
  actsPerSecond: number;
  /** From the last event before the move starts to the transition's `completed`. */
  wallSeconds: number;
  /** The least time the throttling and Partner Center's delays allow, at this run's scale. */
  leastSeconds: number;
  /** The same at Partner Center's real pace. */
  leastRealSeconds: number;
  /** Wall time over the least time, both in this run's (scaled) time. */
  ratio: number;
  /** When the first and the last migration were created, seconds after the start. */
  migrationsCreated: { first: number; last: number } | null;
  /** When Partner Center first and last did each kind of effect, seconds after the start. */
  milestones: Record<string, { first: number; last: number }>;
  /** CPU seconds spent by Tiershift's process, and by this one (the simulator and the people). */
  cpuSeconds: { tiershift: number; simulatorAndPeople: number };
  requests: RequestCount;
  requestsByOperation: Record<string, RequestCount>;
  /** Effects the simulator carried out (repeats answered from memory excluded), by operation. */
  effects: Record<string, number>;
  hands: HandFigures;
  /** Partner Center's webhooks to Tiershift: delivered, and attempts that failed (then retried). */
  webhooks: { delivered: number; failedAttempts: number; timedOut: number };
  transfersCompleted: number;
}

/**
 * A connected move of `options.customers` customers against the Partner Center simulator,
 * started in this process with the documented migration limit and `timeScale`; Tiershift runs
 * as its own process on `databaseUrl` (the embedded database in a fresh directory when
 * undefined) with connected mode pointed at the simulator. Every person's step goes over the
 * API, every customer's act through the simulator's control API; Tiershift's outbox worker and
 * reconciliation do the rest. Fails unless every transfer completed and the simulator carried
 * out every effect exactly as often as the customers call for.
 */
export async function connectedPhase(
  databaseUrl: string | undefined,
  adminToken: string,
  options: ConnectedOptions,
  log: (line: string) => void,
): Promise<ConnectedFigures> {
  const database = databaseUrl ? 'postgres' : 'embedded';
  const planned = planCustomers(options);
  const migrations = planned.filter((c) => c.legacy).length;
  log(
    `Connected move (${database}): ${planned.length} customers, ${migrations} legacy subscriptions to migrate, Partner Center's time × ${options.timeScale}`,
  );
  const simulator = createSimulator({
    allowInsecureWebhooks: true,
    timeScale: options.timeScale,
    // Due work is looked for this often: well under any scaled delay.
    workIntervalMs: 20,
    // No general per-account figure is published (see options.ts): only the documented limit
    // on migrations throttles here.
    throttling: { perAccount: { limit: Number.MAX_SAFE_INTEGER, windowMs: 60_000 } },
  });
  const running = await simulator.listen(0, '127.0.0.1');
  const dataDir = databaseUrl ? undefined : mkdtempSync(path.join(tmpdir(), 'tiershift-bench-'));
  let server: ServerProcess | undefined;
  const sim = new Api(running.url);
  let api: Api | undefined;
  try {
    server = await ServerProcess.start({
      databaseUrl,
      ...(dataDir ? { dataDir } : {}),
      adminToken,
      env: {
        BODY_LIMIT_BYTES: String(16 * 1024 * 1024),
        ...simulatorEnv(running.url),
        PARTNER_CENTER_POLL_MS: '1000',
        OUTBOX_INTERVAL_MS: '50',
        OUTBOX_CONCURRENCY: String(options.outboxConcurrency),
        // A failed step's first wait, 10 s by default, is long against the scaled waits.
        WEBHOOK_RETRY_BASE_MS: '1000',
      },
    });
    log(`  simulator at ${running.url}, Tiershift at ${server.base}`);
    api = new Api(server.base);
    const figures = await moveAndCheck(
      api,
      sim,
      simulator,
      server,
      adminToken,
      options,
      planned,
      database,
      log,
    );
    log(`  ${connectedLine(figures)}`);
    return figures;
  } catch (error) {
    if (server) log(`Tiershift's last words:\n${server.output.slice(-3000)}`);
    throw error;
  } finally {
    api?.close();
    sim.close();
    await server?.kill('SIGTERM');
    await running.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The move itself, from set-up to the checks, on a running simulator and Tiershift. */
async function moveAndCheck(
  api: Api,
  sim: Api,
  simulator: Simulator,
  server: ServerProcess,
  admin: string,
  options: ConnectedOptions,
  planned: PlannedCustomer[],
  database: ConnectedFigures['database'],
  log: (line: string) => void,
): Promise<ConnectedFigures> {
  const { partner, provider, asProvider, customers } = await setUpConnectedMove(
    api,
    sim,
    admin,
    planned,
    server.base,
  );
  const cpuBefore = { tiershift: cpuSecondsOf(server.pid), simulatorAndPeople: ownCpuSeconds() };
  const started = performance.now();
  const startedAt = Date.now();
  await api.event(partner.globalAdmin, partner.transitionId, {
    type: 'PROVIDER_INVITATION_ACCEPTED',
    providerId: provider.id,
  });
  const times = documentedTimes({
    migrationDelayMs: simulator.core.options.migrationDelayMs * options.timeScale,
    transferCompletionDelayMs: simulator.core.options.transferCompletionDelayMs * options.timeScale,
    gdapActivationDelayMs: simulator.core.options.gdapActivationDelayMs * options.timeScale,
  });
  const leastRealMs = leastTimeMs(planned, times);
  // Nothing may move for a whole window while the migrations wait; more than that is a stall.
  const stallMs = Math.max(120_000, (3 * times.migrationLimit.windowMs) / options.timeScale);
  const hands = await driveByHand(
    {
      api,
      sim,
      admin,
      partner,
      provider,
      providerTenantId: asProvider.tenantId,
      customers,
      concurrency: options.concurrency,
      actsPerSecond: options.actsPerSecond,
    },
    stallMs,
    (line) => {
      const deliveries = simulator.state.deliveries;
      const failed = deliveries.filter((d) => d.outcome === 'failed');
      const why = new Map<string, number>();
      for (const d of failed) why.set(d.error ?? '', (why.get(d.error ?? '') ?? 0) + 1);
      const reasons = [...why].map(([error, n]) => `${n} ${error}`).join(', ');
      log(
        `    ${line}; Partner Center's webhooks: ${deliveries.length - failed.length} delivered, ${failed.length} attempts failed${reasons ? ` (${reasons})` : ''}`,
      );
    },
  );
  const wallSeconds = (performance.now() - started) / 1000;

  const { calls, transfersCompleted, problems } = await connectedOutcome(
    api,
    sim,
    simulator,
    admin,
    partner.transitionId,
    planned,
  );
  if (problems.length > 0) {
    throw new Error(`The connected move did not end as it should:\n${problems.join('\n')}`);
  }
  const effects: Record<string, number> = {};
  for (const call of calls) {
    if (!call.replayed) effects[call.operation] = (effects[call.operation] ?? 0) + 1;
  }
  const milestones: ConnectedFigures['milestones'] = {};
  for (const call of calls) {
    if (call.replayed) continue;
    const at = (Date.parse(call.at) - startedAt) / 1000;
    const seen = milestones[call.operation];
    if (!seen) milestones[call.operation] = { first: at, last: at };
    else seen.last = Math.max(seen.last, at);
  }
  const counts = await simCall<{
    total: RequestCount;
    byOperation: Record<string, RequestCount>;
  }>(sim, 'GET', '/_sim/requests');
  const leastSeconds = leastRealMs / options.timeScale / 1000;
  return {
    database,
    customers: planned.length,
    subscriptions: planned.reduce((n, c) => n + c.subscriptionIds.length, 0),
    migrations: planned.filter((c) => c.legacy).length,
    gdap: planned.filter((c) => c.gdap).length,
    mcaSigned: planned.filter((c) => c.signsMca).length,
    timeScale: options.timeScale,
    outboxConcurrency: options.outboxConcurrency,
    actsPerSecond: options.actsPerSecond,
    wallSeconds,
    leastSeconds,
    leastRealSeconds: leastRealMs / 1000,
    ratio: wallSeconds / leastSeconds,
    migrationsCreated: milestones.createMigration ?? null,
    milestones,
    cpuSeconds: {
      tiershift: cpuSecondsOf(server.pid) - cpuBefore.tiershift,
      simulatorAndPeople: ownCpuSeconds() - cpuBefore.simulatorAndPeople,
    },
    requests: counts.total,
    requestsByOperation: counts.byOperation,
    effects,
    hands,
    webhooks: {
      delivered: simulator.state.deliveries.filter((d) => d.outcome === 'delivered').length,
      failedAttempts: simulator.state.deliveries.filter((d) => d.outcome === 'failed').length,
      timedOut: simulator.state.deliveries.filter((d) => d.error?.includes('timeout')).length,
    },
    transfersCompleted,
  };
}

/** User and system CPU time of a process so far (Linux). */
function cpuSecondsOf(pid: number): number {
  // The fields after the command's closing parenthesis; utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

const s = (seconds: number) => `${seconds.toFixed(1)} s`;

export function connectedLine(r: ConnectedFigures): string {
  const created = r.migrationsCreated
    ? `, migrations created from ${s(r.migrationsCreated.first)} to ${s(r.migrationsCreated.last)}`
    : '';
  return `Connected move on ${r.database === 'postgres' ? 'Postgres' : 'the embedded database'}: ${r.customers} customers (${r.subscriptions} subscriptions, ${r.migrations} migrations, ${r.gdap} GDAP) in ${s(r.wallSeconds)}; least the throttling allows ${s(r.leastSeconds)} at × ${r.timeScale} (${s(r.leastRealSeconds)} in real time), ratio ${r.ratio.toFixed(1)}; ${r.requests.requests} Partner Center requests, ${r.requests.throttled} answered 429, ${r.requests.retries} retries, ${r.requests.replayed} repeats answered from memory${created}`;
}

/** The runs side by side, as a table. */
export function connectedLines(runs: readonly ConnectedFigures[]): string[] {
  const first = runs[0];
  if (!first) return [];
  const out = [
    `Connected move: ${first.customers} customers, ${first.subscriptions} subscriptions, ${first.migrations} legacy to migrate (limit 100 per 5 min), ${first.gdap} with GDAP; Partner Center's time × ${first.timeScale} in the simulator, outbox ${first.outboxConcurrency} at once, customers acting ${first.actsPerSecond > 0 ? `${first.actsPerSecond} a second at most` : 'as fast as they come'}`,
    '',
    '| database | wall time (scaled run) | least time, scaled | ratio | least time, real | PC requests | 429s | retries | repeats answered | migrations created |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of runs) {
    const created = r.migrationsCreated
      ? `${s(r.migrationsCreated.first)} – ${s(r.migrationsCreated.last)}`
      : 'none';
    out.push(
      `| ${r.database} | ${s(r.wallSeconds)} | ${s(r.leastSeconds)} | ${r.ratio.toFixed(1)} | ${s(r.leastRealSeconds)} | ${r.requests.requests} | ${r.requests.throttled} | ${r.requests.retries} | ${r.requests.replayed} | ${created} |`,
    );
  }
  for (const r of runs) {
    const span = (op: string, name: string) => {
      const m = r.milestones[op];
      return m ? `${name} ${m.first.toFixed(0)}–${m.last.toFixed(0)} s` : undefined;
    };
    const spans = [
      span('acceptResellerRelationship', 'customers accepted'),
      span('signMcaDirectly', 'MCAs signed'),
      span('createMigration', 'migrations created'),
      span('createTransfer', 'transfers created'),
      span('submitTransfer', 'submitted'),
      span('completeTransfer', 'completed'),
    ].filter(Boolean);
    out.push(
      `${r.database}: ${spans.join(', ')}; Partner Center's webhooks ${r.webhooks.delivered} delivered, ${r.webhooks.failedAttempts} attempts failed (${r.webhooks.timedOut} timed out); ${r.hands.singleEvents} events sent one by one, ${r.hands.batchApplied} by ${r.hands.batchCalls} batch calls, ${r.hands.customerActs} customers' acts, ${r.hands.resent} requests resent; CPU ${r.cpuSeconds.tiershift.toFixed(0)} s in Tiershift, ${r.cpuSeconds.simulatorAndPeople.toFixed(0)} s in the simulator and the people`,
    );
  }
  out.push(
    `Checked: every transfer completed; each customer's create, submit, completion, migration and GDAP request happened once in the simulator (${Object.entries(
      first.effects,
    )
      .map(([op, n]) => `${op} ${n}`)
      .join(', ')}).`,
  );
  return out;
}
