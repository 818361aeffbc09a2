import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Schema } from '../src/client/index.ts';
import { Api, ok } from './api.ts';
import { createProvider, partnerInEnrolling, startMigrating, type Partner } from './scenario.ts';
import { ServerProcess } from './server-process.ts';
import { percentile } from './stats.ts';

export interface PreflightFigures {
  database: 'postgres' | 'embedded';
  customers: number;
  subscriptions: number;
  /** Children planned by the migrating transition: its relationships and MCAs. */
  children: number;
  /** Customers and findings in the report, and the CSV's rows (one per finding). */
  customersListed: number;
  findings: number;
  csvRows: number;
  jsonBytes: number;
  csvBytes: number;
  repetitions: number;
  jsonMs: { p50: number; max: number };
  csvMs: { p50: number; max: number };
}

type Subscription = Schema<'CustomerInput'>['subscriptions'] extends Array<infer S> | undefined
  ? S
  : never;

/**
 * A customer's subscriptions, varied as a partner's would be: mostly licenses and Azure
 * plans, now and then a reservation, a marketplace item, a legacy one, a suspended one or a
 * term about to end, and an add-on on the first.
 */
function subscriptionsOf(n: number, count: number, soon: string): Subscription[] {
  const kinds = [
    'nce_license',
    'azure_plan',
    'nce_license',
    'azure_reservation',
    'marketplace_saas',
    'nce_license',
    'legacy_license',
    'software',
  ] as const;
  return Array.from({ length: count }, (_, s): Subscription => {
    const kind = kinds[(n + s) % kinds.length]!;
    return {
      id: `c${n}-s${s}`,
      offer: `Offer ${kind}`,
      kind,
      quantity: 5,
      ...(s === 1 ? { baseSubscriptionId: `c${n}-s0` } : {}),
      ...(n % 17 === s ? { status: 'suspended' as const } : {}),
      ...(n % 23 === s ? { termEndDate: soon } : {}),
      ...(kind === 'marketplace_saas' && n % 2 === 0 ? { transferEligible: true } : {}),
      billingCycle: s % 2 === 0 ? 'annual' : 'monthly',
    };
  });
}

/** Customers numbered from `start`: MCAs of each kind, some needing GDAP, some billed abroad. */
function preflightBatch(
  start: number,
  count: number,
  subscriptions: number,
  soon: string,
): Array<Schema<'CustomerInput'>> {
  const mca = ['admin_center', 'partner_attestation', 'none'] as const;
  return Array.from({ length: count }, (_, i) => {
    const n = start + i;
    return {
      name: `Customer ${n}`,
      tenantId: randomUUID(),
      acquiredAs: 'direct_bill',
      mcaAcceptance: mca[n % mca.length]!,
      providerNeedsAdmin: n % 11 === 0,
      billTo: {
        companyName: `Customer ${n} GmbH`,
        email: `billing${n}@customer.example`,
        country: n % 50 === 0 ? 'AT' : 'DE',
      },
      subscriptions: subscriptionsOf(n, subscriptions, soon),
    };
  });
}

async function timed(
  api: Api,
  token: string,
  url: string,
  accept: string,
): Promise<{ ms: number; text: string }> {
  const started = performance.now();
  const res = await api.request('GET', url, { token, headers: { Accept: accept } });
  const ms = performance.now() - started;
  if (res.status !== 200) throw new Error(`GET ${url} → ${res.status} ${res.text.slice(0, 300)}`);
  return { ms, text: res.text };
}

/**
 * The preflight of a partner with `customers` customers (`subscriptions` each) whose
 * transition is migrating, as its manager asks for it: JSON and CSV, `repetitions` times
 * each after one read to warm up, timed from the benchmark's side (request to last byte).
 */
export async function preflightPhase(
  api: Api,
  admin: string,
  database: PreflightFigures['database'],
  customers: number,
  subscriptions: number,
  repetitions: number,
  log: (line: string) => void,
): Promise<PreflightFigures> {
  log(`Preflight (${database}): ${customers} customers × ${subscriptions} subscriptions`);
  const provider = await createProvider(api, admin);
  const partner: Partner & { enrollmentId: string } = await partnerInEnrolling(api, admin);
  const manager = api.client(partner.manager);
  const soon = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  const chunk = 2000;
  for (let start = 0; start < customers; start += chunk) {
    ok(
      await manager.POST('/v1/partners/{id}/customers', {
        params: { path: { id: partner.id } },
        body: preflightBatch(start, Math.min(chunk, customers - start), subscriptions, soon),
      }),
    );
  }
  await startMigrating(api, admin, partner, provider);
  const url = `/v1/transitions/${partner.transitionId}/preflight`;
  await timed(api, partner.manager, url, 'application/json');
  const json: number[] = [];
  const csv: number[] = [];
  let jsonText = '';
  let csvText = '';
  for (let i = 0; i < repetitions; i += 1) {
    const j = await timed(api, partner.manager, url, 'application/json');
    json.push(j.ms);
    jsonText = j.text;
    const c = await timed(api, partner.manager, url, 'text/csv');
    csv.push(c.ms);
    csvText = c.text;
  }
  const report = JSON.parse(jsonText) as {
    customers: unknown[];
    totals: { bySeverity: Record<string, number> };
  };
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const figures: PreflightFigures = {
    database,
    customers,
    subscriptions: customers * subscriptions,
    children: customers * 2,
    customersListed: report.customers.length,
    findings: Object.values(report.totals.bySeverity).reduce((a, b) => a + b, 0),
    // The header line, and a line per finding (a detail holds no line break).
    csvRows: csvText.trimEnd().split('\n').length - 1,
    jsonBytes: Buffer.byteLength(jsonText),
    csvBytes: Buffer.byteLength(csvText),
    repetitions,
    jsonMs: { p50: percentile(sorted(json), 50), max: Math.max(...json) },
    csvMs: { p50: percentile(sorted(csv), 50), max: Math.max(...csv) },
  };
  log(`  ${preflightLine(figures)}`);
  return figures;
}

/**
 * The same phase on the embedded database: a server of its own on a fresh `DATA_DIR`, removed
 * afterwards.
 */
export async function embeddedPreflightPhase(
  adminToken: string,
  customers: number,
  subscriptions: number,
  repetitions: number,
  log: (line: string) => void,
): Promise<PreflightFigures> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tiershift-bench-'));
  const server = await ServerProcess.start({
    dataDir,
    adminToken,
    env: { BODY_LIMIT_BYTES: String(16 * 1024 * 1024) },
  });
  const api = new Api(server.base);
  try {
    return await preflightPhase(
      api,
      adminToken,
      'embedded',
      customers,
      subscriptions,
      repetitions,
      log,
    );
  } finally {
    api.close();
    await server.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function preflightLine(r: PreflightFigures): string {
  return `Preflight on ${r.database === 'postgres' ? 'Postgres' : 'the embedded database'}, ${r.customers} customers (${r.subscriptions} subscriptions, ${r.children} children): JSON p50 ${r.jsonMs.p50.toFixed(0)} ms (max ${r.jsonMs.max.toFixed(0)}), ${(r.jsonBytes / 2 ** 20).toFixed(1)} MiB; CSV p50 ${r.csvMs.p50.toFixed(0)} ms (max ${r.csvMs.max.toFixed(0)}), ${r.csvRows} rows; ${r.customersListed} customers listed, ${r.findings} findings`;
}
