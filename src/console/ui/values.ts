import { h, link, type Child } from './dom.ts';
import { fieldLabel, yesNo } from './words.ts';

/** Ids the API hands out: a short prefix, an underscore, 22 characters of base64url. */
const idPattern = /^(wf|ptn|prv|cus|prn|tmr|cns|crq)_[A-Za-z0-9_-]{16,}$/;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An id as code; a workflow's id as a link to it. */
export function idView(id: string): HTMLElement {
  const code = h('code', {}, id);
  return id.startsWith('wf_') ? link(`/workflows/${encodeURIComponent(id)}`, code) : code;
}

function keyLabel(key: string): Child {
  return idPattern.test(key) ? h('code', {}, key) : fieldLabel(key);
}

/**
 * Any JSON value as a person reads it: objects as definition lists with worded keys, lists as
 * lists, yes and no for booleans, a dash for nothing, ids as code (workflows as links).
 */
export function valueView(value: unknown): Child {
  if (value === null || value === undefined) return h('span', { class: 'muted' }, '—');
  if (typeof value === 'boolean') return yesNo(value);
  if (typeof value === 'number') return value.toLocaleString();
  if (typeof value === 'string') {
    if (idPattern.test(value)) return idView(value);
    return value === '' ? h('span', { class: 'muted' }, '(empty)') : value;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', { class: 'muted' }, 'None');
    return h('ul', { class: 'values' }, ...value.map((item) => h('li', {}, valueView(item))));
  }
  if (isRecord(value)) return recordView(value);
  return JSON.stringify(value);
}

/**
 * A record's fields in the order of their labels: the stored order is the database's (jsonb
 * sorts keys by length), which means nothing to a reader.
 */
export function recordView(record: Record<string, unknown>): HTMLElement {
  const label = (key: string) => (idPattern.test(key) ? key : fieldLabel(key));
  const entries = Object.entries(record).sort(([a], [b]) => label(a).localeCompare(label(b)));
  if (entries.length === 0) return h('span', { class: 'muted' }, 'None');
  return h(
    'dl',
    { class: 'record' },
    ...entries.flatMap(([key, item]) => [h('dt', {}, keyLabel(key)), h('dd', {}, valueView(item))]),
  );
}
