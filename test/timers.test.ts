import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/app.ts';
import { ensureAdmin } from '../src/auth/bootstrap.ts';
import { Engine, type TimerFailure } from '../src/engine/engine.ts';
import { describeError, retryDelayMs } from '../src/engine/timer-retry.ts';
import { startTimerWorker } from '../src/engine/timer-worker.ts';
import { createLogger } from '../src/logger.ts';
import type { Database } from '../src/store/database.ts';
import { pendingTimers, type TimerRow } from '../src/store/timers.ts';
import { ManualClock } from './clock.ts';
import { buildCustomer } from './factories.ts';
import { as } from './harness.ts';
import { Move } from './move.ts';
import { ownDatabase } from './own-database.ts';
import { testSecrets } from './secrets.ts';

interface TimerView {
  id: string;
  workflowId: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  failedAt: string | null;
}

const hour = 60 * 60 * 1000;
/** Small numbers, so that a test walks through every attempt in a few polls. */
const policy = { maxAttempts: 3, baseMs: hour, maxMs: 4 * hour };

let own: { db: Database; drop(): Promise<void> };
let db: Database;
let clock: ManualClock;
let engine: Engine;
let app: Express;
let adminToken: string;

// Every due timer of the database is fired here: a database of its own keeps other files'
// timers out of it, and this file's out of theirs.
beforeAll(async () => {
  own = await ownDatabase('timers');
  db = own.db;
  clock = new ManualClock(new Date('2026-03-02T09:00:00Z'));
  engine = new Engine({ db, clock, timerRetry: policy });
  adminToken = `admin-${crypto.randomUUID()}`;
  await ensureAdmin(db, adminToken, clock.now());
  app = createApp({
    db,
    engine,
    logger: createLogger('silent'),
    secrets: testSecrets(),
    config: {
      BODY_LIMIT_BYTES: 1024 * 1024,
      RATE_LIMIT_PER_MIN: 1_000_000,
      RATE_LIMIT_PER_IP_PER_MIN: 1_000_000,
      PUBLIC_URL: 'http://127.0.0.1:3000',
    },
  });
});
afterAll(async () => own.drop());

/** An MCA re-acceptance waiting for the customer, with its 7-day reminder armed now. */
async function awaitingAcceptance(move: Move, customerId: string): Promise<string> {
  const mca = await move.childOf('mcaReacceptance', customerId);
  await move.send(move.team.manager, mca.id, { type: 'ACCEPTANCE_REQUESTED' });
  return mca.id;
}

/**
 * What a newer build leaves behind after a rollback: a workflow stored by a machine version
 * this build does not run. Every event on it throws, its timers' included.
 */
async function storeAsNewerVersion(workflowId: string): Promise<void> {
  await db('workflows')
    .where({ id: workflowId })
    .update({ machine_version: db.raw('machine_version + 100') });
}

async function restoreVersion(workflowId: string): Promise<void> {
  await db('workflows')
    .where({ id: workflowId })
    .update({ machine_version: db.raw('machine_version - 100') });
}

async function timerOf(workflowId: string): Promise<TimerRow> {
  const [timer] = await pendingTimers(db, workflowId);
  expect(timer, `a timer of ${workflowId}`).toBeDefined();
  return timer!;
}

async function reminders(move: Move, id: string): Promise<number> {
  return (await move.get(id)).context.reminders as number;
}

async function fire(): Promise<{ fired: number; failures: TimerFailure[] }> {
  const failures: TimerFailure[] = [];
  const fired = await engine.fireDueTimers((f) => failures.push(f));
  return { fired, failures };
}

describe('a timer that cannot fire', () => {
  let move: Move;
  let poisoned: string;
  let good: string;
  let poisonedTimer: string;

  it('when it is due before a good one, then the good one fires on time and the bad one is tried again later', async () => {
    clock.set(new Date('2026-03-02T09:00:00Z'));
    move = await Move.start(app, adminToken);
    const [first, second] = await move.importCustomers([
      buildCustomer({ mcaAcceptance: 'none' }),
      buildCustomer({ mcaAcceptance: 'none' }),
    ]);
    await move.toMigrating();
    poisoned = await awaitingAcceptance(move, first!);
    clock.advanceHours(1);
    good = await awaitingAcceptance(move, second!);
    poisonedTimer = (await timerOf(poisoned)).id;
    await storeAsNewerVersion(poisoned);

    clock.set(new Date('2026-03-09T10:00:00Z'));
    const { fired, failures } = await fire();

    expect(fired).toBe(1);
    expect(await reminders(move, good)).toBe(1);
    expect(failures).toEqual([
      {
        timerId: poisonedTimer,
        workflowId: poisoned,
        attempts: 1,
        givenUp: false,
        nextAttemptAt: expect.any(Date) as Date,
        error: expect.stringContaining('UnknownMachineVersion') as string,
      },
    ]);
    const timer = await timerOf(poisoned);
    expect(timer).toMatchObject({ attempts: 1, failed_at: null });
    expect(timer.last_error).toMatch(/version 10\d, which this server does not run/);
    expect(timer.last_error).not.toMatch(/\n\s+at /);
    // Backoff with jitter: between half and all of the base wait.
    const wait = timer.next_attempt_at!.getTime() - clock.now().getTime();
    expect(wait).toBeGreaterThanOrEqual(policy.baseMs / 2);
    expect(wait).toBeLessThanOrEqual(policy.baseMs);
    // Not due again before its next attempt.
    expect((await fire()).failures).toEqual([]);
  });

  it('when it keeps failing, then it is given up after the last attempt, and the good timer keeps firing', async () => {
    const attempts: TimerFailure[] = [];
    for (let i = 0; i < 4; i += 1) {
      const next = (await timerOf(poisoned)).next_attempt_at;
      if (next) clock.set(next);
      attempts.push(...(await fire()).failures);
    }
    expect(attempts.map((f) => [f.attempts, f.givenUp])).toEqual([
      [2, false],
      [3, true],
    ]);
    const timer = await timerOf(poisoned);
    expect(timer).toMatchObject({ attempts: 3, next_attempt_at: null });
    expect(timer.failed_at).toBeInstanceOf(Date);

    // Given up, it is never tried again; the good workflow's next reminder comes on time.
    clock.set(new Date('2026-03-16T10:00:00Z'));
    expect(await fire()).toEqual({ fired: 1, failures: [] });
    expect(await reminders(move, good)).toBe(2);
  });

  it('when admins and auditors list failed timers, then it is there with its error; others are refused', async () => {
    for (const token of [adminToken, move.team.auditor]) {
      const res = await as(app, token).get('/v1/timers?status=failed');
      expect(res.status).toBe(200);
      expect((res.body as { items: TimerView[] }).items).toEqual([
        expect.objectContaining({
          id: poisonedTimer,
          workflowId: poisoned,
          status: 'failed',
          attempts: 3,
          lastError: expect.stringContaining('does not run') as string,
          failedAt: expect.any(String) as string,
          nextAttemptAt: null,
        }),
      ]);
    }
    const pending = await as(app, adminToken).get('/v1/timers?status=pending');
    expect((pending.body as { items: TimerView[] }).items.map((t) => t.workflowId)).toEqual([good]);
    expect((await as(app, move.team.manager).get('/v1/timers?status=failed')).status).toBe(403);
    expect((await as(app, move.provider.token).get('/v1/timers')).status).toBe(403);
    expect((await as(app, adminToken).get('/v1/timers?status=lost')).status).toBe(422);
  });

  it('when an admin retries it, then it is due at once with its attempts counted afresh, and fires once its workflow can run', async () => {
    expect(
      (await as(app, move.team.auditor).post(`/v1/timers/${poisonedTimer}/retry`)).status,
    ).toBe(403);
    expect((await as(app, adminToken).post('/v1/timers/tmr_unknown/retry')).status).toBe(404);
    const pendingOne = (await timerOf(good)).id;
    const notFailed = await as(app, adminToken).post(`/v1/timers/${pendingOne}/retry`);
    expect(notFailed.status).toBe(409);
    expect(notFailed.body).toMatchObject({ code: 'timer_not_failed' });

    const retried = await as(app, adminToken).post(`/v1/timers/${poisonedTimer}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({
      id: poisonedTimer,
      status: 'pending',
      attempts: 0,
      failedAt: null,
      nextAttemptAt: clock.now().toISOString(),
    });
    expect((await as(app, adminToken).post(`/v1/timers/${poisonedTimer}/retry`)).status).toBe(409);

    await restoreVersion(poisoned);
    expect(await fire()).toEqual({ fired: 1, failures: [] });
    expect(await reminders(move, poisoned)).toBe(1);
  });

  it('when timers are listed a page at a time, then the cursor walks through all of them once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const res = await as(app, adminToken).get(`/v1/timers?status=pending&limit=1${query}`);
      expect(res.status).toBe(200);
      const body = res.body as { items: TimerView[]; nextCursor: string | null };
      seen.push(...body.items.map((t) => t.workflowId));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([good, poisoned].sort());
  });
});

describe('the timer worker', () => {
  it('when a timer fails, then its log line names the timer, its workflow and the error', async () => {
    clock.set(new Date('2026-04-01T09:00:00Z'));
    const move = await Move.start(app, adminToken);
    const [customer] = await move.importCustomers([buildCustomer({ mcaAcceptance: 'none' })]);
    await move.toMigrating();
    const workflow = await awaitingAcceptance(move, customer!);
    const timer = (await timerOf(workflow)).id;
    await storeAsNewerVersion(workflow);
    clock.set(new Date('2026-04-08T09:00:00Z'));

    const lines: Array<Record<string, unknown>> = [];
    const logger = createLogger('info', {
      write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>),
    });
    const worker = startTimerWorker(engine, 60_000, logger);
    // Stopped only once the poll reached it: a stopping worker takes no further timer.
    await vi.waitFor(() => expect(lines.some((l) => l.timerId === timer)).toBe(true));
    await worker.stop();

    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 40,
        msg: 'timer failed; will try again',
        timerId: timer,
        workflowId: workflow,
        attempts: 1,
        error: expect.stringContaining('does not run') as string,
      }),
    );
    expect(lines.map((l) => l.msg)).not.toContain('timer poll failed; will retry');
  });
});

describe('a stopping worker', () => {
  it('when the worker is told to stop, then it finishes the timer in hand and takes no other', async () => {
    clock.set(new Date('2026-05-04T09:00:00Z'));
    const move = await Move.start(app, adminToken);
    const customers = await move.importCustomers(
      Array.from({ length: 4 }, () => buildCustomer({ mcaAcceptance: 'none' })),
    );
    await move.toMigrating();
    for (const customer of customers) await awaitingAcceptance(move, customer);
    clock.set(new Date('2026-05-12T09:00:00Z'));

    // The stop comes while the first timer is in hand: the check before it has passed.
    let stopping = false;
    const failed: TimerFailure[] = [];
    const firing = engine.fireDueTimers(
      (f) => failed.push(f),
      () => !stopping,
    );
    stopping = true;
    // One timer taken, whether it fired or failed (other tests leave poisoned ones due).
    expect((await firing) + failed.length).toBe(1);
    expect(
      (await db('timers').where('due_at', '<=', clock.now()).whereNull('failed_at')).length,
    ).toBeGreaterThanOrEqual(3);
  });
});

describe('the wait between attempts', () => {
  const waits = { maxAttempts: 8, baseMs: 5_000, maxMs: 60_000 };

  it('when failures add up, then the wait doubles, between half and all of it, up to the cap', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, waits, () => 0.999999))).toEqual([
      5_000, 10_000, 20_000, 40_000,
    ]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, waits, () => 0))).toEqual([
      2_500, 5_000, 10_000, 20_000,
    ]);
    expect(retryDelayMs(30, waits, () => 0.999999)).toBe(60_000);
    expect(retryDelayMs(1, { ...waits, baseMs: 1 }, () => 0)).toBe(1);
  });

  it('when an error is kept, then it is its kind and message, shortened, without a stack', () => {
    const long = new TypeError(`x${'y'.repeat(2000)}`);
    const kept = describeError(long);
    expect(kept.startsWith('TypeError: xy')).toBe(true);
    expect(kept.length).toBe(500);
    expect(describeError('a string')).toBe('thrown: a string');
  });
});
