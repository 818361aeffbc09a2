import type { Schema } from '../../../client/index.ts';
import { h, uniqueId, type Child } from '../dom.ts';
import { ago } from '../time.ts';
import { recordView } from '../values.ts';
import { humanize, problemLead, reasonLabel, roleLabel, stateLabel, when } from '../words.ts';

export type HistoryEntry = Schema<'HistoryEntry'>;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function stateName(state: string): HTMLElement {
  return h('span', { class: 'state' }, stateLabel(state), ' ', h('code', {}, state));
}

/** Where the event took the workflow: created in, from → to, or left where it was. */
function movement(entry: HistoryEntry): Child {
  if (entry.from === null) return ['Created in ', stateName(entry.to)];
  if (entry.outcome === 'rejected') return ['Stayed in ', stateName(entry.from)];
  if (entry.from === entry.to) return ['In ', stateName(entry.to), ', unchanged'];
  return [stateName(entry.from), ' → ', stateName(entry.to)];
}

/**
 * Why an event was refused, as the refusal said it then: the rule in words, its code and
 * status, and each unmet requirement.
 */
function refusalView(reason: Record<string, unknown>): HTMLElement {
  const code = typeof reason.code === 'string' ? reason.code : 'refused';
  const detail = typeof reason.detail === 'string' ? reason.detail : '';
  const status = typeof reason.status === 'number' ? reason.status : undefined;
  const reasons = Array.isArray(reason.reasons)
    ? reason.reasons.filter((r): r is string => typeof r === 'string')
    : [];
  // With reasons, the detail only lists their codes: the reasons below say it in words.
  const lead =
    reasons.length === 0
      ? problemLead(code, detail)
      : reasons.length === 1
        ? 'a requirement was not met:'
        : `${reasons.length} requirements were not met:`;
  return h(
    'div',
    { class: 'refusal' },
    h(
      'p',
      {},
      h('strong', {}, 'Refused: '),
      lead,
      ' ',
      h('code', {}, status === undefined ? code : `${status} ${code}`),
    ),
    reasons.length === 0 && detail && detail !== lead ? h('p', { class: 'muted' }, detail) : null,
    reasons.length > 0 &&
      h(
        'ul',
        { class: 'reasons' },
        ...reasons.map((r) => h('li', { 'data-code': r }, reasonLabel(r))),
      ),
  );
}

export interface EntryOptions {
  /** Shows the workflow as it was right after this entry; the button is handed back to focus. */
  travel: (entry: HistoryEntry, button: HTMLButtonElement) => void;
}

/**
 * One history row as a timeline entry: what was sent, by whom and when, where it took the
 * workflow, and for a refusal every reason. Refusals are marked by more than colour: their
 * heading says "refused".
 */
export function historyEntryView(entry: HistoryEntry, options: EntryOptions): HTMLLIElement {
  const headingId = uniqueId('entry');
  const refused = entry.outcome === 'rejected';
  const travel = h(
    'button',
    { type: 'button', class: 'travel', 'aria-describedby': headingId },
    'State after this event',
  );
  travel.addEventListener('click', () => options.travel(entry, travel));
  const payload = entry.payload;
  return h(
    'li',
    {
      class: `entry ${refused ? 'rejected' : 'applied'}`,
      'data-seq': entry.seq,
      'data-outcome': entry.outcome,
      'aria-labelledby': headingId,
    },
    h(
      'h3',
      { id: headingId },
      h('span', { class: 'seq' }, `#${entry.seq}`),
      ' ',
      humanize(entry.type),
      ' ',
      h('code', {}, entry.type),
      ' ',
      h('span', { class: `outcome-tag ${entry.outcome}` }, refused ? 'Refused' : 'Applied'),
    ),
    h('p', { class: 'moved' }, movement(entry)),
    h(
      'p',
      { class: 'by' },
      'By ',
      h('strong', {}, entry.actor.name),
      ` (${roleLabel(entry.actor.role)})`,
      ' · ',
      h('time', { datetime: entry.at, title: entry.at }, when(entry.at)),
      ` (${ago(entry.at)})`,
    ),
    refused && isRecord(entry.reason) ? refusalView(entry.reason) : null,
    Object.keys(payload).length > 0
      ? h(
          'div',
          { class: 'sent' },
          h('p', { class: 'label' }, 'What was sent'),
          recordView(payload),
        )
      : null,
    travel,
  );
}
