import { describe, expect, it } from 'vitest';
import { startTimerWorker, type TimerEngine } from '../src/engine/timer-worker.ts';
import { createLogger } from '../src/logger.ts';

/**
 * The operations features as an operator or a stranger could misuse them: a timer worker
 * whose polls take longer than its interval.
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
