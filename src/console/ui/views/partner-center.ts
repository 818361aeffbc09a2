import type { Schema } from '../../../client/index.ts';
import { h } from '../dom.ts';
import { problemView, unreachableView } from '../problem.ts';
import type { Session, Workflow } from '../session.ts';
import { humanize, machineLabel } from '../words.ts';
import type { Page } from './page.ts';

type Steps = Schema<'TransitionPartnerCenter'>;
type Step = Steps['steps'][number];

/** What Partner Center does with an automated step, in a few words. */
export function automatedLabel(how: Step['how']): string {
  return how === 'call' ? 'Partner Center carries this out' : 'Partner Center reports this';
}

/**
 * How each step of a customer's workflow comes about in its transition, by event type: empty
 * when the transition cannot be read, so that nothing is then marked automated.
 */
export async function stepsOfMachine(
  session: Session,
  workflow: Workflow,
): Promise<Map<string, Step>> {
  if (!workflow.parentId) return new Map();
  const answer = await session.api
    .GET('/v1/transitions/{id}/partner-center', {
      params: { path: { id: workflow.parentId } },
    })
    .catch(() => undefined);
  const steps = answer?.data?.steps ?? [];
  return new Map(steps.filter((s) => s.machine === workflow.machine).map((s) => [s.event, s]));
}

function stepItem(step: Step): HTMLLIElement {
  const note =
    step.how === 'hand'
      ? step.alsoRecordedInPartnerCenter
        ? 'Attested here, then recorded in Partner Center as well.'
        : null
      : step.how === 'call'
        ? 'Tiershift asks Partner Center to do it and records the answer.'
        : 'Partner Center reports it when it happens.';
  return h(
    'li',
    {},
    h('span', { class: 'step-name' }, `${machineLabel(step.machine)}: ${humanize(step.event)}`),
    ' ',
    h('code', {}, step.event),
    h('span', { class: 'hint' }, step.description, note ? ` ${note}` : null),
  );
}

function group(id: string, title: string, steps: Step[], empty: string): HTMLElement {
  return h(
    'div',
    { class: 'step-group', role: 'group', 'aria-labelledby': id },
    h('h3', { id }, `${title} (${steps.length})`),
    steps.length > 0
      ? h('ul', { class: 'steps' }, ...steps.map(stepItem))
      : h('p', { class: 'muted' }, empty),
  );
}

function connection(connected: boolean): string {
  return connected ? 'Connected' : 'Not connected';
}

function sectionBody(view: Steps): HTMLElement[] {
  const automated = view.steps.filter((s) => s.automated);
  const byHand = view.steps.filter((s) => !s.automated);
  return [
    h(
      'p',
      { class: `mode ${view.mode}` },
      view.mode === 'connected'
        ? 'Connected: Partner Center carries out or reports the steps it can; people attest the rest.'
        : 'By hand: every customer step is attested here. Once the partner and the chosen provider both connect their Partner Center accounts, Partner Center takes over the steps it can.',
    ),
    h(
      'dl',
      { class: 'record summary' },
      h('dt', {}, 'Partner'),
      h('dd', {}, connection(view.partner.connected)),
      h('dt', {}, 'Provider'),
      h(
        'dd',
        {},
        view.provider
          ? connection(view.provider.connected)
          : h('span', { class: 'muted' }, 'None chosen yet'),
      ),
    ),
    h(
      'div',
      { class: 'step-groups' },
      group(
        'pc-automated-heading',
        'Carried out by Partner Center',
        automated,
        'None while the transition is not connected.',
      ),
      group('pc-hand-heading', 'Attested by hand', byHand, 'None.'),
    ),
  ];
}

/** Which of a transition's customer steps Partner Center takes, and which people attest. */
export function partnerCenterSection(
  session: Session,
  page: Page,
  transitionId: string,
): HTMLElement {
  const status = h('p', { class: 'muted' }, 'Loading…');
  const section = h(
    'section',
    { 'aria-labelledby': 'partner-center-heading', class: 'partner-center' },
    h('h2', { id: 'partner-center-heading' }, 'Partner Center'),
    status,
  );
  void session.api
    .GET('/v1/transitions/{id}/partner-center', { params: { path: { id: transitionId } } })
    .then(
      ({ data, error }) => {
        if (!page.isCurrent()) return;
        if (!data) {
          status.replaceWith(error ? problemView(error) : unreachableView());
          return;
        }
        status.replaceWith(...sectionBody(data));
      },
      () => status.replaceWith(unreachableView()),
    );
  return section;
}
