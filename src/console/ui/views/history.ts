import { h, link } from '../dom.ts';
import { problemView, unreachableView } from '../problem.ts';
import { mayExport, mayVerify } from '../roles.ts';
import type { Session } from '../session.ts';
import { exportSection } from './history-export.ts';
import { historyEntryView, type HistoryEntry } from './history-entry.ts';
import { verdictSection } from './history-verdict.ts';
import type { Page } from './page.ts';
import { readWorkflow } from './workflow-read.ts';
import { timeTravel } from './time-travel.ts';

const pageSize = 25;

/**
 * The timeline: every entry, applied and refused, oldest first, a page at a time. Entries from
 * the first broken one on are marked once verification names it, on pages loaded later too.
 */
function timelineSection(session: Session, page: Page, id: string) {
  const list = h('ol', { class: 'timeline' });
  const status = h('p', { class: 'muted' }, 'Loading…');
  const more = h('button', { type: 'button', hidden: true }, 'Show more');
  const travel = timeTravel(session, page, id);
  let brokenFrom: number | undefined;
  let cursor: string | undefined;

  const mark = (item: HTMLLIElement, entry: HistoryEntry) => {
    if (brokenFrom === undefined || entry.seq < brokenFrom) return;
    item.classList.add('untrusted');
    if (entry.seq === brokenFrom) {
      item.querySelector('h3')?.append(' ', h('span', { class: 'broken-tag' }, 'Broken here'));
    }
  };
  const entries = new Map<HTMLLIElement, HistoryEntry>();

  const load = async () => {
    more.disabled = true;
    const answer = await session.api
      .GET('/v1/workflows/{id}/history', {
        params: { path: { id }, query: { limit: pageSize, ...(cursor ? { cursor } : {}) } },
      })
      .catch(() => undefined);
    if (!page.isCurrent()) return;
    more.disabled = false;
    if (!answer?.data) {
      status.replaceChildren(answer?.error ? problemView(answer.error) : unreachableView());
      return;
    }
    const first = list.children.length;
    for (const entry of answer.data.items) {
      const item = historyEntryView(entry, { travel: travel.open });
      entries.set(item, entry);
      mark(item, entry);
      list.append(item);
    }
    const shown = list.children.length;
    const refused = [...entries.values()].filter((e) => e.outcome === 'rejected').length;
    status.textContent =
      `${shown} ${shown === 1 ? 'entry' : 'entries'} shown, ${refused} refused` +
      (answer.data.nextCursor ? ', more to come.' : '.');
    cursor = answer.data.nextCursor ?? undefined;
    more.hidden = !answer.data.nextCursor;
    // After "Show more", the keyboard goes on at the first new entry.
    if (first > 0) list.children[first]?.querySelector<HTMLElement>('button')?.focus();
  };
  more.addEventListener('click', () => void load());
  void load();

  const section = h(
    'section',
    { 'aria-labelledby': 'timeline-heading' },
    h('h2', { id: 'timeline-heading' }, 'Events'),
    h('p', {}, 'Every event sent to this workflow, applied or refused, oldest first.'),
    status,
    list,
    more,
  );
  return {
    section,
    markBroken(seq: number | undefined) {
      brokenFrom = seq;
      for (const [item, entry] of entries) mark(item, entry);
    },
  };
}

/** A workflow's history: its verification, an export, and the timeline with time travel. */
export async function historyPage(session: Session, page: Page, id: string): Promise<void> {
  const read = await readWorkflow(session, page, id, 'History');
  if (!read) return;
  const { name } = read;
  const timeline = timelineSection(session, page, id);
  page.show(
    h(
      'p',
      { class: 'crumbs' },
      link('/', 'Transitions'),
      ' › ',
      link(`/workflows/${encodeURIComponent(id)}`, name),
    ),
    h('h1', { tabindex: -1 }, `History of ${name}`),
    mayVerify(session.me)
      ? verdictSection(session, page, id, (seq) => timeline.markBroken(seq))
      : h(
          'p',
          { class: 'muted' },
          'Checking the hash chain is for auditors and operators; the entries below are as recorded.',
        ),
    mayExport(session.me) ? exportSection(session, id) : null,
    timeline.section,
  );
}
