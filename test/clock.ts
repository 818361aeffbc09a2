import type { Clock } from '../src/engine/clock.ts';

/** A clock that tests move by hand. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start = new Date('2026-03-02T09:00:00Z')) {
    this.#now = start.getTime();
  }

  now(): Date {
    return new Date(this.#now);
  }

  set(at: Date): void {
    this.#now = at.getTime();
  }

  advanceHours(hours: number): void {
    this.#now += hours * 60 * 60 * 1000;
  }

  advanceDays(days: number): void {
    this.#now += days * 24 * 60 * 60 * 1000;
  }
}
