import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { startTimerWorker, type TimerEngine } from '../src/engine/timer-worker.ts';
import { createLogger } from '../src/logger.ts';
import { DataDirInUse, lockDataDir } from '../src/store/data-dir-lock.ts';

/**
 * The operations features as an operator or a stranger could misuse them: settings given
 * odd values, a timer worker whose polls take longer than its interval, a DATA_DIR lock left
 * behind by a machine's restart.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a timer worker whose polls are slower than its interval', () => {
  /** An engine whose n-th poll takes `pollMs(n)`, counting how many run at once. */
  function slowEngine(pollMs: (poll: number) => number) {
    const seen = { running: 0, most: 0, polls: 0 };
    const engine: TimerEngine = {
      async fireDueTimers() {
        seen.polls += 1;
        seen.running += 1;
        seen.most = Math.max(seen.most, seen.running);
        await sleep(pollMs(seen.polls));
        seen.running -= 1;
        return 0;
      },
      forgetOldIdempotencyKeys: () => Promise.resolve(0),
    };
    return { engine, seen };
  }

  it('when a poll outlasts the interval, then the next waits for it instead of running beside it', async () => {
    const { engine, seen } = slowEngine(() => 150);
    const worker = startTimerWorker(engine, 20, createLogger('silent'));
    await sleep(400);
    await worker.stop();
    expect(seen.polls).toBeGreaterThanOrEqual(2);
    expect(seen.most).toBe(1);
  });

  it('when the worker is stopped during a slow poll, then the stop waits for every poll in hand', async () => {
    // The first poll has many timers in hand; the ones after it find few.
    const { engine, seen } = slowEngine((poll) => (poll === 1 ? 300 : 10));
    const worker = startTimerWorker(engine, 20, createLogger('silent'));
    await sleep(100);
    await worker.stop();
    // The database closes right after: nothing may still be using it.
    expect(seen.running).toBe(0);
  });
});

describe('numeric settings', () => {
  const base = { PUBLIC_URL: 'https://tiershift.example.com' };
  const refused = (env: Record<string, string>) => () => loadConfig({ ...base, ...env });

  it('when a number is set to blanks, then the start stops instead of reading 0', () => {
    // z.coerce reads " " as 0: PORT a random port, SHUTDOWN_GRACE_MS no grace at all.
    for (const name of ['PORT', 'METRICS_PORT', 'SHUTDOWN_GRACE_MS', 'TIMER_INTERVAL_MS']) {
      expect(refused({ [name]: ' ' }), name).toThrow(name);
      expect(refused({ [name]: '\t' }), name).toThrow(name);
    }
  });

  it('when a number is written in hex, binary or with an exponent, then it is refused', () => {
    expect(refused({ PORT: '0x10' })).toThrow('PORT');
    expect(refused({ RATE_LIMIT_PER_MIN: '0b11' })).toThrow('RATE_LIMIT_PER_MIN');
    expect(refused({ BODY_LIMIT_BYTES: '1e6' })).toThrow('BODY_LIMIT_BYTES');
  });

  it('when a duration is too long for a Node timer, then it is refused rather than run as 1 ms', () => {
    // setTimeout and setInterval take at most 2^31 - 1 ms and turn anything longer into 1 ms:
    // a timer poll every millisecond, or a grace that cuts every request at once.
    for (const name of [
      'TIMER_INTERVAL_MS',
      'SHUTDOWN_GRACE_MS',
      'TIMER_RETRY_BASE_MS',
      'TIMER_RETRY_MAX_MS',
      'REQUEST_TIMEOUT_MS',
      'STATEMENT_TIMEOUT_MS',
    ]) {
      expect(refused({ [name]: String(2 ** 31) }), name).toThrow(name);
    }
    expect(loadConfig({ ...base, SHUTDOWN_GRACE_MS: String(2 ** 31 - 1) }).SHUTDOWN_GRACE_MS).toBe(
      2 ** 31 - 1,
    );
  });

  it('when numbers are plain digits, spaces around them included, then they are read', () => {
    const config = loadConfig({
      ...base,
      PORT: ' 8080 ',
      METRICS_PORT: '9464',
      SHUTDOWN_GRACE_MS: '0',
      TIMER_MAX_ATTEMPTS: '3',
    });
    expect(config).toMatchObject({
      PORT: 8080,
      METRICS_PORT: 9464,
      SHUTDOWN_GRACE_MS: 0,
      TIMER_MAX_ATTEMPTS: 3,
      RATE_LIMIT_PER_MIN: 6000,
    });
  });
});

describe('the DATA_DIR lock', () => {
  const folders: string[] = [];
  afterAll(() => {
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  });
  function folderLockedBy(holder: Record<string, unknown>): string {
    const folder = mkdtempSync(path.join(tmpdir(), 'tiershift-lock-'));
    folders.push(folder);
    writeFileSync(path.join(folder, 'tiershift.lock'), JSON.stringify(holder));
    return folder;
  }
  /** This process as a lock names it: pid, host and start time, as `lockDataDir` writes them. */
  function thisProcess(): Record<string, unknown> {
    const probe = folderLockedBy({});
    rmSync(path.join(probe, 'tiershift.lock'));
    const lock = lockDataDir(probe);
    const holder = JSON.parse(readFileSync(lock.path, 'utf8')) as Record<string, unknown>;
    lock.release();
    return holder;
  }

  it('when the lock was written before the machine restarted, then it is taken over even if its pid and start time are ours', () => {
    // In a container restarted with its host, the server gets the same small pid and may
    // start at the same tick after boot as the one that wrote the lock.
    const folder = folderLockedBy({ ...thisProcess(), bootId: 'a-boot-before-this-one' });
    const lock = lockDataDir(folder);
    expect(existsSync(lock.path)).toBe(true);
    lock.release();
  });

  it('when this very process holds it, then a second open is refused', () => {
    const folder = folderLockedBy({});
    rmSync(path.join(folder, 'tiershift.lock'));
    const lock = lockDataDir(folder);
    try {
      expect(() => lockDataDir(folder)).toThrow(DataDirInUse);
    } finally {
      lock.release();
    }
  });
});
