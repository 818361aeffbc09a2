import { h, link } from '../dom.ts';
import { problemView, unreachableView } from '../problem.ts';
import type { Session, Workflow } from '../session.ts';
import { flagLabel, stateLabel, when } from '../words.ts';
import type { Page } from './page.ts';

const pageSize = 25;

/** What a transition's row shows of its context: its counts and its deadline. */
function progress(workflow: Workflow) {
  if (workflow.machine !== 'transition' || workflow.context === null) return undefined;
  const { customersMoved, customersExcluded, customersTotal, migrationDeadline } = workflow.context;
  return { customersMoved, customersExcluded, customersTotal, migrationDeadline };
}

function row(workflow: Workflow, partnerName: string | undefined): HTMLTableRowElement {
  const counts = progress(workflow);
  const count = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString());
  const flags = workflow.flags.map(flagLabel);
  if (counts?.migrationDeadline) flags.push(`Deadline ${counts.migrationDeadline}`);
  return h(
    'tr',
    {},
    h(
      'th',
      { scope: 'row', 'data-label': 'Partner' },
      link(`/workflows/${encodeURIComponent(workflow.id)}`, partnerName ?? workflow.partnerId),
    ),
    h(
      'td',
      { 'data-label': 'State' },
      stateLabel(workflow.state),
      ' ',
      h('code', {}, workflow.state),
    ),
    h('td', { 'data-label': 'Moved', class: 'number' }, count(counts?.customersMoved)),
    h('td', { 'data-label': 'Excluded', class: 'number' }, count(counts?.customersExcluded)),
    h('td', { 'data-label': 'Total', class: 'number' }, count(counts?.customersTotal)),
    h(
      'td',
      { 'data-label': 'Flags' },
      flags.length > 0 ? h('ul', { class: 'flags' }, ...flags.map((f) => h('li', {}, f))) : '—',
    ),
    h('td', { 'data-label': 'Last change' }, when(workflow.updatedAt)),
  );
}

/**
 * Every transition the caller may see, oldest first, a page at a time: the API's cursor for
 * the next page, the cursors already followed for the way back.
 */
export function transitionsPage(session: Session, page: Page): void {
  const followed: Array<string | undefined> = [];
  const show = async (cursor: string | undefined) => {
    const answer = await session.api
      .GET('/v1/workflows', {
        params: {
          query: { machine: 'transition', limit: pageSize, ...(cursor ? { cursor } : {}) },
        },
      })
      .catch(() => undefined);
    if (!page.isCurrent()) return;
    const heading = h('h1', { tabindex: -1 }, 'Transitions');
    if (!answer?.data) {
      page.show(heading, answer?.error ? problemView(answer.error) : unreachableView());
      return;
    }
    const { nextCursor } = answer.data;
    const items = answer.data.items as Workflow[];
    const names = await Promise.all(items.map((w) => session.partnerName(w.partnerId)));
    if (!page.isCurrent()) return;
    const pageNumber = followed.length + 1;
    const previous = h('button', { type: 'button', disabled: pageNumber === 1 }, 'Previous page');
    const next = h('button', { type: 'button', disabled: !nextCursor }, 'Next page');
    previous.addEventListener('click', () => {
      followed.pop();
      void show(followed.at(-1));
    });
    next.addEventListener('click', () => {
      if (!nextCursor) return;
      followed.push(nextCursor);
      void show(nextCursor);
    });
    page.show(
      heading,
      h('p', {}, 'Every transition you may see, oldest first, with its customers so far.'),
      items.length === 0
        ? h('p', { class: 'muted' }, 'No transition you may see yet.')
        : h(
            'table',
            { class: 'list' },
            h('caption', { class: 'visually-hidden' }, `Transitions, page ${pageNumber}`),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Partner', 'State', 'Moved', 'Excluded', 'Total', 'Flags', 'Last change'].map(
                  (t) => h('th', { scope: 'col' }, t),
                ),
              ),
            ),
            h('tbody', {}, ...items.map((w, i) => row(w, names[i]))),
          ),
      h(
        'nav',
        { class: 'pager', 'aria-label': 'Pages of transitions' },
        previous,
        h('span', {}, `Page ${pageNumber}`),
        next,
      ),
    );
  };
  void show(undefined);
}
