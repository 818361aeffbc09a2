import { h } from '../dom.ts';
import { problemView, unreachableView } from '../problem.ts';
import type { Session, Workflow } from '../session.ts';
import { sinceView } from '../time.ts';
import { humanize } from '../words.ts';
import type { Page } from './page.ts';

/**
 * What the workflow waits for on its own: each timer, the event it will deliver, and when.
 * A timer that failed says how often, when it is tried again, and (to operators, who are
 * given it) why.
 */
export function timersSection(session: Session, page: Page, workflow: Workflow): HTMLElement {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  void session.api
    .GET('/v1/workflows/{id}/timers', { params: { path: { id: workflow.id } } })
    .then(({ data, error }) => {
      if (!page.isCurrent()) return;
      if (!data) {
        body.replaceChildren(error ? problemView(error) : unreachableView());
        return;
      }
      if (data.items.length === 0) {
        body.replaceChildren(h('p', { class: 'muted' }, 'No timer is waiting.'));
        return;
      }
      body.replaceChildren(
        h(
          'ul',
          { class: 'timers' },
          ...data.items.map((timer) =>
            h(
              'li',
              {},
              h('strong', {}, humanize(timer.eventType)),
              ' ',
              h('code', {}, timer.eventType),
              timer.status === 'failed' ? ' was due ' : ' due ',
              sinceView(timer.dueAt),
              timer.attempts > 0
                ? h(
                    'p',
                    { class: timer.status === 'failed' ? 'field-error' : 'hint' },
                    timer.status === 'failed'
                      ? `Given up after ${timer.attempts} failed attempts; an admin can put it back in line.`
                      : `${timer.attempts} failed attempt${timer.attempts === 1 ? '' : 's'} so far${timer.nextAttemptAt ? '; tried again ' : '.'}`,
                    timer.status !== 'failed' && timer.nextAttemptAt
                      ? sinceView(timer.nextAttemptAt)
                      : null,
                    timer.lastError ? ` Last error: ${timer.lastError}` : null,
                  )
                : null,
            ),
          ),
        ),
      );
    })
    .catch(() => body.replaceChildren(unreachableView()));
  return h(
    'section',
    { 'aria-labelledby': 'timers-heading' },
    h('h2', { id: 'timers-heading' }, 'Timers'),
    body,
  );
}
