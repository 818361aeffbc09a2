/**
 * The promises a move keeps across its workflows (README "What a move promises"), as pure
 * checks over what was read back from the API and the database after the move went quiet.
 * Each check returns readable violations rather than throwing, so a run can report every
 * broken promise of a program at once, each labelled with what replays it.
 */

export type WorkflowStatus = 'active' | 'done' | 'cancelled';

/** A workflow as `GET /v1/workflows/{id}` shows it (the fields the checks read). */
export interface WorkflowView {
  id: string;
  machine: string;
  parentId: string | null;
  partnerId: string;
  customerId?: string;
  state: string;
  stateValue: unknown;
  status: WorkflowStatus;
  context: Record<string, unknown>;
  output?: unknown;
  version: number;
}

/** One row of the `history` table. */
export interface HistoryRecord {
  workflowId: string;
  seq: number;
  type: string;
  actorRole: string;
  outcome: 'applied' | 'rejected';
  from: string | null;
  to: string;
  at: Date;
  payload: Record<string, unknown>;
}

export interface CustomerRecord {
  id: string;
  acquiredAs: 'direct_bill' | 'indirect_reseller';
  position: number;
  createdAt: Date;
}

export interface OutcomeRecord {
  customerId: string;
  outcome: 'moved' | 'excluded';
}

export interface ConsentRecord {
  workflowId: string;
  decision: string;
  decidedAt: Date;
}

/** An import the client saw answered 201: when it was sent and answered (epoch ms), and what it stored. */
export interface ImportRecord {
  customerIds: string[];
  sentAt: number;
  answeredAt: number;
}

export interface Verdict {
  valid: boolean;
  problems?: unknown[];
}

/** Everything read back about one move once nothing of it was in flight. */
export interface MoveObservation {
  /** Prefix of every violation: what names and replays the run, e.g. its seed. */
  label: string;
  partnerId: string;
  transition: WorkflowView;
  /** The transition's children, oldest first. */
  children: WorkflowView[];
  /** Per workflow: its time-travel view at its last history row (undefined when refused). */
  replays: Readonly<Record<string, WorkflowView | undefined>>;
  verdicts: Readonly<Record<string, Verdict>>;
  /** Per workflow: `workflows.history_length`. */
  historyLength: Readonly<Record<string, number>>;
  /** Every history row of the transition and its children. */
  history: HistoryRecord[];
  customers: CustomerRecord[];
  outcomes: OutcomeRecord[];
  consents: ConsentRecord[];
  imports: ImportRecord[];
  /** Customer ids in the order a cursor walk of `GET /v1/partners/{id}/customers` returned them. */
  customerWalk: string[];
}

/** Final states per machine, as SPEC §2 names them. */
export const finalStates: Readonly<Record<string, readonly string[]>> = {
  transition: ['completed', 'cancelled'],
  enrollment: ['active', 'withdrawn'],
  resellerRelationship: ['established', 'declined'],
  mcaReacceptance: ['accepted', 'retained'],
  subscriptionTransfer: ['completed', 'cancelled'],
};

const settledMca = new Set(['accepted', 'retained']);

interface CustomerChildren {
  relationships: WorkflowView[];
  mcas: WorkflowView[];
  transfers: WorkflowView[];
  other: WorkflowView[];
}

function childrenByCustomer(children: readonly WorkflowView[]): Map<string, CustomerChildren> {
  const byCustomer = new Map<string, CustomerChildren>();
  for (const child of children) {
    if (!child.customerId) continue;
    let entry = byCustomer.get(child.customerId);
    if (!entry) {
      entry = { relationships: [], mcas: [], transfers: [], other: [] };
      byCustomer.set(child.customerId, entry);
    }
    if (child.machine === 'resellerRelationship') entry.relationships.push(child);
    else if (child.machine === 'mcaReacceptance') entry.mcas.push(child);
    else if (child.machine === 'subscriptionTransfer') entry.transfers.push(child);
    else entry.other.push(child);
  }
  return byCustomer;
}

function historyOf(o: MoveObservation, workflowId: string): HistoryRecord[] {
  return o.history.filter((h) => h.workflowId === workflowId).sort((a, b) => a.seq - b.seq);
}

/** The applied row that made a workflow final or cancelled it, if any. */
export function endingRow(
  machine: string,
  rows: readonly HistoryRecord[],
): HistoryRecord | undefined {
  const finals = finalStates[machine] ?? [];
  return rows.find(
    (h) => h.outcome === 'applied' && (h.type === 'PARENT_CANCELLED' || finals.includes(h.to)),
  );
}

interface TransitionFacts {
  reachedMigrating: boolean;
  ended: HistoryRecord | undefined;
  excludedRows: Map<string, number>;
  movedRows: Map<string, number>;
}

function transitionFacts(o: MoveObservation): TransitionFacts {
  const rows = historyOf(o, o.transition.id);
  const excludedRows = new Map<string, number>();
  const movedRows = new Map<string, number>();
  const bump = (map: Map<string, number>, key: unknown) => {
    if (typeof key === 'string') map.set(key, (map.get(key) ?? 0) + 1);
  };
  for (const row of rows) {
    if (row.outcome !== 'applied') continue;
    if (row.type === 'EXCLUDE_CUSTOMER') bump(excludedRows, row.payload.customerId);
    if (
      row.type === 'CHILD_DONE' &&
      row.payload.machine === 'subscriptionTransfer' &&
      row.payload.state === 'completed'
    ) {
      bump(movedRows, row.payload.customerId);
    }
  }
  return {
    reachedMigrating: rows.some((h) => h.outcome === 'applied' && h.to === 'migratingCustomers'),
    ended: endingRow('transition', rows),
    excludedRows,
    movedRows,
  };
}

function transferredBy(transfer: WorkflowView): number {
  const output = transfer.output as { transferred?: unknown } | null | undefined;
  return typeof output?.transferred === 'number' ? output.transferred : 0;
}

function numberIn(context: Record<string, unknown>, key: string): number | undefined {
  const value = context[key];
  return typeof value === 'number' ? value : undefined;
}

/**
 * I1: every planned direct-bill customer is in exactly one of in progress, moved (newest
 * transfer completed and outcome `moved`) and excluded (outcome `excluded`); never both.
 */
export function checkCustomerOutcomes(o: MoveObservation): string[] {
  const facts = transitionFacts(o);
  if (!facts.reachedMigrating) return [];
  const out: string[] = [];
  const outcomes = new Map(o.outcomes.map((r) => [r.customerId, r.outcome]));
  const planned = childrenByCustomer(o.children);
  for (const [customerId, kids] of planned) {
    const say = (what: string) => out.push(`${o.label} I1 customer ${customerId}: ${what}`);
    const outcome = outcomes.get(customerId);
    const completed = kids.transfers.filter((t) => t.state === 'completed');
    const newest = kids.transfers.at(-1);
    const excludedCount = facts.excludedRows.get(customerId) ?? 0;
    const movedCount = facts.movedRows.get(customerId) ?? 0;
    if (outcome === 'excluded' && completed.length > 0)
      say(`excluded, yet its transfer ${completed.map((t) => t.id).join(', ')} completed`);
    if (excludedCount > 0 && movedCount > 0)
      say(
        `both moved and excluded in the transition's history (${excludedCount} EXCLUDE_CUSTOMER, ${movedCount} completed transfer reports applied)`,
      );
    if (excludedCount > 1) say(`excluded ${excludedCount} times`);
    if (movedCount > 1) say(`counted as moved ${movedCount} times`);
    if (completed.length > 1) say(`${completed.length} completed transfers`);
    if (outcome === 'moved' && newest?.state !== 'completed')
      say(`outcome moved, but its newest transfer is ${newest ? newest.state : 'missing'}`);
    if (newest?.state === 'completed' && outcome !== 'moved')
      say(`its transfer ${newest.id} completed, but its outcome is ${outcome ?? 'none'}`);
    if (o.transition.state === 'completed' && outcome === undefined)
      say('still in progress under a completed transition');
  }
  for (const row of o.outcomes) {
    if (!planned.has(row.customerId))
      out.push(
        `${o.label} I1 customer ${row.customerId}: outcome ${row.outcome} but never planned`,
      );
  }
  return out;
}

/**
 * I2: a completed transition has no active child, and its output (and at any time its
 * context's counters) equal what its children and `customer_outcomes` say.
 */
export function checkTransitionCounts(o: MoveObservation): string[] {
  const facts = transitionFacts(o);
  if (!facts.reachedMigrating) return [];
  const out: string[] = [];
  const t = o.transition;
  const moved = o.outcomes.filter((r) => r.outcome === 'moved').length;
  const excluded = o.outcomes.filter((r) => r.outcome === 'excluded').length;
  const subscriptions = o.children
    .filter((c) => c.machine === 'subscriptionTransfer' && c.state === 'completed')
    .reduce((sum, c) => sum + transferredBy(c), 0);
  const expected = {
    customersMoved: moved,
    customersExcluded: excluded,
    subscriptionsTransferred: subscriptions,
  };
  for (const [key, value] of Object.entries(expected)) {
    const counted = numberIn(t.context, key);
    if (counted !== value)
      out.push(
        `${o.label} I2 transition ${t.id} (${t.state}): context.${key} is ${counted}, its children and outcomes say ${value}`,
      );
  }
  if (t.state !== 'completed') return out;
  const output = (t.output ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(expected)) {
    if (output[key] !== value)
      out.push(
        `${o.label} I2 completed transition ${t.id}: output.${key} is ${String(output[key])}, its children and outcomes say ${value}`,
      );
  }
  const total = numberIn(t.context, 'customersTotal');
  if (moved + excluded !== total)
    out.push(
      `${o.label} I2 completed transition ${t.id}: ${moved} moved + ${excluded} excluded ≠ customersTotal ${total}`,
    );
  for (const child of o.children.filter((c) => c.status === 'active'))
    out.push(
      `${o.label} I2 completed transition ${t.id} has an active child: ${child.machine} ${child.id} in ${child.state}`,
    );
  return out;
}

/**
 * I3: nothing is applied to a workflow after the row that made it final or cancelled it,
 * its status agrees with that row, no consent is recorded after it, and a cancelled
 * transition leaves no child active.
 */
export function checkFinalMeansFinal(o: MoveObservation): string[] {
  const out: string[] = [];
  for (const wf of [o.transition, ...o.children]) {
    const rows = historyOf(o, wf.id);
    const ended = endingRow(wf.machine, rows);
    const say = (what: string) => out.push(`${o.label} I3 ${wf.machine} ${wf.id}: ${what}`);
    // A consent is written with the row that applied it, at the same instant; timestamps
    // alone cannot order it against a cancellation (each is its transaction's start).
    for (const consent of o.consents.filter((c) => c.workflowId === wf.id)) {
      const type = consent.decision === 'granted' ? 'CONSENT_GRANTED' : 'CONSENT_DECLINED';
      const row = rows.find(
        (h) =>
          h.outcome === 'applied' &&
          h.type === type &&
          h.at.getTime() === consent.decidedAt.getTime(),
      );
      if (!row)
        say(
          `consent ${consent.decision} at ${consent.decidedAt.toISOString()} has no applied ${type} row`,
        );
      else if (ended && row.seq > ended.seq)
        say(
          `consent ${consent.decision} recorded by row ${row.seq}, after row ${ended.seq} ${ended.type}`,
        );
    }
    if (!ended) {
      if (wf.status !== 'active') say(`status ${wf.status}, but no history row ended it`);
      continue;
    }
    if (wf.status === 'active')
      say(`still active after row ${ended.seq} ${ended.type} (→ ${ended.to})`);
    const after = rows.filter((h) => h.seq > ended.seq && h.outcome === 'applied');
    if (after.length > 0)
      say(
        `applied after row ${ended.seq} ${ended.type} (→ ${ended.to}): ${after
          .map((h) => `${h.seq} ${h.type} by ${h.actorRole} (${h.from} → ${h.to})`)
          .join('; ')}`,
      );
  }
  if (o.transition.status === 'cancelled') {
    for (const child of o.children.filter((c) => c.status === 'active'))
      out.push(
        `${o.label} I3 cancelled transition ${o.transition.id} has an active child: ${child.machine} ${child.id} in ${child.state}`,
      );
  }
  return out;
}

/**
 * I4: every direct-bill customer imported before the transition ended is planned once: one
 * MCA, relationships replaced only after a decline, transfers only after a cancellation,
 * never two active of one machine; and `customersTotal` counts the planned customers.
 */
export function checkPlanning(o: MoveObservation): string[] {
  const facts = transitionFacts(o);
  const out: string[] = [];
  const kidsOf = childrenByCustomer(o.children);
  const answeredAt = new Map<string, number>();
  for (const record of o.imports)
    for (const id of record.customerIds) answeredAt.set(id, record.answeredAt);
  const endedAt = facts.ended?.at.getTime();
  for (const customer of o.customers) {
    const say = (what: string) => out.push(`${o.label} I4 customer ${customer.id}: ${what}`);
    const kids = kidsOf.get(customer.id);
    if (customer.acquiredAs !== 'direct_bill') {
      if (kids) say(`an indirect-reseller customer has workflows under the transition`);
      continue;
    }
    // An import answered before the transition's ending row was written committed before
    // it; one answered later may have lost the race for the lock, and then is not planned.
    const importedAt = answeredAt.get(customer.id) ?? customer.createdAt.getTime();
    const mustBePlanned = facts.reachedMigrating && (endedAt === undefined || importedAt < endedAt);
    if (!kids) {
      if (mustBePlanned)
        say(
          `imported ${endedAt === undefined ? 'while the transition is open' : `${endedAt - importedAt} ms before it ended`}, never planned`,
        );
      continue;
    }
    if (kids.mcas.length !== 1) say(`${kids.mcas.length} mcaReacceptance workflows, not 1`);
    if (kids.relationships.length === 0) say('no resellerRelationship');
    const replacedRelationships = kids.relationships.slice(0, -1);
    for (const r of replacedRelationships.filter((r) => r.state !== 'declined'))
      say(`relationship ${r.id} (${r.state}, ${r.status}) was replaced though it was not declined`);
    for (const t of kids.transfers.slice(0, -1).filter((t) => t.status !== 'cancelled'))
      say(`transfer ${t.id} (${t.state}, ${t.status}) was replaced though it was not cancelled`);
    for (const [machine, list] of [
      ['resellerRelationship', kids.relationships],
      ['mcaReacceptance', kids.mcas],
      ['subscriptionTransfer', kids.transfers],
    ] as const) {
      const active = list.filter((w) => w.status === 'active');
      if (active.length > 1)
        say(`${active.length} active ${machine}: ${active.map((w) => w.id).join(', ')}`);
    }
  }
  if (facts.reachedMigrating) {
    const planned = o.customers.filter(
      (c) => c.acquiredAs === 'direct_bill' && kidsOf.has(c.id),
    ).length;
    const total = numberIn(o.transition.context, 'customersTotal');
    if (total !== planned)
      out.push(
        `${o.label} I4 transition ${o.transition.id}: customersTotal is ${total}, ${planned} direct-bill customers are planned`,
      );
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** I5: every chain verifies, and every stored workflow equals the replay of its history. */
export function checkReplay(o: MoveObservation): string[] {
  const out: string[] = [];
  for (const wf of [o.transition, ...o.children]) {
    const say = (what: string) => out.push(`${o.label} I5 ${wf.machine} ${wf.id}: ${what}`);
    const verdict = o.verdicts[wf.id];
    if (!verdict) say('not verified');
    else if (!verdict.valid)
      say(`history/verify is not valid: ${JSON.stringify(verdict.problems)}`);
    const rows = o.history.filter((h) => h.workflowId === wf.id).length;
    const length = o.historyLength[wf.id];
    if (rows !== length) say(`history_length ${length}, ${rows} history rows`);
    const replay = o.replays[wf.id];
    if (!replay) {
      say(`no replayed state at its last row ${length}`);
      continue;
    }
    for (const field of [
      'state',
      'status',
      'version',
      'stateValue',
      'context',
      'output',
    ] as const) {
      if (!sameValue(wf[field], replay[field]))
        say(
          `stored ${field} ${canonical(wf[field]).slice(0, 300)} ≠ replayed ${canonical(replay[field]).slice(0, 300)}`,
        );
    }
  }
  return out;
}

/** I6: positions are unique per partner, and the cursor walk returns each customer once. */
export function checkCustomerListing(
  o: Pick<MoveObservation, 'label' | 'partnerId' | 'customers' | 'customerWalk'>,
): string[] {
  const out: string[] = [];
  const byPosition = new Map<number, string[]>();
  for (const c of o.customers)
    byPosition.set(c.position, [...(byPosition.get(c.position) ?? []), c.id]);
  for (const [position, ids] of byPosition)
    if (ids.length > 1)
      out.push(
        `${o.label} I6 partner ${o.partnerId}: position ${position} held by ${ids.join(', ')}`,
      );
  const seen = new Map<string, number>();
  for (const id of o.customerWalk) seen.set(id, (seen.get(id) ?? 0) + 1);
  for (const [id, times] of seen)
    if (times > 1)
      out.push(`${o.label} I6 partner ${o.partnerId}: the walk returned ${id} ${times} times`);
  for (const c of o.customers)
    if (!seen.has(c.id)) out.push(`${o.label} I6 partner ${o.partnerId}: the walk skipped ${c.id}`);
  const stored = new Set(o.customers.map((c) => c.id));
  for (const id of seen.keys())
    if (!stored.has(id))
      out.push(`${o.label} I6 partner ${o.partnerId}: the walk returned unknown ${id}`);
  return out;
}

/**
 * Issue 16: a child's report is news, never a refusal, and whichever report finds a
 * customer's relationship established and its MCA settled creates its transfer.
 */
export function checkReportsAndTransfers(o: MoveObservation): string[] {
  const out: string[] = [];
  const kinds = new Map([o.transition, ...o.children].map((w) => [w.id, w.machine]));
  for (const row of o.history)
    if (row.actorRole === 'system' && row.outcome === 'rejected')
      out.push(
        `${o.label} issue-16 ${kinds.get(row.workflowId)} ${row.workflowId}: row ${row.seq} ${row.type} from system was rejected (${row.from} → ${row.to}, ${JSON.stringify(row.payload).slice(0, 200)})`,
      );
  if (o.transition.state !== 'migratingCustomers' && o.transition.state !== 'completed') return out;
  const excluded = new Set(
    o.outcomes.filter((r) => r.outcome === 'excluded').map((r) => r.customerId),
  );
  for (const [customerId, kids] of childrenByCustomer(o.children)) {
    const relationship = kids.relationships.at(-1);
    const mca = kids.mcas.at(-1);
    if (
      relationship?.state === 'established' &&
      settledMca.has(mca?.state ?? '') &&
      kids.transfers.length === 0 &&
      !excluded.has(customerId)
    ) {
      out.push(
        `${o.label} issue-16 customer ${customerId}: relationship established and MCA ${mca?.state}, but no subscriptionTransfer`,
      );
    }
  }
  return out;
}

/** Every invariant of one move; empty when all hold. */
export function checkMove(o: MoveObservation): string[] {
  return [
    ...checkCustomerOutcomes(o),
    ...checkTransitionCounts(o),
    ...checkFinalMeansFinal(o),
    ...checkPlanning(o),
    ...checkReplay(o),
    ...checkCustomerListing(o),
    ...checkReportsAndTransfers(o),
  ];
}
