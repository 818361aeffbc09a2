/**
 * `npm run bench`: how fast Tiershift applies events compared with what the database itself
 * can do, how long a whole move of 1,000 customers takes, and whether an event costs the same
 * for 10 customers as for 10,000. Runs on a real Postgres, in a database it creates and drops.
 *
 *   npm run bench                 full run (several minutes)
 *   npm run bench -- --quick      shorter phases and smaller partners
 *   npm run bench -- --json       figures as JSON instead of a table
 *   npm run bench -- --import-only  only the large import into a migrating transition
 *   npm run bench -- --console-only the console in headless Chromium, for a partner with
 *                                   10,000 customers
 *   npm run bench -- --preflight-only the preflight of a partner with 10,000 customers, on
 *                                   Postgres and on the embedded database
 *   npm run bench -- --connected-only a connected move of 1,000 customers against the Partner
 *                                   Center simulator, on Postgres and on the embedded database
 *     --connected-scale N           Partner Center's time N times as fast (default 10)
 *     --connected-legacy-share F    share of customers with a legacy subscription (default 0.1)
 *     --connected-gdap-share F      share of the others needing GDAP (default 0.05)
 *     --connected-customers N       customers (default 1,000; 200 with --quick)
 *     --connected-db D              postgres, embedded or both (the default)
 *     --connected-acts-per-second N the customers accept, sign and approve at most N a second
 *                                   (default: as fast as they come)
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import knexFactory from 'knex';
import { createDatabase, migrateToLatest } from '../src/store/database.ts';
import { Api } from './api.ts';
import { ceiling } from './ceiling.ts';
import {
  connectedLines,
  connectedPhase,
  type ConnectedFigures,
  type ConnectedOptions,
} from './connected.ts';
import { consoleLines, consolePhase, type ConsoleFigures } from './console.ts';
import { importUnderLoad, type ImportUnderLoad } from './import-lock.ts';
import {
  createProvider,
  importCustomers,
  moveEveryCustomer,
  partnerInEnrolling,
  startMigrating,
  type Partner,
} from './scenario.ts';
import { ServerProcess } from './server-process.ts';
import {
  embeddedPreflightPhase,
  preflightLine,
  preflightPhase,
  type PreflightFigures,
} from './preflight.ts';
import { measure, percentile, type Rate } from './stats.ts';
import { webhookLine, webhookPhase } from './webhooks.ts';

const argv = process.argv.slice(2);
const args = new Set(argv);

/** The value after `--name` (or in `--name=value`), or `fallback`; refuses one not a number. */
function numberOption(name: string, fallback: number): number {
  const at = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return fallback;
  const text = argv[at]!.includes('=') ? argv[at]!.split('=')[1] : argv[at + 1];
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new Error(`--${name} takes a number, not ${text ?? 'nothing'}`);
  }
  return value;
}
function textOption(name: string): string | undefined {
  const at = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (at < 0) return undefined;
  return argv[at]!.includes('=') ? argv[at]!.split('=')[1] : argv[at + 1];
}
const quick = args.has('--quick');
const asJson = args.has('--json');
const seconds = quick ? 3 : 8;
const moveCustomers = quick ? 200 : 1000;
const flatSizes = quick ? [10, 100, 1000] : [10, 1000, 10000];
const largeImport = quick ? 2000 : 10_000;
const importOnly = args.has('--import-only');
const consoleOnly = args.has('--console-only');
const webhooksOnly = args.has('--webhooks-only');
const preflightOnly = args.has('--preflight-only');
const preflightCustomers = quick ? 2000 : 10_000;
const preflightSubscriptions = 3;
const preflightRepetitions = quick ? 3 : 5;
const connectedOnly = args.has('--connected-only');
const connectedDatabases = textOption('connected-db') ?? 'both';
if (!['postgres', 'embedded', 'both'].includes(connectedDatabases)) {
  throw new Error(`--connected-db is postgres, embedded or both, not ${connectedDatabases}`);
}
const connectedOptions: ConnectedOptions = {
  customers: numberOption('connected-customers', quick ? 200 : 1000),
  legacyShare: numberOption('connected-legacy-share', 0.1),
  gdapShare: numberOption('connected-gdap-share', 0.05),
  timeScale: numberOption('connected-scale', 10),
  outboxConcurrency: 16,
  concurrency: 16,
  actsPerSecond: numberOption('connected-acts-per-second', 0),
};
const consoleCustomers = quick ? 2000 : 10_000;
const consoleRepetitions = quick ? 2 : 5;
const concurrencies = [1, 8, 32];
const adminToken = `bench-admin-${Date.now()}-token`;

const log = (line: string) => {
  if (!asJson) process.stderr.write(`${line}\n`);
};

/** Peak resident memory of a process, in MiB (Linux). */
function peakMemoryMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return Math.round(kb / 1024);
}

function currentMemoryMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024);
}

async function main(): Promise<void> {
  const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `tiershift_bench_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: baseUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  let server: ServerProcess | undefined;
  let closeClient = () => {};
  try {
    const db = createDatabase({ databaseUrl });
    await migrateToLatest(db);
    await db.destroy();

    const ceilings: Record<number, Rate> = {};
    const fewPhases = importOnly || consoleOnly || webhooksOnly || preflightOnly || connectedOnly;
    if (!fewPhases) log(`Ceiling: the database alone, ${seconds}s per level`);
    for (const c of fewPhases ? [] : concurrencies) {
      ceilings[c] = await ceiling(databaseUrl, c, seconds);
      log(`  ${c} connections: ${ceilings[c].perSecond.toFixed(0)} events/s`);
    }

    if (connectedOnly) {
      const figures = await connectedPhases(databaseUrl);
      if (asJson) process.stdout.write(`${JSON.stringify({ connected: figures }, null, 2)}\n`);
      else process.stdout.write(`${connectedLines(figures).join('\n')}\n`);
      return;
    }

    server = await ServerProcess.start({
      databaseUrl,
      adminToken,
      // Customers are imported in chunks of 2,000, and 10,000 at once: more than the default
      // 1 MiB a request.
      // The webhook phase's receiver listens on loopback.
      env: { BODY_LIMIT_BYTES: String(16 * 1024 * 1024), WEBHOOK_ALLOW_INSECURE: 'true' },
    });
    const api = new Api(server.base);
    closeClient = () => api.close();
    const { pid } = server;

    if (consoleOnly) {
      log(`Console: a partner with ${consoleCustomers} customers, migrating`);
      const provider = await createProvider(api, adminToken);
      const partner = await partnerInEnrolling(api, adminToken);
      await importCustomers(api, partner, consoleCustomers, 1);
      await startMigrating(api, adminToken, partner, provider);
      const figures = await consolePhase(api, partner, consoleRepetitions, log);
      if (asJson) process.stdout.write(`${JSON.stringify({ console: figures }, null, 2)}\n`);
      else process.stdout.write(`${consoleLines(figures).join('\n')}\n`);
      return;
    }

    if (webhooksOnly) {
      const db = createDatabase({ databaseUrl });
      try {
        const figures = await webhookPhase(api, adminToken, db, moveCustomers, log);
        if (asJson) process.stdout.write(`${JSON.stringify({ webhooks: figures }, null, 2)}\n`);
        else process.stdout.write(`${webhookLine(figures)}\n`);
      } finally {
        await db.destroy();
      }
      return;
    }

    if (preflightOnly) {
      const figures = await preflightPhases(api);
      if (asJson) process.stdout.write(`${JSON.stringify({ preflight: figures }, null, 2)}\n`);
      else process.stdout.write(`${figures.map(preflightLine).join('\n')}\n`);
      return;
    }

    if (importOnly) {
      const { imports } = await largeImportPhase(api);
      if (asJson) process.stdout.write(`${JSON.stringify({ import: imports }, null, 2)}\n`);
      else process.stdout.write(`${importLine(imports)}\n`);
      return;
    }

    log('Through HTTP: setting up one enrollment per client');
    const enrollments: Array<Awaited<ReturnType<typeof partnerInEnrolling>>> = [];
    for (let i = 0; i < Math.max(...concurrencies); i += 1)
      enrollments.push(await partnerInEnrolling(api, adminToken));
    const http: Record<number, Rate> = {};
    for (const c of concurrencies) {
      let flip = false;
      http[c] = await measure(c, seconds, async (client) => {
        const e = enrollments[client]!;
        flip = !flip;
        await api.event(e.manager, e.enrollmentId, { type: 'UPDATE_PROFILE', mfaEnforced: flip });
      });
      log(
        `  ${c} clients: ${http[c].perSecond.toFixed(0)} events/s, p99 ${http[c].p99.toFixed(1)} ms`,
      );
    }

    log(`The whole move: ${moveCustomers} customers × 3 subscriptions`);
    const provider = await createProvider(api, adminToken);
    const partner = await partnerInEnrolling(api, adminToken);
    await importCustomers(api, partner, moveCustomers, 3);
    const memoryBefore = currentMemoryMiB(pid);
    const moveStart = performance.now();
    await startMigrating(api, adminToken, partner, provider);
    const planned = (performance.now() - moveStart) / 1000;
    const events = await moveEveryCustomer(api, partner, provider, 3, 32);
    const moveSeconds = (performance.now() - moveStart) / 1000;
    const finalState = await api.call<{ state: string; output?: unknown }>(
      partner.manager,
      'GET',
      `/v1/workflows/${partner.transitionId}`,
    );
    if (finalState.state !== 'completed') throw new Error(`The move ended in ${finalState.state}`);
    const move = {
      customers: moveCustomers,
      seconds: moveSeconds,
      planningSeconds: planned,
      events,
      eventsPerSecond: events / moveSeconds,
      serverMemoryBeforeMiB: memoryBefore,
      serverMemoryAfterMiB: currentMemoryMiB(pid),
      output: finalState.output,
    };
    log(`  ${moveSeconds.toFixed(1)} s, ${move.eventsPerSecond.toFixed(0)} events/s`);

    log(`Flat cost: one event on partners with ${flatSizes.join(', ')} customers`);
    const partners: Array<{
      size: number;
      partner: Awaited<ReturnType<typeof partnerInEnrolling>>;
    }> = [];
    for (const size of flatSizes) {
      const p = await partnerInEnrolling(api, adminToken);
      await importCustomers(api, p, size, 1);
      await startMigrating(api, adminToken, p, provider);
      partners.push({ size, partner: p });
    }
    // The sizes take turns, event by event, so that whatever the database does in the
    // background (vacuuming the rows just planned) weighs on all of them alike.
    const samples = new Map<number, number[]>(flatSizes.map((size) => [size, []]));
    for (let round = 0; round < 220; round += 1) {
      for (const { size, partner } of partners) {
        const t = performance.now();
        await api.event(partner.manager, partner.transitionId, {
          type: 'INCENTIVES_INVITATION_RECEIVED',
        });
        // The first rounds warm up: connections, caches, the JIT.
        if (round >= 20) samples.get(size)!.push(performance.now() - t);
      }
    }
    const flat = flatSizes.map((size) => {
      const sorted = [...samples.get(size)!].sort((a, b) => a - b);
      log(`  ${size} customers: p50 ${percentile(sorted, 50).toFixed(2)} ms`);
      return { customers: size, p50: percentile(sorted, 50), p95: percentile(sorted, 95) };
    });
    const p50s = flat.map((f) => f.p50);
    const spread = (Math.max(...p50s) - Math.min(...p50s)) / Math.min(...p50s);
    // Last, so that its 10,000 customers weigh on none of the figures above.
    const { imports, partner: large } = await largeImportPhase(api);
    // The console on that same partner, now with 10,010 customers.
    log('Console: the large partner in headless Chromium');
    const consoleFigures = await consolePhase(api, large, consoleRepetitions, log);
    const preflight = await preflightPhases(api);
    const serverPeakMemoryMiB = peakMemoryMiB(pid);
    // Last, with a Tiershift of its own, connected to the simulator. This one stops first: on
    // the same database its outbox worker and reconciliation would take the connected move's
    // steps to the Partner Center it is configured with, Microsoft's.
    await server.kill('SIGTERM');
    const connected = await connectedPhases(databaseUrl);

    const result = {
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? 'unknown',
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
      },
      ceiling: ceilings,
      http,
      ratioAt32: http[32]!.perSecond / ceilings[32]!.perSecond,
      move,
      serverPeakMemoryMiB,
      flat,
      flatSpread: spread,
      import: imports,
      console: consoleFigures,
      preflight,
      connected,
    };
    if (asJson) {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    } else {
      printTable(result);
    }
  } finally {
    closeClient();
    await server?.kill('SIGTERM');
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  }
}

/** The connected move on the benchmark's Postgres database, then on the embedded database. */
async function connectedPhases(databaseUrl: string): Promise<ConnectedFigures[]> {
  const runs: ConnectedFigures[] = [];
  if (connectedDatabases !== 'embedded') {
    runs.push(await connectedPhase(databaseUrl, adminToken, connectedOptions, log));
  }
  if (connectedDatabases !== 'postgres') {
    runs.push(await connectedPhase(undefined, adminToken, connectedOptions, log));
  }
  return runs;
}

/** The preflight of a large partner, on the benchmark's Postgres, then on the embedded database. */
async function preflightPhases(api: Api): Promise<PreflightFigures[]> {
  const args = [preflightCustomers, preflightSubscriptions, preflightRepetitions, log] as const;
  return [
    await preflightPhase(api, adminToken, 'postgres', ...args),
    await embeddedPreflightPhase(adminToken, ...args),
  ];
}

/** A large import into a migrating transition, with events on that transition meanwhile. */
async function largeImportPhase(api: Api): Promise<{ imports: ImportUnderLoad; partner: Partner }> {
  log(`Large import: ${largeImport} customers into a migrating transition, events on it meanwhile`);
  const provider = await createProvider(api, adminToken);
  const partner = await partnerInEnrolling(api, adminToken);
  await importCustomers(api, partner, 10, 1);
  await startMigrating(api, adminToken, partner, provider);
  const imports = await importUnderLoad(api, partner, largeImport);
  log(`  ${importLine(imports)}`);
  return { imports, partner };
}

function importLine(r: ImportUnderLoad): string {
  return `Import of ${r.customers} customers into a migrating transition: ${r.importSeconds.toFixed(1)} s; ${r.events} events on the transition meanwhile, longest wait ${r.longestWaitMs.toFixed(0)} ms, p50 ${r.p50Ms.toFixed(1)} ms`;
}

function printTable(r: {
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string };
  ceiling: Record<number, Rate>;
  http: Record<number, Rate>;
  move: {
    customers: number;
    seconds: number;
    events: number;
    eventsPerSecond: number;
    serverMemoryBeforeMiB: number;
    serverMemoryAfterMiB: number;
  };
  serverPeakMemoryMiB: number;
  flat: Array<{ customers: number; p50: number; p95: number }>;
  flatSpread: number;
  import: ImportUnderLoad;
  console: ConsoleFigures;
  preflight: PreflightFigures[];
  connected: ConnectedFigures[];
}): void {
  const out: string[] = [];
  out.push(
    `Machine: ${r.machine.cpus} cores (${r.machine.cpuModel}), ${r.machine.memoryGiB} GiB, Node ${r.machine.node}`,
  );
  out.push('');
  out.push(
    '| clients | ceiling (pg) events/s | HTTP events/s | ratio | p50 ms | p95 ms | p99 ms |',
  );
  out.push('|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of concurrencies) {
    const h = r.http[c]!;
    const ceil = r.ceiling[c]!;
    out.push(
      `| ${c} | ${ceil.perSecond.toFixed(0)} | ${h.perSecond.toFixed(0)} | ${((h.perSecond / ceil.perSecond) * 100).toFixed(0)} % | ${h.p50.toFixed(1)} | ${h.p95.toFixed(1)} | ${h.p99.toFixed(1)} |`,
    );
  }
  out.push('');
  out.push(
    `Whole move: ${r.move.customers} customers × 3 subscriptions in ${r.move.seconds.toFixed(1)} s, ${r.move.events} events (${r.move.eventsPerSecond.toFixed(0)} events/s); server memory ${r.move.serverMemoryBeforeMiB} → ${r.move.serverMemoryAfterMiB} MiB, peak ${r.serverPeakMemoryMiB} MiB`,
  );
  out.push('');
  out.push('| customers | p50 ms | p95 ms |');
  out.push('|---:|---:|---:|');
  for (const f of r.flat)
    out.push(`| ${f.customers} | ${f.p50.toFixed(2)} | ${f.p95.toFixed(2)} |`);
  out.push(`Spread of p50 across sizes: ${(r.flatSpread * 100).toFixed(0)} %`);
  out.push('');
  out.push(importLine(r.import));
  out.push('');
  out.push(...consoleLines(r.console));
  out.push('');
  out.push(...r.preflight.map(preflightLine));
  out.push('');
  out.push(...connectedLines(r.connected));
  process.stdout.write(`${out.join('\n')}\n`);
}

await main();
