import type { Delay } from '../../machines/common.ts';

const dayMs = 24 * 60 * 60 * 1000;

/** Adds whole business days (Mon–Fri, UTC), keeping the time of day. */
export function addBusinessDays(from: Date, days: number): Date {
  let at = from.getTime();
  let left = days;
  while (left > 0) {
    at += dayMs;
    const weekday = new Date(at).getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return new Date(at);
}

/** When a delay started now falls due, or null for a delay that names no time. */
export function dueAt(delay: Delay, now: Date): Date | null {
  if (delay.at !== undefined) return new Date(delay.at);
  if (!delay.businessDays && !delay.days) return null;
  let due = now;
  if (delay.businessDays) due = addBusinessDays(due, delay.businessDays);
  if (delay.days) due = new Date(due.getTime() + delay.days * dayMs);
  return due;
}

/** Today's date in UTC as YYYY-MM-DD: dates in the domain are UTC dates. */
export function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}
