import type { Schema } from '../../../client/index.ts';
import { h, link, uniqueId } from '../dom.ts';
import { eventForm, focusFirstField, type SendResult } from '../event-form.ts';
import { fieldsOf } from '../schema-form.ts';
import type { Session } from '../session.ts';
import { humanize, machineLabel, problemLead, reasonLabel } from '../words.ts';

type BatchFilter = Schema<'BatchEventRequest'>['filter'];
type BatchResult = Schema<'BatchEventResult'>;

/** The workflows one event goes to: those chosen by hand, or all that match a filter. */
export interface BatchTarget {
  filter: BatchFilter;
  /** How many there are, as the table counted them when they were chosen. */
  count: number;
  /** In words, for the heading: "3 chosen", "all 400 that match". */
  described: string;
}

/** Workflows asked of the server per call: small enough that progress moves visibly. */
const perCall = 50;

interface Run {
  done: number;
  total: number;
  applied: number;
  refused: BatchResult[];
  stopped: boolean;
}

/**
 * Sends one event to each workflow of a target, a page of the batch route at a time, showing
 * how far it got. One key for the whole run: a page sent again after a lost answer applies
 * nothing twice.
 */
async function runBatch(
  session: Session,
  target: BatchTarget,
  event: Record<string, unknown> & { type: string },
  shown: (run: Run) => void,
): Promise<{ run: Run } | { problem: Schema<'Problem'> } | { unreachable: true }> {
  const run: Run = { done: 0, total: target.count, applied: 0, refused: [], stopped: false };
  const key = `console-${crypto.randomUUID()}`;
  let cursor: string | undefined;
  do {
    const answer = await session.api
      .POST('/v1/workflows/events:batch', {
        params: { header: { 'Idempotency-Key': key } },
        body: { filter: target.filter, event, limit: perCall, ...(cursor ? { cursor } : {}) },
      })
      .catch(() => undefined);
    if (!answer) return run.done > 0 ? { run } : { unreachable: true };
    if (!answer.data) {
      if (run.done === 0 && answer.error) return { problem: answer.error };
      return { run };
    }
    const { items, remaining, nextCursor } = answer.data;
    run.done += items.length;
    run.applied += items.filter((i) => i.outcome === 'applied').length;
    run.refused.push(...items.filter((i) => i.outcome === 'refused'));
    run.total = run.done + remaining;
    shown(run);
    cursor = nextCursor ?? undefined;
  } while (cursor && !run.stopped);
  return { run };
}

function refusalRow(item: BatchResult): HTMLTableRowElement {
  const reasons = Array.isArray(item.problem?.reasons) ? (item.problem.reasons as string[]) : [];
  return h(
    'tr',
    {},
    h(
      'td',
      { 'data-label': 'Workflow' },
      link(`/workflows/${encodeURIComponent(item.workflowId)}`, item.customerId ?? item.workflowId),
    ),
    h(
      'td',
      { 'data-label': 'Why' },
      problemLead(item.code ?? '', item.detail ?? ''),
      reasons.length > 0
        ? h('ul', { class: 'reasons' }, ...reasons.map((r) => h('li', {}, reasonLabel(r))))
        : null,
    ),
  );
}

/**
 * One event to many workflows: the events the signed-in role may send to the target's
 * machine, a form for one that carries fields, then the run's progress and each refusal.
 * `finished` is told once a run has ended, so the list behind it can be read again.
 */
export function batchPanel(
  session: Session,
  target: BatchTarget,
  finished: () => void,
): HTMLElement {
  const headingId = uniqueId('batch');
  const choiceId = uniqueId('batch-event');
  const chooser = h('select', { id: choiceId }, h('option', { value: '' }, 'Choose an event…'));
  const formSlot = h('div', {});
  const status = h('p', { role: 'status', 'aria-live': 'polite', class: 'batch-status' });
  const meter = h('progress', { max: 1, value: 0, hidden: true, 'aria-labelledby': headingId });
  const stop = h('button', { type: 'button', hidden: true }, 'Stop after this page');
  const results = h('div', {});
  const panel = h(
    'section',
    { class: 'batch', 'aria-labelledby': headingId },
    h('h3', { id: headingId }, `One event to ${target.described}`),
    h(
      'p',
      { class: 'hint' },
      `Each ${machineLabel(target.filter.machine).toLowerCase()} gets the event as if it were sent alone: the same rules, its own history row. A refusal of one does not stop the others.`,
    ),
    h('div', { class: 'field' }, h('label', { for: choiceId }, 'Event'), chooser),
    formSlot,
    meter,
    status,
    stop,
    results,
  );

  let current: Run | undefined;
  stop.addEventListener('click', () => {
    if (current) current.stopped = true;
    stop.disabled = true;
  });

  const showProgress = (run: Run) => {
    current = run;
    meter.hidden = false;
    meter.max = Math.max(run.total, 1);
    meter.value = run.done;
    status.textContent = `${run.done} of ${run.total} done: ${run.applied} applied, ${run.refused.length} refused.`;
  };

  const send = async (payload: Record<string, unknown>): Promise<SendResult> => {
    chooser.disabled = true;
    stop.hidden = false;
    stop.disabled = false;
    results.replaceChildren();
    status.textContent = `Sending ${humanize(String(payload.type))}…`;
    const event = { ...payload, type: String(payload.type) };
    const outcome = await runBatch(session, target, event, showProgress);
    chooser.disabled = false;
    stop.hidden = true;
    if (!('run' in outcome)) {
      status.textContent = '';
      return outcome;
    }
    const { run } = outcome;
    const ended = run.stopped && run.done < run.total ? 'Stopped' : 'Done';
    status.textContent = `${ended}: ${run.applied} applied, ${run.refused.length} refused, of ${run.done} sent.`;
    formSlot.replaceChildren();
    results.replaceChildren(
      run.refused.length === 0
        ? h('p', {}, 'None was refused.')
        : h(
            'table',
            { class: 'list' },
            h('caption', {}, 'Refused, and why'),
            h(
              'thead',
              {},
              h('tr', {}, h('th', { scope: 'col' }, 'Customer'), h('th', { scope: 'col' }, 'Why')),
            ),
            h('tbody', {}, ...run.refused.map(refusalRow)),
          ),
    );
    finished();
    return { applied: true };
  };

  void session.machine(target.filter.machine).then(
    (machine) => {
      const mine = machine.events.filter((e) => e.roles.includes(session.me.role));
      for (const event of mine)
        chooser.append(h('option', { value: event.type }, humanize(event.type)));
      if (mine.length === 0) {
        panel.replaceChildren(
          h('p', { class: 'muted' }, 'Your role sends none of these workflows’ events.'),
        );
      }
      chooser.addEventListener('change', () => {
        results.replaceChildren();
        const definition = mine.find((e) => e.type === chooser.value);
        if (!definition) {
          formSlot.replaceChildren();
          return;
        }
        const fields = fieldsOf(definition.schema);
        const form = eventForm({
          type: definition.type,
          description: definition.description,
          fields,
          send,
          cancel: () => {
            formSlot.replaceChildren();
            chooser.value = '';
            chooser.focus();
          },
          reload: finished,
        });
        formSlot.replaceChildren(form);
        if (fields.length > 0) focusFirstField(form);
      });
    },
    () => {
      panel.replaceChildren(
        h(
          'p',
          { role: 'alert' },
          'The events of these workflows could not be read; reload to try again.',
        ),
      );
    },
  );
  return panel;
}
