import { h } from '../dom.ts';
import { problemView, unreachableView } from '../problem.ts';
import type { Session, Workflow } from '../session.ts';
import { valueView } from '../values.ts';
import { flagLabel, humanize, stateLabel, when } from '../words.ts';
import type { HistoryEntry } from './history-entry.ts';
import type { Page } from './page.ts';

function pastView(workflow: Workflow): HTMLElement {
  return h(
    'div',
    {},
    h(
      'dl',
      { class: 'record summary' },
      h('dt', {}, 'State'),
      h('dd', {}, stateLabel(workflow.state), ' ', h('code', {}, workflow.state)),
      h('dt', {}, 'Status'),
      h('dd', {}, humanize(workflow.status)),
      workflow.flags.length > 0 && [
        h('dt', {}, 'Flags'),
        h('dd', {}, workflow.flags.map(flagLabel).join(', ')),
      ],
      h('dt', {}, 'Version'),
      h('dd', {}, String(workflow.version)),
      // Before a migration, the state and what it held are those of an older machine.
      h('dt', {}, 'Machine version'),
      h('dd', {}, String(workflow.machineVersion)),
    ),
    // Beside the summary, not inside it: one level of nesting less leaves the values room.
    h('h4', {}, 'What it held'),
    workflow.context === null
      ? h('p', {}, 'Stored by a version of its machine this server does not run: not shown.')
      : valueView(workflow.context),
  );
}

/**
 * Time travel: one panel that shows the workflow as it was right after a history entry,
 * rebuilt by the server from the history, drawn under that entry; "Back to now" closes it and
 * returns the keyboard to the button that opened it.
 */
export function timeTravel(session: Session, page: Page, id: string) {
  const panel = h('section', { class: 'time-travel', 'aria-live': 'polite', tabindex: -1 });
  let opener: HTMLButtonElement | undefined;

  const close = () => {
    panel.remove();
    panel.replaceChildren();
    opener?.focus();
    opener = undefined;
  };

  const open = async (entry: HistoryEntry, button: HTMLButtonElement) => {
    opener = button;
    const title = `As it was after #${entry.seq} ${humanize(entry.type)}`;
    const back = h('button', { type: 'button', class: 'primary' }, 'Back to now');
    back.addEventListener('click', close);
    const body = h('div', {}, h('p', { class: 'muted' }, 'Replaying the history…'));
    panel.replaceChildren(
      h('h3', {}, title),
      h('p', { class: 'muted' }, when(entry.at)),
      body,
      back,
    );
    button.closest('li')?.append(panel);
    panel.focus();
    const answer = await session.api
      .GET('/v1/workflows/{id}/history/{seq}/state', {
        params: { path: { id, seq: String(entry.seq) } },
      })
      .catch(() => undefined);
    // Another entry may have been chosen, or the page left, while the server replayed.
    if (!page.isCurrent() || opener !== button) return;
    if (!answer?.data) {
      body.replaceChildren(answer?.error ? problemView(answer.error) : unreachableView());
      return;
    }
    body.replaceChildren(pastView(answer.data as Workflow));
  };

  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  return { open: (entry: HistoryEntry, button: HTMLButtonElement) => void open(entry, button) };
}
