import { h } from '../dom.ts';
import type { Session } from '../session.ts';
import { machineNoun } from '../words.ts';
import { batchPanel, type BatchFilter, type BatchTarget } from './batch-panel.ts';
import type {
  CustomerSelection,
  CustomerTableHandle,
  CustomerTableOptions,
} from './customer-table.ts';

/** The most workflow ids one call of the batch route takes. */
const idsPerCall = 500;
/** Customers read per page while finding every one that matches a filter. */
const customersPerPage = 500;

/** The batch route's filters for a list of workflow ids of one machine. */
function byIds(machine: string, ids: readonly string[]): BatchFilter[] {
  const filters: BatchFilter[] = [];
  for (let i = 0; i < ids.length; i += idsPerCall) {
    filters.push({ machine, workflowIds: ids.slice(i, i + idsPerCall) });
  }
  return filters;
}

/**
 * "All that match" is a filter on customers (their outcome, a name, one workflow's state)
 * that the batch route cannot express: the customers are read a page at a time, with the
 * table's own filter, and their workflows of the chosen machine are named by id.
 */
async function idsMatching(
  session: Session,
  selection: Extract<CustomerSelection, { kind: 'allMatching' }>,
  found: (count: number) => void,
): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const { data, error } = await session.api.GET('/v1/workflows/{id}/customers', {
      params: {
        path: { id: selection.transitionId },
        query: { ...selection.filter, limit: customersPerPage, ...(cursor ? { cursor } : {}) },
      },
    });
    if (!data) throw new Error(error?.detail ?? 'The customers could not be read.');
    for (const row of data.items) {
      const id = row.workflows[selection.machine]?.id;
      if (id) ids.push(id);
    }
    found(ids.length);
    cursor = data.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

function targetOf(session: Session, selection: CustomerSelection): BatchTarget {
  const what = machineNoun(selection.machine);
  if (selection.kind === 'workflows') {
    const n = selection.workflowIds.length;
    return {
      machine: selection.machine,
      described: `the ${n.toLocaleString()} chosen ${what} workflow${n === 1 ? '' : 's'}`,
      count: n,
      filters: () => Promise.resolve(byIds(selection.machine, selection.workflowIds)),
    };
  }
  return {
    machine: selection.machine,
    described: `the ${what} workflows of all ${selection.total.toLocaleString()} customers that match`,
    count: selection.total,
    filters: async (found) =>
      byIds(selection.machine, await idsMatching(session, selection, found)),
  };
}

/**
 * Actions on the customer table's selection: once something is selected, a button opens the
 * panel that sends one event to each selected workflow; the table reads its page again when
 * a run ends. Choosing something else closes a panel not running, so a run never aims at
 * what was chosen before; the panel stays, with its results, while the selection is the one
 * it was opened for.
 */
/** What identifies a selection: not its count, which a run changes when it moves workflows. */
function keyOf(selection: CustomerSelection): string {
  const { kind, machine } = selection;
  return JSON.stringify(
    kind === 'allMatching'
      ? { kind, machine, filter: selection.filter }
      : { kind, machine, customers: selection.customerIds },
  );
}

export function customerBatch(session: Session): CustomerTableOptions {
  let table: CustomerTableHandle | undefined;
  let openedFor: string | undefined;
  const open = h('button', { type: 'button', hidden: true }, 'Send an event to the selection…');
  const panelSlot = h('div', {});
  open.addEventListener('click', () => {
    const selection = table?.selection();
    if (!selection || !table) return;
    const handle = table;
    const panel = batchPanel(session, targetOf(session, selection), () => handle.reload());
    openedFor = keyOf(selection);
    panelSlot.replaceChildren(panel);
    open.hidden = true;
    panel.querySelector<HTMLElement>('select')?.focus();
  });
  return {
    batchPanel: (slot, handle) => {
      table = handle;
      slot.replaceChildren(open, panelSlot);
    },
    onSelectionChange: (selection) => {
      const running = panelSlot.querySelector('[data-running]') !== null;
      if (running || (selection !== null && keyOf(selection) === openedFor)) return;
      openedFor = undefined;
      panelSlot.replaceChildren();
      open.hidden = selection === null;
    },
  };
}
