import { h } from './dom.ts';
import { when } from './words.ts';

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/**
 * How long ago an instant was, in words ("3 minutes ago", "yesterday"), beside the absolute
 * time: a reader of a timeline wants both, the one to compare, the other to place.
 */
export function ago(iso: string, now: Date = new Date()): string {
  const then = new Date(iso).getTime();
  if (Number.isNaN(then)) return '';
  const seconds = Math.round((then - now.getTime()) / 1000);
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.trunc(seconds / size), unit);
  }
  return Math.abs(seconds) < 45 ? 'just now' : format.format(seconds, 'second');
}

/** An instant both ways: how long ago, and when exactly (UTC), as a `<time>`. */
export function sinceView(iso: string): HTMLElement {
  return h('time', { datetime: iso }, ago(iso), h('span', { class: 'muted' }, ` · ${when(iso)}`));
}
