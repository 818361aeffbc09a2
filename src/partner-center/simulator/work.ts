import type { SimulatorClock } from './options.ts';

interface Work {
  dueAt: number;
  order: number;
  label: string;
  /** Expiry happens when its time comes, never because a test asked to finish work early. */
  onlyWhenDue: boolean;
  run: () => void;
}

/**
 * Work Partner Center does later (a transfer completing, a migration finishing, a request
 * expiring), run against the simulator's clock: when it is due, at the next request or tick, or
 * at once when a test asks. Nothing here waits on a real timer, so a test's hand-moved clock
 * decides what has happened.
 */
export class WorkQueue {
  #items: Work[] = [];
  #order = 0;

  constructor(private readonly clock: SimulatorClock) {}

  schedule(dueAt: Date, label: string, run: () => void, onlyWhenDue = false): void {
    this.#order += 1;
    this.#items.push({ dueAt: dueAt.getTime(), order: this.#order, label, onlyWhenDue, run });
  }

  /** Runs what is due by the clock, oldest first; returns how many ran. */
  runDue(): number {
    return this.#drain((w) => w.dueAt <= this.clock.now().getTime());
  }

  /** Runs every pending item that need not wait for its time, and what those schedule. */
  runAll(): number {
    return this.#drain((w) => !w.onlyWhenDue);
  }

  get pending(): Array<{ label: string; dueAt: string }> {
    return this.#items.map((w) => ({ label: w.label, dueAt: new Date(w.dueAt).toISOString() }));
  }

  clear(): void {
    this.#items = [];
  }

  #drain(ready: (w: Work) => boolean): number {
    let ran = 0;
    // Work may schedule more work (approved → activating → active): take it in the same pass.
    for (let next = this.#next(ready); next; next = this.#next(ready)) {
      this.#items = this.#items.filter((w) => w !== next);
      next.run();
      ran += 1;
    }
    return ran;
  }

  #next(ready: (w: Work) => boolean): Work | undefined {
    let best: Work | undefined;
    for (const w of this.#items) {
      if (!ready(w)) continue;
      if (!best || w.dueAt < best.dueAt || (w.dueAt === best.dueAt && w.order < best.order)) {
        best = w;
      }
    }
    return best;
  }
}
