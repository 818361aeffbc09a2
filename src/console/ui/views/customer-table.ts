import type { Schema } from '../../../client/index.ts';
import { append, h, link, uniqueId } from '../dom.ts';
import { stateNames } from '../machine-states.ts';
import { problemView, unreachableView } from '../problem.ts';
import type { Session } from '../session.ts';
import { sinceView } from '../time.ts';
import { machineLabel, machineNoun, stateLabel } from '../words.ts';
import type { Page } from './page.ts';

type CustomerRow = Schema<'TransitionCustomer'>;
type CustomerPage = Schema<'TransitionCustomerPage'>;

/** The three workflows each customer of a transition has. */
export const customerMachines = [
  'resellerRelationship',
  'mcaReacceptance',
  'subscriptionTransfer',
] as const;
export type CustomerMachine = (typeof customerMachines)[number];

/** What the table is filtered by, as `GET /v1/workflows/{id}/customers` takes it. */
export interface CustomerFilter {
  machine?: CustomerMachine;
  state?: string;
  outcome?: 'moved' | 'excluded' | 'none';
  search?: string;
}

/**
 * What the reader selected, for actions on many workflows at once: either the workflows of
 * one machine of the customers ticked row by row (on any page), or every customer that
 * matches the filter, which only the server can enumerate (`total` of them when chosen). In
 * both, the customers are chosen first and `machine` then says which of their workflows are
 * meant: the filter may name another machine (MCAs of the customers whose relationship is
 * established).
 */
export type CustomerSelection =
  | {
      kind: 'workflows';
      transitionId: string;
      machine: CustomerMachine;
      /** The chosen customers' workflows of `machine`; customers without one are left out. */
      workflowIds: string[];
      customerIds: string[];
    }
  | {
      kind: 'allMatching';
      transitionId: string;
      machine: CustomerMachine;
      filter: CustomerFilter;
      total: number;
    };

/** What a panel built on the table (actions on the selection) may use. */
export interface CustomerTableHandle {
  /** The selection now; null when nothing is selected. */
  selection(): CustomerSelection | null;
  /** Reads the page shown again, e.g. after the selection's workflows changed. */
  reload(): void;
}

export interface CustomerTableOptions {
  /** Told of every change of the selection; null when nothing is selected any more. */
  onSelectionChange?: (selection: CustomerSelection | null) => void;
  /**
   * Draws actions on the selection into `slot`, an element right under the selection's
   * controls; called once, when the table is built.
   */
  batchPanel?: (slot: HTMLElement, table: CustomerTableHandle) => void;
}

type Sort = 'name' | 'since' | CustomerMachine;
type Order = 'asc' | 'desc';

const pageSize = 50;
const outcomeWords: Record<CustomerRow['outcome'], string> = {
  moved: 'Moved',
  excluded: 'Excluded',
  none: 'In progress',
};
const shortMachine: Record<CustomerMachine, string> = {
  resellerRelationship: 'Relationship',
  mcaReacceptance: 'MCA',
  subscriptionTransfer: 'Transfer',
};

function select(
  label: string,
  options: Array<[value: string, text: string]>,
  value = '',
): { field: HTMLElement; control: HTMLSelectElement } {
  const id = uniqueId('table-filter');
  const control = h(
    'select',
    { id },
    ...options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)),
  );
  return { field: h('div', { class: 'field' }, h('label', { for: id }, label), control), control };
}

/** The newest change among a row's workflows, or of the filtered machine's. */
function sinceOf(row: CustomerRow, machine: CustomerMachine | undefined): string | undefined {
  if (machine) return row.workflows[machine]?.since;
  return customerMachines
    .map((m) => row.workflows[m]?.since)
    .filter((s): s is string => s !== undefined)
    .sort()
    .at(-1);
}

/**
 * A transition's customers with the state of their three workflows: filtered by workflow
 * and state, outcome and text, sorted by the column headers' buttons, a page at a time, and
 * selectable for actions on many at once (see `CustomerSelection`).
 */
export function customerTable(
  session: Session,
  page: Page,
  transitionId: string,
  options: CustomerTableOptions = {},
): HTMLElement {
  let filter: CustomerFilter = {};
  let sort: Sort = 'name';
  let order: Order = 'asc';
  /** Cursors of the pages before the one shown, for the way back. */
  const followed: Array<string | undefined> = [];
  let cursor: string | undefined;
  let shown: CustomerPage | undefined;
  /** Ticked rows, on any page of this filter, by customer id. */
  const chosen = new Map<string, CustomerRow>();
  let allMatching = false;
  // Auditors change nothing: a selection would only lead to actions they may not take.
  const selectable = session.me.role !== 'auditor';

  // Filters.
  const machineSelect = select('Workflow', [
    ['', 'Any'],
    ...customerMachines.map((m): [string, string] => [m, machineLabel(m)]),
  ]);
  const stateSelect = select('State', [['', 'Any']]);
  stateSelect.control.disabled = true;
  const outcomeSelect = select('Outcome', [
    ['', 'Any'],
    ['none', 'In progress'],
    ['moved', 'Moved'],
    ['excluded', 'Excluded'],
  ]);
  const searchId = uniqueId('table-search');
  const search = h('input', { id: searchId, type: 'search', autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'table-filters', role: 'search', 'aria-label': 'Filter the customers' },
    machineSelect.field,
    stateSelect.field,
    outcomeSelect.field,
    h('div', { class: 'field' }, h('label', { for: searchId }, 'Name or tenant ID'), search),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, 'Apply filters'),
      h('button', { type: 'reset' }, 'Clear filters'),
    ),
  );
  machineSelect.control.addEventListener('change', () => {
    const machine = machineSelect.control.value;
    stateSelect.control.replaceChildren(h('option', { value: '' }, 'Any'));
    stateSelect.control.disabled = machine === '';
    if (machine === '') return;
    void session.machine(machine).then((definition) => {
      if (machineSelect.control.value !== machine) return;
      for (const state of stateNames(definition)) {
        stateSelect.control.append(h('option', { value: state }, stateLabel(state)));
      }
    });
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const machine = machineSelect.control.value as CustomerMachine | '';
    const text = search.value.trim();
    filter = {
      ...(machine ? { machine } : {}),
      ...(machine && stateSelect.control.value ? { state: stateSelect.control.value } : {}),
      ...(outcomeSelect.control.value
        ? { outcome: outcomeSelect.control.value as NonNullable<CustomerFilter['outcome']> }
        : {}),
      ...(text ? { search: text } : {}),
    };
    if (machine) actOn.control.value = machine;
    restart();
  });
  form.addEventListener('reset', () => {
    // After the form has put its fields back.
    setTimeout(() => {
      stateSelect.control.replaceChildren(h('option', { value: '' }, 'Any'));
      stateSelect.control.disabled = true;
      filter = {};
      restart();
    });
  });

  // Selection.
  const actOn = select(
    'Act on',
    customerMachines.map((m): [string, string] => [m, machineLabel(m)]),
  );
  const pageBoxId = uniqueId('select-page');
  const pageBox = h('input', { type: 'checkbox', id: pageBoxId });
  const chooseAll = h('button', { type: 'button', hidden: true }, '');
  const clearSelection = h('button', { type: 'button', hidden: true }, 'Clear selection');
  const selectionStatus = h('p', { class: 'selection-status', 'aria-live': 'polite' });
  const batchSlot = h('div', { class: 'batch-slot' });
  const selectionBar = h(
    'div',
    { class: 'selection' },
    actOn.field,
    h(
      'div',
      { class: 'field check' },
      pageBox,
      h('label', { for: pageBoxId }, 'Select all on this page'),
    ),
    chooseAll,
    clearSelection,
    selectionStatus,
  );

  const matchCount = h('p', { class: 'match-count', role: 'status' });
  const body = h('tbody');
  const headRow = h('tr');
  const table = h(
    'table',
    { class: 'list customers' },
    h('caption', { class: 'visually-hidden' }, 'Customers of this transition'),
    h('thead', {}, headRow),
    body,
  );
  const problemSlot = h('div');
  const previous = h('button', { type: 'button' }, 'Previous page');
  const next = h('button', { type: 'button' }, 'Next page');
  const pageLabel = h('span');
  const pager = h(
    'nav',
    { class: 'pager', 'aria-label': 'Pages of customers' },
    previous,
    pageLabel,
    next,
  );

  const selection = (): CustomerSelection | null => {
    const machine = actOn.control.value as CustomerMachine;
    if (allMatching && shown) {
      return {
        kind: 'allMatching',
        transitionId,
        machine,
        filter: { ...filter },
        total: shown.total,
      };
    }
    if (chosen.size === 0) return null;
    const rows = [...chosen.values()];
    return {
      kind: 'workflows',
      transitionId,
      machine,
      workflowIds: rows.flatMap((row) => row.workflows[machine]?.id ?? []),
      customerIds: rows.map((row) => row.customerId),
    };
  };

  const selectionChanged = () => {
    const current = selection();
    const boxes = [...body.querySelectorAll<HTMLInputElement>('input[type=checkbox]')];
    for (const box of boxes) box.checked = allMatching || chosen.has(box.value);
    for (const box of boxes) box.disabled = allMatching;
    pageBox.checked = boxes.length > 0 && boxes.every((box) => box.checked);
    pageBox.disabled = allMatching || boxes.length === 0;
    const total = shown?.total ?? 0;
    chooseAll.hidden = allMatching || total === 0 || chosen.size >= total;
    chooseAll.textContent = `Select all ${total.toLocaleString()} that match`;
    clearSelection.hidden = current === null;
    const what = machineNoun(actOn.control.value);
    selectionStatus.textContent =
      current === null
        ? 'No customer selected.'
        : current.kind === 'allMatching'
          ? `All ${current.total.toLocaleString()} customers that match are selected (their ${what} workflows).`
          : `${current.customerIds.length.toLocaleString()} selected: ${current.workflowIds.length.toLocaleString()} ${what} workflows.`;
    options.onSelectionChange?.(current);
  };

  const forgetSelection = () => {
    chosen.clear();
    allMatching = false;
  };

  pageBox.addEventListener('change', () => {
    for (const row of shown?.items ?? []) {
      if (pageBox.checked) chosen.set(row.customerId, row);
      else chosen.delete(row.customerId);
    }
    selectionChanged();
  });
  chooseAll.addEventListener('click', () => {
    allMatching = true;
    selectionChanged();
    clearSelection.focus();
  });
  clearSelection.addEventListener('click', () => {
    forgetSelection();
    selectionChanged();
    pageBox.focus();
  });
  actOn.control.addEventListener('change', selectionChanged);

  const sortButton = (label: string, key: Sort): HTMLElement => {
    const active = sort === key;
    const button = h(
      'button',
      { type: 'button', class: 'sort' },
      label,
      h('span', { 'aria-hidden': 'true' }, active ? (order === 'asc' ? ' ▲' : ' ▼') : ''),
    );
    button.addEventListener('click', () => {
      order = active && order === 'asc' ? 'desc' : 'asc';
      sort = key;
      restart(true);
    });
    return h(
      'th',
      {
        scope: 'col',
        'aria-sort': active ? (order === 'asc' ? 'ascending' : 'descending') : 'none',
        'data-sort': key,
      },
      button,
    );
  };

  const drawHead = () => {
    const sinceLabel = filter.machine ? `Since (${shortMachine[filter.machine]})` : 'Last change';
    headRow.replaceChildren();
    append(
      headRow,
      selectable
        ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Selected'))
        : null,
      sortButton('Customer', 'name'),
      h('th', { scope: 'col' }, 'Outcome'),
      ...customerMachines.map((m) => sortButton(shortMachine[m], m)),
      sortButton(sinceLabel, 'since'),
    );
  };

  const cell = (row: CustomerRow, machine: CustomerMachine) => {
    const workflow = row.workflows[machine];
    return h(
      'td',
      { 'data-label': machineLabel(machine) },
      workflow
        ? [
            link(`/workflows/${encodeURIComponent(workflow.id)}`, stateLabel(workflow.state)),
            workflow.status === 'active'
              ? null
              : h('span', { class: 'muted' }, ` (${workflow.status})`),
          ]
        : h('span', { class: 'muted' }, '—'),
    );
  };

  const drawRow = (row: CustomerRow) => {
    const boxId = uniqueId('select-customer');
    const box = h('input', { type: 'checkbox', id: boxId, value: row.customerId });
    box.addEventListener('change', () => {
      if (box.checked) chosen.set(row.customerId, row);
      else chosen.delete(row.customerId);
      selectionChanged();
    });
    const since = sinceOf(row, filter.machine);
    return h(
      'tr',
      {},
      selectable
        ? h(
            'td',
            { class: 'pick' },
            box,
            h('label', { for: boxId, class: 'visually-hidden' }, `Select ${row.name}`),
          )
        : null,
      h(
        'th',
        { scope: 'row', 'data-label': 'Customer' },
        row.name,
        h('br'),
        h('code', { class: 'tenant' }, row.tenantId),
      ),
      h('td', { 'data-label': 'Outcome' }, outcomeWords[row.outcome]),
      ...customerMachines.map((m) => cell(row, m)),
      h(
        'td',
        { 'data-label': filter.machine ? 'Since' : 'Last change' },
        since ? sinceView(since) : '—',
      ),
    );
  };

  const load = async (from: string | undefined) => {
    previous.disabled = true;
    next.disabled = true;
    const query = {
      ...filter,
      sort,
      order,
      limit: pageSize,
      ...(from ? { cursor: from } : {}),
    };
    const answer = await session.api
      .GET('/v1/workflows/{id}/customers', {
        params: { path: { id: transitionId }, query },
      })
      .catch(() => undefined);
    if (!page.isCurrent()) return;
    if (!answer?.data) {
      problemSlot.replaceChildren(answer?.error ? problemView(answer.error) : unreachableView());
      return;
    }
    problemSlot.replaceChildren();
    shown = answer.data;
    cursor = from;
    drawHead();
    body.replaceChildren(...shown.items.map(drawRow));
    const total = shown.total;
    const filtered = Object.keys(filter).length > 0;
    // Before any customer is planned there is nothing to filter, page or select.
    const nothingYet = total === 0 && !filtered;
    for (const part of [form, selectionBar, pager]) part.hidden = nothingYet;
    matchCount.textContent = nothingYet
      ? 'No customer is planned in this transition yet.'
      : filtered
        ? `${total.toLocaleString()} match`
        : `${total.toLocaleString()} ${total === 1 ? 'customer' : 'customers'}`;
    table.hidden = shown.items.length === 0;
    pageLabel.textContent = `Page ${followed.length + 1}`;
    previous.disabled = followed.length === 0;
    next.disabled = !shown.nextCursor;
    selectionChanged();
  };

  /** From the first page, after the filter or the sort changed. */
  const restart = (keepSelection = false) => {
    followed.length = 0;
    if (!keepSelection) forgetSelection();
    void load(undefined);
  };

  previous.addEventListener('click', () => {
    void load(followed.pop());
  });
  next.addEventListener('click', () => {
    if (!shown?.nextCursor) return;
    followed.push(cursor);
    void load(shown.nextCursor);
  });

  const handle: CustomerTableHandle = {
    selection,
    reload: () => void load(cursor),
  };
  options.batchPanel?.(batchSlot, handle);
  drawHead();
  // Shown once the first page tells whether there is anything to filter, page or select.
  for (const part of [form, selectionBar, pager, table]) part.hidden = true;
  matchCount.textContent = 'Loading…';
  void load(undefined);

  return h(
    'section',
    { 'aria-labelledby': 'customers-heading', class: 'customer-table' },
    h('h2', { id: 'customers-heading' }, 'Customers'),
    form,
    matchCount,
    problemSlot,
    selectable ? [selectionBar, batchSlot] : null,
    table,
    pager,
  );
}
