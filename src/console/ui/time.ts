import { h } from './dom.ts';
import { when } from './words.ts';

const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** How long ago an instant was, in the largest whole unit: "3 hours ago". */
export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return 'just now';
}

/** An instant both ways: how long ago, and when exactly (UTC), as a `<time>`. */
export function sinceView(iso: string): HTMLElement {
  return h('time', { datetime: iso }, ago(iso), h('span', { class: 'muted' }, ` · ${when(iso)}`));
}
