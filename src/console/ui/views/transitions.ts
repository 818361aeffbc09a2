import type { Schema } from '../../../client/index.ts';
import { h, link, uniqueId, type Child } from '../dom.ts';
import { stateNames } from '../machine-states.ts';
import { problemView, unreachableView } from '../problem.ts';
import type { Session } from '../session.ts';
import { sinceView } from '../time.ts';
import { flagLabel, humanize, stateLabel } from '../words.ts';
import type { Page } from './page.ts';
import { startTransitionSection } from './start-transition.ts';

type Summary = Schema<'TransitionSummary'>;

const pageSize = 25;
/** The flags a transition's row can carry (`GET /v1/transitions` documents them). */
const flags = ['enrollmentOverdue', 'incentivesInvitationOverdue', 'migrationOverdue'];

interface Filter {
  state?: string;
  flag?: string;
  search?: string;
}

function customersView(summary: Summary): Child {
  const counts = summary.customers;
  if (!counts) return '—';
  return h(
    'ul',
    { class: 'counts' },
    h('li', {}, `${counts.moved.toLocaleString()} moved`),
    h('li', {}, `${counts.inProgress.toLocaleString()} in progress`),
    h('li', {}, `${counts.excluded.toLocaleString()} excluded`),
    h('li', {}, `${counts.total.toLocaleString()} in all`),
  );
}

/** The accepted provider's partnership, or where each one asked stands. */
function partnershipView(summary: Summary): Child {
  if (summary.providerId) return 'Accepted';
  if (summary.partnerships.length === 0) return h('span', { class: 'muted' }, 'None asked');
  return summary.partnerships.map((p) => humanize(p.status)).join(', ');
}

function row(summary: Summary): HTMLTableRowElement {
  const flagged = summary.flags.map(flagLabel);
  if (summary.migrationDeadline) flagged.push(`Deadline ${summary.migrationDeadline}`);
  return h(
    'tr',
    {},
    h(
      'th',
      { scope: 'row', 'data-label': 'Partner' },
      link(`/workflows/${encodeURIComponent(summary.id)}`, summary.partnerName),
    ),
    h('td', { 'data-label': 'State' }, stateLabel(summary.state)),
    h('td', { 'data-label': 'Customers' }, customersView(summary)),
    h(
      'td',
      { 'data-label': 'Transfers completed', class: 'number' },
      summary.transfersCompleted.toLocaleString(),
    ),
    h(
      'td',
      { 'data-label': 'Enrollment' },
      summary.enrollment ? stateLabel(summary.enrollment.state) : '—',
    ),
    h('td', { 'data-label': 'Partnership' }, partnershipView(summary)),
    h(
      'td',
      { 'data-label': 'Flags' },
      flagged.length > 0 ? h('ul', { class: 'flags' }, ...flagged.map((f) => h('li', {}, f))) : '—',
    ),
    h('td', { 'data-label': 'Last activity' }, sinceView(summary.lastActivity)),
  );
}

function filterForm(session: Session, current: Filter, apply: (filter: Filter) => void) {
  const stateId = uniqueId('transitions-state');
  const flagId = uniqueId('transitions-flag');
  const searchId = uniqueId('transitions-search');
  const state = h('select', { id: stateId }, h('option', { value: '' }, 'Any'));
  void session.machine('transition').then(
    (machine) => {
      for (const name of stateNames(machine)) {
        state.append(
          h('option', { value: name, selected: name === current.state }, stateLabel(name)),
        );
      }
    },
    () => undefined,
  );
  const flag = h(
    'select',
    { id: flagId },
    h('option', { value: '' }, 'Any'),
    ...flags.map((f) => h('option', { value: f, selected: f === current.flag }, flagLabel(f))),
  );
  const search = h('input', {
    id: searchId,
    type: 'search',
    autocomplete: 'off',
    value: current.search ?? '',
  });
  const form = h(
    'form',
    { class: 'table-filters', role: 'search', 'aria-label': 'Filter the transitions' },
    h('div', { class: 'field' }, h('label', { for: stateId }, 'State'), state),
    h('div', { class: 'field' }, h('label', { for: flagId }, 'Flag'), flag),
    h('div', { class: 'field' }, h('label', { for: searchId }, 'Partner name'), search),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply filters'),
      h('button', { type: 'reset' }, 'Clear filters'),
    ),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = search.value.trim();
    apply({
      ...(state.value ? { state: state.value } : {}),
      ...(flag.value ? { flag: flag.value } : {}),
      ...(text ? { search: text } : {}),
    });
  });
  form.addEventListener('reset', () => apply({}));
  return form;
}

/**
 * Every transition the caller may see, oldest first, with its progress at a glance, filtered
 * by state, flag and partner name, a page at a time: the API's cursor for the next page, the
 * cursors already followed for the way back.
 */
export function transitionsPage(session: Session, page: Page): void {
  let filter: Filter = {};
  const followed: Array<string | undefined> = [];
  const show = async (cursor: string | undefined) => {
    const answer = await session.api
      .GET('/v1/transitions', {
        params: { query: { ...filter, limit: pageSize, ...(cursor ? { cursor } : {}) } },
      })
      .catch(() => undefined);
    if (!page.isCurrent()) return;
    const heading = h('h1', { tabindex: -1 }, 'Transitions');
    const form = filterForm(session, filter, (chosen) => {
      filter = chosen;
      followed.length = 0;
      void show(undefined);
    });
    if (!answer?.data) {
      page.show(heading, form, answer?.error ? problemView(answer.error) : unreachableView());
      return;
    }
    const { items, nextCursor } = answer.data;
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
    const filtered = Object.keys(filter).length > 0;
    page.show(
      heading,
      h('p', {}, 'Every transition you may see, oldest first, with its progress at a glance.'),
      startTransitionSection(session, (id) => {
        window.location.hash = `#/workflows/${encodeURIComponent(id)}`;
      }),
      form,
      items.length === 0
        ? h(
            'p',
            { class: 'muted' },
            filtered ? 'No transition matches these filters.' : 'No transition you may see yet.',
          )
        : h(
            'table',
            { class: 'list transitions' },
            h('caption', { class: 'visually-hidden' }, `Transitions, page ${pageNumber}`),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...[
                  'Partner',
                  'State',
                  'Customers',
                  'Transfers completed',
                  'Enrollment',
                  'Partnership',
                  'Flags',
                  'Last activity',
                ].map((t) => h('th', { scope: 'col' }, t)),
              ),
            ),
            h('tbody', {}, ...items.map(row)),
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
