import type { Schema } from '../../../client/index.ts';
import { h } from '../dom.ts';
import { problemView, unreachableView } from '../problem.ts';
import type { Session } from '../session.ts';
import type { Page } from './page.ts';

type Verdict = Schema<'HistoryVerdict'>;

/** What each kind of problem breaks, in words (README "For auditors: a history you can check"). */
const kindWords: Record<Verdict['problems'][number]['kind'], string> = {
  hash: 'A row was changed, removed, added or reordered',
  continuity: 'Rows that do not follow on from one another',
  snapshot: 'Replaying the events does not give the stored workflow',
  row_fields: 'Who may read the workflow differs from what its history bound',
  consent: 'A consent record differs from what its history recorded',
};

/** The start of a hash, enough to compare by eye; the whole one is in the title. */
const shortHash = (hash: string) => `${hash.slice(0, 12)}…`;

function verifiedBadge(verdict: Verdict): HTMLElement {
  return h(
    'div',
    { class: 'verdict verified', role: 'status' },
    h(
      'p',
      { class: 'verdict-title' },
      h('span', { 'aria-hidden': 'true' }, '✓ '),
      'History verified',
    ),
    h(
      'p',
      {},
      `${verdict.checked.toLocaleString()} ${verdict.checked === 1 ? 'entry' : 'entries'} checked; the chain ends on `,
      h('code', { title: verdict.headHash }, shortHash(verdict.headHash)),
      '.',
    ),
  );
}

function brokenBadge(verdict: Verdict): HTMLElement {
  const title =
    verdict.firstBrokenSeq === undefined
      ? 'History broken: a record it vouches for differs'
      : `History broken at entry ${verdict.firstBrokenSeq}`;
  return h(
    'div',
    { class: 'verdict broken', role: 'alert' },
    h('p', { class: 'verdict-title' }, h('span', { 'aria-hidden': 'true' }, '✗ '), title),
    h(
      'p',
      {},
      verdict.firstBrokenSeq === undefined
        ? 'The entries hash as written, but what they vouch for was changed.'
        : 'From this entry on, the history cannot be trusted. Each problem found:',
    ),
    h(
      'ul',
      { class: 'reasons' },
      ...verdict.problems.map((p) =>
        h(
          'li',
          { 'data-kind': p.kind },
          p.seq === undefined ? '' : `Entry ${p.seq}: `,
          kindWords[p.kind],
          ' — ',
          p.detail,
          ' ',
          h('code', {}, p.kind),
        ),
      ),
    ),
  );
}

/**
 * The chain's verification as a badge: verified, with how many entries and the head hash, or
 * broken, with where and every problem, as an alert no reader can miss. `onBroken` is told the
 * first broken entry so the timeline can mark it.
 */
export function verdictSection(
  session: Session,
  page: Page,
  id: string,
  onBroken: (seq: number | undefined) => void,
): HTMLElement {
  const slot = h('div', {}, h('p', { class: 'muted' }, 'Checking the history…'));
  const section = h(
    'section',
    { 'aria-labelledby': 'verdict-heading' },
    h('h2', { id: 'verdict-heading' }, 'Verification'),
    slot,
  );
  void session.api
    .GET('/v1/workflows/{id}/history/verify', { params: { path: { id } } })
    .catch(() => undefined)
    .then((answer) => {
      if (!page.isCurrent()) return;
      const verdict = answer?.data;
      if (!verdict) {
        slot.replaceChildren(answer?.error ? problemView(answer.error) : unreachableView());
        return;
      }
      slot.replaceChildren(verdict.valid ? verifiedBadge(verdict) : brokenBadge(verdict));
      if (!verdict.valid) onBroken(verdict.firstBrokenSeq);
      page.announce(verdict.valid ? 'History verified.' : 'History broken.');
    });
  return section;
}
