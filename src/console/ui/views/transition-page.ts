import { append, h, link, type Child } from '../dom.ts';
import type { Schema } from '../../../client/index.ts';
import type { Session, Workflow } from '../session.ts';
import { humanize, stateLabel } from '../words.ts';
import { customerBatch } from './customer-batch.ts';
import { customerTable, type CustomerTableOptions } from './customer-table.ts';
import type { Page } from './page.ts';
import { partnerCenterSection } from './partner-center.ts';

type TransitionWorkflow = Schema<'TransitionWorkflow'>;

/** A transition this server runs the version of: its context can be read. */
export function isTransition(workflow: Workflow): workflow is TransitionWorkflow {
  return workflow.machine === 'transition' && workflow.context !== null;
}

/**
 * What a transition's page shows beyond any workflow's: where its enrollment and its
 * provider partnerships stand, its customers' table, and which of their steps Partner Center
 * takes. `table` reaches the customer table (a panel acting on its selection goes there).
 */
export function transitionSections(
  session: Session,
  page: Page,
  workflow: TransitionWorkflow,
  table: CustomerTableOptions = customerBatch(session),
): Child[] {
  return [
    progressSection(session, page, workflow),
    customerTable(session, page, workflow.id, table),
    partnerCenterSection(session, page, workflow.id),
  ];
}

function progressSection(session: Session, page: Page, workflow: TransitionWorkflow): HTMLElement {
  const enrollment = h('dd', {}, h('span', { class: 'muted' }, 'Loading…'));
  const partnerships = h('dd', {}, partnershipsView(session, workflow));
  void session.api
    .GET('/v1/workflows', {
      params: { query: { parentId: workflow.id, machine: 'enrollment', limit: 50 } },
    })
    .then(({ data }) => {
      if (!page.isCurrent()) return;
      const newest = data?.items.at(-1);
      enrollment.replaceChildren();
      append(
        enrollment,
        newest
          ? [
              stateLabel(newest.state),
              ' · ',
              link(`/workflows/${encodeURIComponent(newest.id)}`, 'open the enrollment'),
            ]
          : h('span', { class: 'muted' }, 'Not started, or not yours to see'),
      );
    })
    .catch(() => enrollment.replaceChildren('Could not be read; reload to try again.'));
  const { context } = workflow;
  return h(
    'section',
    { 'aria-labelledby': 'progress-heading' },
    h('h2', { id: 'progress-heading' }, 'Progress'),
    h(
      'dl',
      { class: 'record summary' },
      h('dt', {}, 'Enrollment'),
      enrollment,
      h('dt', {}, 'Provider partnership'),
      partnerships,
      h('dt', {}, 'Customers'),
      h(
        'dd',
        {},
        `${context.customersMoved.toLocaleString()} moved · ${(
          context.customersTotal -
          context.customersMoved -
          context.customersExcluded
        ).toLocaleString()} in progress · ${context.customersExcluded.toLocaleString()} excluded · ${context.customersTotal.toLocaleString()} in all`,
      ),
    ),
  );
}

/** Each provider asked, by name where the caller may read it, with where it stands. */
function partnershipsView(session: Session, workflow: TransitionWorkflow): Child {
  const entries = Object.entries(workflow.context.partnerships);
  if (entries.length === 0) return h('span', { class: 'muted' }, 'No provider asked yet');
  return h(
    'ul',
    { class: 'values' },
    ...entries.map(([providerId, status]) => {
      const name = h('span', {}, h('code', {}, providerId));
      void session.api
        .GET('/v1/providers/{id}', { params: { path: { id: providerId } } })
        .then(({ data }) => {
          if (data) name.replaceChildren(data.name);
        })
        .catch(() => undefined);
      return h('li', {}, name, `: ${humanize(status)}`);
    }),
  );
}
