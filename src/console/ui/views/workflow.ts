import type { EventBody } from '../../../client/index.ts';
import { h, link, uniqueId, type Child } from '../dom.ts';
import { eventForm, focusFirstField, type SendResult } from '../event-form.ts';
import { withLookups } from '../field-lookups.ts';
import { problemView, unreachableView } from '../problem.ts';
import { fieldsForRole } from '../role-fields.ts';
import { fieldsOf } from '../schema-form.ts';
import type { Machine, Session, Workflow } from '../session.ts';
import { statechartSection } from '../statechart.ts';
import { idView, recordView, valueView } from '../values.ts';
import { flagLabel, humanize, machineLabel, roleLabel, stateLabel, when } from '../words.ts';
import { consentLinksSection } from './consent-links.ts';
import { importLink } from './import.ts';
import type { Page } from './page.ts';
import { automatedLabel, stepsOfMachine } from './partner-center.ts';
import { readWorkflow } from './workflow-read.ts';
import { timersSection } from './timers.ts';
import { isTransition, transitionSections } from './transition-page.ts';

type EventDefinition = Machine['events'][number];

const childPageSize = 50;

function stateView(state: string): HTMLElement {
  return h('span', { class: 'state' }, stateLabel(state), ' ', h('code', {}, state));
}

function summary(workflow: Workflow, partnerName: string | undefined): HTMLElement {
  const rows: Array<[string, Child]> = [
    ['State', stateView(workflow.state)],
    ['Status', humanize(workflow.status)],
    [
      'Flags',
      workflow.flags.length > 0
        ? h('ul', { class: 'flags' }, ...workflow.flags.map((f) => h('li', {}, flagLabel(f))))
        : h('span', { class: 'muted' }, 'None'),
    ],
    [
      'Partner',
      partnerName ? [partnerName, ' ', idView(workflow.partnerId)] : idView(workflow.partnerId),
    ],
    ['Customer', workflow.customerId ? idView(workflow.customerId) : null],
    ['Provider', workflow.providerId ? idView(workflow.providerId) : null],
    ['Part of', workflow.parentId ? idView(workflow.parentId) : null],
    ['Id', idView(workflow.id)],
    ['Version', String(workflow.version)],
    ['Started', when(workflow.createdAt)],
    ['Last change', when(workflow.updatedAt)],
  ];
  return h(
    'dl',
    { class: 'record summary' },
    ...rows
      .filter(([, value]) => value !== null)
      .flatMap(([label, value]) => [h('dt', {}, label), h('dd', {}, value)]),
  );
}

/** The workflow's children (a transition's enrollment and customer workflows), a page at a time. */
function childrenSection(session: Session, page: Page, workflow: Workflow): HTMLElement {
  const rows = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'Show more');
  const status = h('p', { class: 'muted' }, 'Loading…');
  // Shown once there is a child to list: most workflows have none.
  const section = h(
    'section',
    { 'aria-labelledby': 'children-heading', hidden: true },
    h('h2', { id: 'children-heading' }, 'Its workflows'),
    status,
    h(
      'table',
      { class: 'list' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['Workflow', 'Customer', 'State', 'Status'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      rows,
    ),
    more,
  );
  let cursor: string | undefined;
  const load = async () => {
    more.disabled = true;
    const { data, error } = await session.api.GET('/v1/workflows', {
      params: {
        query: { parentId: workflow.id, limit: childPageSize, ...(cursor ? { cursor } : {}) },
      },
    });
    if (!page.isCurrent()) return;
    if (!data) {
      section.hidden = false;
      status.replaceChildren(error ? problemView(error) : unreachableView());
      return;
    }
    for (const child of data.items as Workflow[]) {
      rows.append(
        h(
          'tr',
          {},
          h(
            'td',
            { 'data-label': 'Workflow' },
            link(`/workflows/${encodeURIComponent(child.id)}`, machineLabel(child.machine)),
          ),
          h(
            'td',
            { 'data-label': 'Customer' },
            child.customerId ? h('code', {}, child.customerId) : '—',
          ),
          h('td', { 'data-label': 'State' }, stateView(child.state)),
          h('td', { 'data-label': 'Status' }, humanize(child.status)),
        ),
      );
    }
    const shown = rows.children.length;
    section.hidden = shown === 0;
    status.textContent =
      shown === 0 ? 'None yet.' : `${shown} shown${data.nextCursor ? ', more to come' : ''}.`;
    cursor = data.nextCursor ?? undefined;
    more.hidden = !data.nextCursor;
    more.disabled = false;
  };
  more.addEventListener('click', () => void load());
  void load();
  return section;
}

/**
 * The events the signed-in role may send now, as buttons. One without payload fields is sent
 * at once; one with fields opens its form. Every event carries the version shown as
 * `If-Match`, so acting on a page someone else has since changed is refused, not applied.
 */
function actionsSection(session: Session, page: Page, workflow: Workflow): HTMLElement {
  const section = h(
    'section',
    { 'aria-labelledby': 'actions-heading' },
    h('h2', { id: 'actions-heading' }, 'What you can do'),
  );
  const mine = workflow.nextEvents.filter((e) => e.roles.includes(session.me.role));
  if (workflow.status !== 'active') {
    section.append(h('p', {}, `This workflow is ${workflow.status}; it takes no more events.`));
    return section;
  }
  if (mine.length === 0) {
    section.append(
      h(
        'p',
        {},
        session.me.role === 'auditor'
          ? 'Auditors read everything and change nothing.'
          : 'Nothing for your role to do here now.',
      ),
    );
    if (workflow.nextEvents.length > 0) {
      section.append(
        h(
          'p',
          { class: 'muted' },
          'Waiting for: ',
          workflow.nextEvents
            .map((e) => `${humanize(e.type)} (${e.roles.map(roleLabel).join(', ')})`)
            .join('; '),
          '.',
        ),
      );
    }
    return section;
  }

  const outcome = h('div', { class: 'outcome' });
  const formSlot = h('div', {});
  const buttons: HTMLButtonElement[] = [];

  const send = async (payload: Record<string, unknown>): Promise<SendResult> => {
    try {
      const { data, error } = await session.api.POST('/v1/workflows/{id}/events', {
        params: { path: { id: workflow.id }, header: { 'If-Match': `"${workflow.version}"` } },
        // Built from the schema the server gave for this event; the server checks it again.
        body: payload as EventBody,
      });
      if (data) {
        page.refresh(`${humanize(String(payload.type))} applied: now ${stateLabel(data.state)}.`);
        return { applied: true };
      }
      return error ? { problem: error } : { unreachable: true };
    } catch {
      return { unreachable: true };
    }
  };

  const choose = async (definition: EventDefinition | undefined, type: string) => {
    outcome.replaceChildren();
    const { fields, preset } = fieldsForRole(
      session.me,
      definition ? await withLookups(session, fieldsOf(definition.schema)) : [],
    );
    if (!page.isCurrent()) return;
    if (fields.length > 0 && definition) {
      const form = eventForm({
        type,
        description: definition.description,
        fields,
        send: (payload) => send({ ...payload, ...preset }),
        cancel: () => formSlot.replaceChildren(),
        reload: () => page.refresh(),
      });
      formSlot.replaceChildren(form);
      focusFirstField(form);
      return;
    }
    formSlot.replaceChildren();
    for (const button of buttons) button.disabled = true;
    const result = await send({ type, ...preset });
    for (const button of buttons) button.disabled = false;
    if ('applied' in result) return;
    const shown =
      'problem' in result
        ? problemView(result.problem, { reload: () => page.refresh() })
        : unreachableView();
    outcome.replaceChildren(shown);
    shown.focus();
  };

  const list = h('ul', { class: 'events' });
  section.append(list, outcome, formSlot);
  // A step Partner Center takes for a connected transition is marked, so that nobody types
  // in by hand what it is about to report.
  void Promise.all([session.machine(workflow.machine), stepsOfMachine(session, workflow)]).then(
    ([machine, steps]) => {
      if (!page.isCurrent()) return;
      for (const next of mine) {
        const definition = machine.events.find((e) => e.type === next.type);
        const hintId = uniqueId('event-hint');
        const step = steps.get(next.type);
        const automatedId = step?.automated ? uniqueId('event-automated') : undefined;
        const button = h(
          'button',
          {
            type: 'button',
            'aria-describedby': automatedId ? `${automatedId} ${hintId}` : hintId,
            onclick: () => void choose(definition, next.type),
          },
          humanize(next.type),
        );
        buttons.push(button);
        list.append(
          h(
            'li',
            {},
            button,
            step?.automated && automatedId
              ? h('span', { class: 'automated', id: automatedId }, automatedLabel(step.how))
              : null,
            h('span', { class: 'hint', id: hintId }, definition?.description ?? ''),
          ),
        );
      }
    },
    () => {
      list.replaceWith(
        h(
          'p',
          { role: 'alert' },
          'The definition of this workflow could not be read; reload to try again.',
        ),
      );
    },
  );
  return section;
}

/** One workflow: where it stands, what it holds, what the caller may do now, its children. */
export async function workflowPage(
  session: Session,
  page: Page,
  id: string,
  notice?: string,
): Promise<void> {
  const read = await readWorkflow(session, page, id, 'Workflow');
  if (!read) return;
  const { workflow, name: title, partnerName } = read;
  page.show(
    h(
      'p',
      { class: 'crumbs' },
      link('/', 'Transitions'),
      workflow.parentId
        ? [' › ', link(`/workflows/${encodeURIComponent(workflow.parentId)}`, 'Its transition')]
        : null,
    ),
    h('h1', { tabindex: -1 }, title),
    notice ? h('p', { class: 'notice', role: 'status' }, notice) : null,
    summary(workflow, partnerName),
    h(
      'p',
      { class: 'history-link' },
      link(`/workflows/${encodeURIComponent(workflow.id)}/history`, 'History'),
      ': every event, applied or refused, who sent it, and the state after each.',
    ),
    // What to do comes first; for a transition, then its customers, the page's daily work.
    actionsSection(session, page, workflow),
    importLink(session, workflow),
    isTransition(workflow) ? transitionSections(session, page, workflow) : null,
    consentLinksSection(session, page, workflow),
    timersSection(session, page, workflow),
    statechartSection(workflow),
    h(
      'section',
      { 'aria-labelledby': 'context-heading' },
      h('h2', { id: 'context-heading' }, 'What it holds'),
      workflow.context === null
        ? h('p', {}, 'Stored by a version of its machine this server does not run: not shown.')
        : valueView(workflow.context),
    ),
    'output' in workflow && workflow.output
      ? h(
          'section',
          { 'aria-labelledby': 'output-heading' },
          h('h2', { id: 'output-heading' }, 'What it ended with'),
          recordView(workflow.output as Record<string, unknown>),
        )
      : null,
    isTransition(workflow) ? null : childrenSection(session, page, workflow),
  );
}
