import type { Schema } from '../../../client/index.ts';
import { h, link, uniqueId } from '../dom.ts';
import { eventForm, focusFirstField, type SendResult } from '../event-form.ts';
import { fieldsOf } from '../schema-form.ts';
import type { Session } from '../session.ts';
import { humanize, machineNoun, problemLead, reasonLabel } from '../words.ts';

export type BatchFilter = Schema<'BatchEventRequest'>['filter'];
type BatchResult = Schema<'BatchEventResult'>;

/** The workflows one event goes to, found when the run starts so the list is current. */
export interface BatchTarget {
  machine: string;
  /** In words, for the heading: "3 chosen", "all 400 that match". */
  described: string;
  /** About how many there are, for the progress bar until the server counts them. */
  count: number;
  /** Filters that together name the workflows; `found` tells how the search goes. */
  filters(found: (count: number) => void): Promise<BatchFilter[]>;
}

/** Workflows asked of the server per call: small enough that progress moves visibly. */
const perCall = 50;

interface Run {
  done: number;
  total: number;
  applied: number;
  refused: BatchResult[];
  stopped: boolean;
  /** Why a call after the first failed, leaving the rest not reached; undefined if none did. */
  brokenOff?: string;
}

type BatchBody = Schema<'BatchEventRequest'>;

type RunOutcome = { run: Run } | { problem: Schema<'Problem'> } | { unreachable: true };

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One page of a run, sent once more after a second when it got no answer or a 503: the
 * run's key makes the second sending finish what the first began without applying any twice.
 */
async function sendPage(session: Session, key: string, body: BatchBody) {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await session.api
      .POST('/v1/workflows/events:batch', { params: { header: { 'Idempotency-Key': key } }, body })
      .catch(() => undefined);
    const retry = !answer || answer.response.status === 503;
    if (!retry || attempt === 2) return answer;
    await pause(1000);
  }
}

/**
 * Sends one event to each workflow the filters name, a page of the batch route at a time,
 * showing how far it got, under one key for the whole run.
 */
async function runBatch(
  session: Session,
  filters: readonly BatchFilter[],
  total: number,
  event: Record<string, unknown> & { type: string },
  shown: (run: Run) => void,
  run: Run,
): Promise<RunOutcome> {
  const key = `console-${crypto.randomUUID()}`;
  run.total = total;
  for (const [index, filter] of filters.entries()) {
    // Chosen ids are counted up front; a filter's count comes with its first answer.
    const later = filters.slice(index + 1).reduce((n, f) => n + (f.workflowIds?.length ?? 0), 0);
    let cursor: string | undefined;
    do {
      const answer = await sendPage(session, key, {
        filter,
        event,
        limit: perCall,
        ...(cursor ? { cursor } : {}),
      });
      if (!answer) {
        if (run.done === 0) return { unreachable: true };
        run.brokenOff = 'The server could not be reached.';
        return { run };
      }
      if (!answer.data) {
        if (run.done === 0 && answer.error) return { problem: answer.error };
        run.brokenOff = answer.error?.detail ?? 'The server refused to go on.';
        return { run };
      }
      const { items, remaining, nextCursor } = answer.data;
      run.done += items.length;
      run.applied += items.filter((i) => i.outcome === 'applied').length;
      run.refused.push(...items.filter((i) => i.outcome === 'refused'));
      run.total = run.done + remaining + later;
      shown(run);
      cursor = nextCursor ?? undefined;
      if (run.stopped) return { run };
    } while (cursor);
  }
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
  const meter = h('progress', { max: 1, value: 0, hidden: true, 'aria-label': 'Workflows done' });
  const stop = h('button', { type: 'button', hidden: true }, 'Stop after this page');
  const results = h('div', {});
  const panel = h(
    'section',
    { class: 'batch', 'aria-labelledby': headingId },
    h('h3', { id: headingId }, `One event to ${target.described}`),
    h(
      'p',
      { class: 'hint' },
      `Each ${machineNoun(target.machine)} gets the event as if it were sent alone: the same rules, its own history row. A refusal of one does not stop the others.`,
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
    meter.hidden = false;
    meter.max = Math.max(run.total, 1);
    meter.value = run.done;
    status.textContent = `${run.done} of ${run.total} done: ${run.applied} applied, ${run.refused.length} refused.`;
  };

  const send = async (payload: Record<string, unknown>): Promise<SendResult> => {
    chooser.disabled = true;
    panel.dataset.running = 'true';
    results.replaceChildren();
    const run: Run = { done: 0, total: target.count, applied: 0, refused: [], stopped: false };
    current = run;
    stop.hidden = false;
    stop.disabled = false;
    status.textContent = 'Finding the workflows…';
    const outcome = await target
      .filters((found) => {
        status.textContent = `Finding the workflows… ${found.toLocaleString()} so far.`;
      })
      .then((filters) => {
        const counted = filters.reduce((n, f) => n + (f.workflowIds?.length ?? 0), 0);
        status.textContent = `Sending ${humanize(String(payload.type))}…`;
        const event = { ...payload, type: String(payload.type) };
        return runBatch(session, filters, counted || target.count, event, showProgress, run);
      })
      .catch((): RunOutcome => ({ unreachable: true }));
    chooser.disabled = false;
    delete panel.dataset.running;
    stop.hidden = true;
    if (!('run' in outcome)) {
      status.textContent = '';
      // Told even so: the selection may have changed during the run, and this panel with it.
      finished();
      return outcome;
    }
    if (run.done === 0 && !run.stopped) {
      status.textContent = 'None of the chosen customers has such a workflow: nothing was sent.';
      return { applied: true };
    }
    const ended = run.brokenOff
      ? 'Broke off'
      : run.stopped && run.done < run.total
        ? 'Stopped'
        : 'Done';
    const tally = `${ended}: ${run.applied} applied, ${run.refused.length} refused, of ${run.done} sent`;
    status.textContent = run.brokenOff
      ? `${tally}; ${Math.max(run.total - run.done, 0)} not reached. ${run.brokenOff}`
      : `${tally}.`;
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

  void session.machine(target.machine).then(
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
