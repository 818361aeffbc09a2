import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import type { Knex } from 'knex';
import type { WorkflowDefinition } from '../../machines/common.ts';
import type { ConsentRow } from '../store/consents.ts';
import {
  firstAppliedRowOfType,
  historyPages,
  type AccessFields,
  type HistoryRow,
} from '../store/history.ts';
import type { WorkflowRow } from '../store/workflows.ts';
import { definitionOf, statusOf, UnknownMachineVersion } from './engine.ts';
import { accessFields, consentEvidenceHash, hashedContent, migratedType } from './history-chain.ts';
import { canonicalJson, chainHash, genesisHash, sha256Hex } from './hash.ts';
import { contractState } from './introspection.ts';
import {
  definitionAt,
  migratedStatus,
  migrateSnapshot,
  persistedForm,
} from './machine-versions.ts';

/**
 * What a problem breaks. `hash` and `continuity` are the history itself; `snapshot` is the
 * machine's replay of it against the stored workflow; `row_fields` and `consent` are records
 * outside the history that it vouches for.
 */
export const problemKinds = ['hash', 'continuity', 'snapshot', 'row_fields', 'consent'] as const;
export type ProblemKind = (typeof problemKinds)[number];

export interface ChainProblem {
  kind: ProblemKind;
  /** The history row found broken. Absent when the history holds and another record differs. */
  seq?: number;
  detail: string;
}

export interface ChainVerdict {
  valid: boolean;
  /** How many history rows were read and checked. */
  checked: number;
  /** The smallest seq of any problem: from there on the history cannot be trusted. */
  firstBrokenSeq?: number;
  problems: ChainProblem[];
}

/** A verdict with what the digest check needs from the same pass over the chain. */
export interface ChainInspection {
  verdict: ChainVerdict;
  /** The access fields the chain bound, with the seq of the row that bound them, oldest first. */
  subjects: Array<{ seq: number; subject: AccessFields }>;
  /** The hashes of the rows asked for, by seq, as the rows now stand. */
  hashes: Map<number, string>;
}

/** One check of a chain: it sees every row once, in seq order, then the records beside it. */
interface ChainCheck {
  visit(row: HistoryRow): void;
  finish(db: Knex, workflow: WorkflowRow): Promise<ChainProblem[]>;
}

/**
 * Checks a workflow in one pass over its history, page by page: the hash chain, that each
 * row follows on from the one before, that replaying the applied events through the machine
 * gives the states the rows record and the workflow row as stored, and that the access
 * fields, provider viewers and consent records still match what the history bound.
 */
export async function verifyChain(db: Knex, workflow: WorkflowRow): Promise<ChainVerdict> {
  return (await inspectChain(db, workflow)).verdict;
}

/** `verifyChain`, keeping on the way the hashes of the rows at `hashesAt` (a digest's heads). */
export async function inspectChain(
  db: Knex,
  workflow: WorkflowRow,
  hashesAt: ReadonlySet<number> = new Set(),
): Promise<ChainInspection> {
  const access = new AccessCheck();
  const checks: ChainCheck[] = [
    new HashCheck(),
    new ContinuityCheck(),
    new ReplayCheck(workflow, await creationVersion(db, workflow)),
    access,
    new ConsentCheck(),
  ];
  const hashes = new Map<number, string>();
  let checked = 0;
  for await (const page of historyPages(db, workflow.id)) {
    for (const row of page) {
      checked += 1;
      if (hashesAt.has(row.seq)) hashes.set(row.seq, row.hash);
      for (const check of checks) check.visit(row);
    }
  }
  const problems: ChainProblem[] = [];
  for (const check of checks) problems.push(...(await check.finish(db, workflow)));
  return { verdict: verdictOf(checked, problems), subjects: access.subjects, hashes };
}

function verdictOf(checked: number, problems: ChainProblem[]): ChainVerdict {
  // Problems in seq order, those outside the history last; the sort is stable, so problems
  // of one row keep the order of the checks.
  const rank = (p: ChainProblem) => p.seq ?? Number.MAX_SAFE_INTEGER;
  const ordered = [...problems].sort((a, b) => rank(a) - rank(b));
  const firstBrokenSeq = ordered[0]?.seq;
  return {
    valid: ordered.length === 0,
    checked,
    ...(firstBrokenSeq === undefined ? {} : { firstBrokenSeq }),
    problems: ordered,
  };
}

/**
 * seq runs 1..n without gaps, every row links to the hash of the one before and hashes to
 * what it says, and the last is the head and length the workflow row records.
 */
class HashCheck implements ChainCheck {
  readonly #problems: ChainProblem[] = [];
  #expected = 1;
  #prevHash = genesisHash;

  visit(row: HistoryRow): void {
    const report = (seq: number, detail: string) =>
      this.#problems.push({ kind: 'hash', seq, detail });
    if (row.seq < this.#expected) {
      report(this.#expected, `a row numbered ${row.seq} stands where ${this.#expected} belongs`);
    } else {
      if (row.seq > this.#expected) {
        report(this.#expected, `missing: ${rowsNamed(this.#expected, row.seq - 1)}`);
      }
      if (row.prev_hash !== this.#prevHash) {
        report(row.seq, 'its prevHash is not the hash of the row before it');
      }
      if (chainHash(row.prev_hash, hashedContent(row)) !== row.hash) {
        report(row.seq, 'its content no longer hashes to its hash');
      }
      this.#expected = row.seq + 1;
    }
    // Later rows are checked against this one as stored, so one broken row is named once.
    this.#prevHash = row.hash;
  }

  finish(_db: Knex, workflow: WorkflowRow): Promise<ChainProblem[]> {
    const last = this.#expected - 1;
    const length = workflow.history_length;
    if (last < length) {
      this.#problems.push({
        kind: 'hash',
        seq: last + 1,
        detail: `missing at the end: ${rowsNamed(last + 1, length)} of the ${length} the workflow records`,
      });
    } else if (last > length) {
      this.#problems.push({
        kind: 'hash',
        seq: length + 1,
        detail: `beyond the ${length} rows the workflow records: ${rowsNamed(length + 1, last)}`,
      });
    } else if (this.#prevHash !== workflow.head_hash) {
      this.#problems.push({
        kind: 'hash',
        seq: last,
        detail: 'the last row is not the head hash the workflow records',
      });
    }
    return Promise.resolve(this.#problems);
  }
}

/** "row 4" or "rows 4 to 6". */
function rowsNamed(first: number, last: number): string {
  return first === last ? `row ${first}` : `rows ${first} to ${last}`;
}

/**
 * The states recorded follow on: row 1 is CREATED from nothing, every later row starts where
 * the one before ended, and a refusal ends where it started. Hashes prove rows were not
 * changed after they were written; this proves the rows make sense as one history, which a
 * writer able to recompute the hashes would otherwise get away with.
 */
class ContinuityCheck implements ChainCheck {
  readonly #problems: ChainProblem[] = [];
  #previous: HistoryRow | undefined;

  visit(row: HistoryRow): void {
    const report = (detail: string) =>
      this.#problems.push({ kind: 'continuity', seq: row.seq, detail });
    if (row.seq === 1) {
      if (row.type !== 'CREATED') report(`the first row is ${row.type}, not CREATED`);
      if (row.from_state !== null) report(`the first row starts from ${row.from_state}`);
    } else {
      if (row.type === 'CREATED') report('CREATED appears after the first row');
      const previous = this.#previous;
      if (previous && row.from_state !== previous.to_state) {
        report(
          `it starts from ${String(row.from_state)}, but row ${previous.seq} ended in ${previous.to_state}`,
        );
      }
    }
    if (row.outcome === 'rejected' && row.to_state !== row.from_state) {
      report(`a refused event moved the state from ${String(row.from_state)} to ${row.to_state}`);
    }
    this.#previous = row;
  }

  finish(): Promise<ChainProblem[]> {
    return Promise.resolve(this.#problems);
  }
}

/**
 * Replays the applied events through the machine, as time travel does: after each the
 * machine must be in the state the row records, and at the end the replay must be the
 * workflow row as stored (snapshot, state, status, version, machine version). A snapshot
 * rewritten without a history row is found here, and stays found after later events build
 * on it. Rows written before a migration replay through the machine of their version.
 */
class ReplayCheck implements ChainCheck {
  readonly #problems: ChainProblem[] = [];
  readonly #definition: WorkflowDefinition | undefined;
  readonly #createdWith: number;
  #replayed: Replayed | undefined;
  /** Once the replay parts from the history, what it says afterwards proves nothing. */
  #diverged = false;

  constructor(workflow: WorkflowRow, createdWith: number) {
    this.#createdWith = createdWith;
    const definition = supportedDefinition(workflow);
    if (!definition) {
      this.#problems.push({
        kind: 'snapshot',
        detail: `${workflow.machine} version ${workflow.machine_version} is not run by this server, so its history was not replayed`,
      });
    } else if (!definitionAt(definition, createdWith)) {
      this.#problems.push({
        kind: 'snapshot',
        detail: `${workflow.machine} version ${createdWith}, which created the workflow, is not kept by this server, so its history was not replayed`,
      });
    } else {
      this.#definition = definition;
    }
  }

  visit(row: HistoryRow): void {
    const definition = this.#definition;
    if (!definition || this.#diverged || row.outcome !== 'applied') return;
    if (!this.#replayed && row.type !== 'CREATED') {
      return this.#diverge(row.seq, `the replay has no CREATED row to start from`);
    }
    try {
      this.#replayed = apply(definition, this.#createdWith, this.#replayed, row);
    } catch (error) {
      return this.#diverge(
        row.seq,
        `the machine could not replay ${row.type}: ${messageOf(error)}`,
      );
    }
    if (this.#replayed.state !== row.to_state) {
      this.#diverge(
        row.seq,
        `replaying ${row.type} reaches ${this.#replayed.state}, but the row records ${row.to_state}`,
      );
    }
  }

  finish(_db: Knex, workflow: WorkflowRow): Promise<ChainProblem[]> {
    const definition = this.#definition;
    if (definition && this.#replayed && !this.#diverged) {
      for (const detail of storedDifferences(this.#replayed, workflow)) {
        this.#problems.push({ kind: 'snapshot', detail });
      }
    }
    return Promise.resolve(this.#problems);
  }

  #diverge(seq: number, detail: string): void {
    this.#diverged = true;
    this.#problems.push({ kind: 'snapshot', seq, detail });
  }
}

function supportedDefinition(workflow: WorkflowRow): WorkflowDefinition | undefined {
  try {
    return definitionOf(workflow);
  } catch (error) {
    if (error instanceof UnknownMachineVersion) return undefined;
    throw error;
  }
}

/** How the stored workflow row differs from the replay of its history; empty when it does not. */
function storedDifferences(replayed: Replayed, workflow: WorkflowRow): string[] {
  const differences: string[] = [];
  if (workflow.machine_version !== replayed.definition.version) {
    differences.push(
      `the workflow is stored as ${workflow.machine} version ${workflow.machine_version}, its history replays to version ${replayed.definition.version}`,
    );
  }
  if (workflow.state !== replayed.state) {
    differences.push(
      `the workflow is in ${workflow.state}, its history replays to ${replayed.state}`,
    );
  }
  if (workflow.status !== replayed.status) {
    differences.push(
      `the workflow is ${workflow.status}, its history replays to ${replayed.status}`,
    );
  }
  if (workflow.version !== replayed.version) {
    differences.push(
      `the workflow is at version ${workflow.version}, its history has ${replayed.version} applied events`,
    );
  }
  // Compared as it would have been stored: the snapshot reached the jsonb column as JSON.
  const persisted = persistedForm(replayed.definition.machine, replayed.snapshot);
  if (canonicalJson(persisted) !== canonicalJson(workflow.snapshot)) {
    differences.push('the stored snapshot is not the one its history replays to');
  }
  return differences;
}

/**
 * The workflow row's access fields (who may read it) equal the last ones its history bound,
 * and the providers given read access to it are those its applied PARTNERSHIP_REQUESTED rows
 * named. A chain that bound no access fields was written before bindings existed: its row
 * fields have nothing to be compared with.
 */
class AccessCheck implements ChainCheck {
  readonly subjects: Array<{ seq: number; subject: AccessFields }> = [];
  readonly #requested = new Map<string, number>();

  visit(row: HistoryRow): void {
    if (row.outcome !== 'applied') return;
    const subject = row.bindings?.subject;
    if (subject) this.subjects.push({ seq: row.seq, subject });
    const providerId = row.payload.providerId;
    if (row.type === 'PARTNERSHIP_REQUESTED' && typeof providerId === 'string') {
      if (!this.#requested.has(providerId)) this.#requested.set(providerId, row.seq);
    }
  }

  async finish(db: Knex, workflow: WorkflowRow): Promise<ChainProblem[]> {
    return [
      ...this.#fieldProblems(workflow),
      ...viewerProblems(await viewersOf(db, workflow.id), this.#requested),
    ];
  }

  #fieldProblems(workflow: WorkflowRow): ChainProblem[] {
    const bound = this.subjects.at(-1);
    if (!bound) return [];
    const actual = accessFields(workflow);
    return accessKeys
      .filter((key) => actual[key] !== bound.subject[key])
      .map((key) => ({
        kind: 'row_fields' as const,
        detail: `${key} is ${String(actual[key])}, but row ${bound.seq} bound ${String(bound.subject[key])}`,
      }));
  }
}

const accessKeys = ['partnerId', 'parentId', 'customerId', 'providerId'] as const;

function viewerProblems(
  viewers: ReadonlySet<string>,
  requested: ReadonlyMap<string, number>,
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  for (const providerId of viewers) {
    if (!requested.has(providerId)) {
      problems.push({
        kind: 'row_fields',
        detail: `provider ${providerId} may read the workflow, but no PARTNERSHIP_REQUESTED row named it`,
      });
    }
  }
  for (const [providerId, seq] of requested) {
    if (!viewers.has(providerId)) {
      problems.push({
        kind: 'row_fields',
        detail: `row ${seq} asked provider ${providerId} to partner, but it has no read access`,
      });
    }
  }
  return problems;
}

async function viewersOf(db: Knex, workflowId: string): Promise<Set<string>> {
  const rows = await db<{ workflow_id: string; provider_id: string }>('workflow_viewers')
    .where({ workflow_id: workflowId })
    .select('provider_id');
  return new Set(rows.map((r) => r.provider_id));
}

/** A consent decision as the history records it: the applied CONSENT_GRANTED or _DECLINED row. */
interface Decision {
  seq: number;
  decision: ConsentRow['decision'];
  at: Date;
  /** The consent row the history row bound; absent on rows written before bindings. */
  bound?: { id: string; sha256: string };
}

/** What the consent row of a revoked grant must say, from the CONSENT_REVOKED row. */
interface Revocation {
  seq: number;
  at: Date;
  by: string;
  reason: string;
}

/**
 * Every consent record of the workflow is the one its deciding history row bound, with the
 * evidence it had then, and its revocation is the one the history records. A grant stands
 * until the next applied CONSENT_REVOKED, which revokes that grant only: grants of one
 * workflow come one at a time.
 */
class ConsentCheck implements ChainCheck {
  readonly #problems: ChainProblem[] = [];
  readonly #decisions: Decision[] = [];
  /** Revocations by the seq of the grant they revoked. */
  readonly #revocations = new Map<number, Revocation>();
  #standing: Decision | undefined;

  visit(row: HistoryRow): void {
    if (row.outcome !== 'applied') return;
    if (row.type === 'CONSENT_GRANTED' || row.type === 'CONSENT_DECLINED') {
      this.#decide(row);
    } else if (row.type === 'CONSENT_REVOKED') {
      this.#revoke(row);
    } else if (row.bindings?.consent) {
      this.#problems.push({
        kind: 'consent',
        seq: row.seq,
        detail: `a ${row.type} row binds consent ${row.bindings.consent.id}, which only a decision may`,
      });
    }
  }

  async finish(db: Knex, workflow: WorkflowRow): Promise<ChainProblem[]> {
    const consents = await consentsOf(db, workflow.id);
    const matched = matchDecisions(consents, this.#decisions);
    this.#problems.push(...bindingProblems(consents, this.#decisions, matched));
    for (const consent of consents) {
      const decision = matched.get(consent.id);
      if (!decision) {
        this.#problems.push({
          kind: 'consent',
          detail: `consent ${consent.id} was recorded by no history row`,
        });
        continue;
      }
      this.#problems.push(...evidenceProblems(consent, decision));
      this.#problems.push(...revocationProblems(consent, this.#revocations.get(decision.seq)));
    }
    return this.#problems;
  }

  #decide(row: HistoryRow): void {
    const decision: Decision = {
      seq: row.seq,
      decision: row.type === 'CONSENT_GRANTED' ? 'granted' : 'declined',
      at: row.at,
      ...(row.bindings?.consent ? { bound: row.bindings.consent } : {}),
    };
    this.#decisions.push(decision);
    if (decision.decision === 'granted') this.#standing = decision;
  }

  #revoke(row: HistoryRow): void {
    if (!this.#standing) {
      this.#problems.push({
        kind: 'consent',
        seq: row.seq,
        detail: 'it revokes a consent, but no grant stands',
      });
      return;
    }
    const reason = row.payload.reason;
    this.#revocations.set(this.#standing.seq, {
      seq: row.seq,
      at: row.at,
      by: row.actor_id,
      reason: typeof reason === 'string' ? reason : '',
    });
    this.#standing = undefined;
  }
}

/**
 * The decision row that recorded each consent row: the row that bound its id, or for a
 * decision written before bindings existed, an unbound row of the same decision at the same
 * time. Each decision row accounts for one consent row at most.
 */
function matchDecisions(
  consents: readonly ConsentRow[],
  decisions: readonly Decision[],
): Map<string, Decision> {
  const matched = new Map<string, Decision>();
  const used = new Set<Decision>();
  for (const consent of consents) {
    const decision =
      decisions.find((d) => !used.has(d) && d.bound?.id === consent.id) ??
      decisions.find(
        (d) =>
          !used.has(d) &&
          !d.bound &&
          d.decision === consent.decision &&
          d.at.getTime() === consent.decided_at.getTime(),
      );
    if (decision) {
      matched.set(consent.id, decision);
      used.add(decision);
    }
  }
  return matched;
}

/** Each decision row binds a consent record that exists and that no other row binds. */
function bindingProblems(
  consents: readonly ConsentRow[],
  decisions: readonly Decision[],
  matched: ReadonlyMap<string, Decision>,
): ChainProblem[] {
  const problems: ChainProblem[] = [];
  const ids = new Set(consents.map((c) => c.id));
  for (const decision of decisions) {
    const id = decision.bound?.id;
    if (id === undefined) continue;
    const first = matched.get(id);
    if (!ids.has(id)) {
      problems.push({
        kind: 'consent',
        detail: `row ${decision.seq} bound consent ${id}, which no longer exists`,
      });
    } else if (first && first !== decision) {
      problems.push({
        kind: 'consent',
        detail: `row ${decision.seq} binds consent ${id}, which row ${first.seq} bound already`,
      });
    }
  }
  return problems;
}

function evidenceProblems(consent: ConsentRow, decision: Decision): ChainProblem[] {
  const problems: ChainProblem[] = [];
  if (consent.decision !== decision.decision) {
    problems.push({
      kind: 'consent',
      detail: `consent ${consent.id} says ${consent.decision}, but row ${decision.seq} recorded ${decision.decision}`,
    });
  }
  if (decision.bound && consentEvidenceHash(consent) !== decision.bound.sha256) {
    problems.push({
      kind: 'consent',
      detail: `the evidence of consent ${consent.id} is not what row ${decision.seq} bound`,
    });
  }
  return problems;
}

function revocationProblems(consent: ConsentRow, revocation?: Revocation): ChainProblem[] {
  const problem = (detail: string): ChainProblem[] => [{ kind: 'consent', detail }];
  const marked =
    consent.revoked_at !== null ||
    consent.revoked_by !== null ||
    consent.revocation_reason !== null;
  if (!revocation) {
    return marked
      ? problem(`consent ${consent.id} is marked revoked, but no CONSENT_REVOKED row revoked it`)
      : [];
  }
  if (!consent.revoked_at) {
    return problem(`row ${revocation.seq} revoked consent ${consent.id}, which still stands`);
  }
  const differing = [
    consent.revoked_at.getTime() === revocation.at.getTime() ? undefined : 'revoked_at',
    consent.revoked_by === revocation.by ? undefined : 'revoked_by',
    consent.revocation_reason === revocation.reason ? undefined : 'revocation_reason',
  ].filter((field) => field !== undefined);
  return differing.length === 0
    ? []
    : problem(
        `consent ${consent.id} does not record its revocation as row ${revocation.seq} did (${differing.join(', ')})`,
      );
}

/** Every consent record of a workflow, however many an intruder added: none may go unseen. */
async function consentsOf(db: Knex, workflowId: string): Promise<ConsentRow[]> {
  return db<ConsentRow>('consents').where({ workflow_id: workflowId }).orderBy('seq');
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * One workflow as a digest anchors it. The access fields came later: a digest saved before
 * them has none, and what it does not state is not compared.
 */
export interface DigestEntry extends Partial<AccessFields> {
  id: string;
  length: number;
  headHash: string;
}

/** One hash over every workflow's head: keep it outside the database to prove history only grew. */
export function digestOf(entries: readonly DigestEntry[]): string {
  return sha256Hex(canonicalJson(entries));
}

export const divergenceReasons = [
  'workflow_missing',
  'history_shorter',
  'head_hash_differs',
  'chain_broken',
  'row_fields_differ',
] as const;
export type DivergenceReason = (typeof divergenceReasons)[number];

export interface Divergence {
  id: string;
  reason: DivergenceReason;
}

/** How many workflows are loaded by one query, well below the bind-parameter limit. */
const digestBatch = 500;

/**
 * The workflows of a saved digest whose history no longer extends it, each named once with
 * the first reason found. A digest may list one workflow many times: each distinct workflow
 * is loaded in a batch and its chain read once, whatever the number of its entries.
 */
export async function digestDivergences(
  db: Knex,
  entries: readonly DigestEntry[],
): Promise<Divergence[]> {
  const byId = entriesById(entries);
  const diverged: Divergence[] = [];
  const ids = [...byId.keys()];
  for (let i = 0; i < ids.length; i += digestBatch) {
    const batch = ids.slice(i, i + digestBatch);
    const workflows = await workflowsById(db, batch);
    for (const id of batch) {
      const reason = await workflowDivergence(db, workflows.get(id), byId.get(id) ?? []);
      if (reason) diverged.push({ id, reason });
    }
  }
  return diverged;
}

function entriesById(entries: readonly DigestEntry[]): Map<string, DigestEntry[]> {
  const byId = new Map<string, DigestEntry[]>();
  for (const entry of entries) {
    const list = byId.get(entry.id);
    if (list) list.push(entry);
    else byId.set(entry.id, [entry]);
  }
  return byId;
}

async function workflowsById(db: Knex, ids: readonly string[]): Promise<Map<string, WorkflowRow>> {
  const rows = await db<WorkflowRow>('workflows').whereIn('id', ids);
  return new Map(rows.map((row) => [row.id, row]));
}

async function workflowDivergence(
  db: Knex,
  workflow: WorkflowRow | undefined,
  entries: readonly DigestEntry[],
): Promise<DivergenceReason | null> {
  if (!workflow) return 'workflow_missing';
  const heads = new Set(entries.map((e) => e.length));
  const inspection = await inspectChain(db, workflow, heads);
  for (const entry of entries) {
    const reason = entryDivergence(entry, workflow, inspection);
    if (reason) return reason;
  }
  return null;
}

function entryDivergence(
  entry: DigestEntry,
  workflow: WorkflowRow,
  { verdict, subjects, hashes }: ChainInspection,
): DivergenceReason | null {
  const head = hashes.get(entry.length);
  if (head === undefined) return 'history_shorter';
  if (head !== entry.headHash) return 'head_hash_differs';
  if (verdict.firstBrokenSeq !== undefined && verdict.firstBrokenSeq <= entry.length) {
    return 'chain_broken';
  }
  if (verdict.problems.some((p) => p.kind === 'row_fields')) return 'row_fields_differ';
  const then = accessAt(entry.length, subjects, workflow);
  const differs = then && accessKeys.some((k) => entry[k] !== undefined && entry[k] !== then[k]);
  return differs ? 'row_fields_differ' : null;
}

/**
 * The access fields a workflow had right after row `seq`: the last ones bound up to there.
 * A chain that never bound any predates bindings; its row is all there is to compare with.
 * One that bound them only later cannot say what they were before.
 */
function accessAt(
  seq: number,
  subjects: ChainInspection['subjects'],
  workflow: WorkflowRow,
): AccessFields | undefined {
  if (subjects.length === 0) return accessFields(workflow);
  return subjects.filter((s) => s.seq <= seq).at(-1)?.subject;
}

export interface Replayed {
  snapshot: AnyMachineSnapshot;
  /**
   * The definition as it stood at that row (see `definitionAt`): the machine of the version
   * the snapshot belongs to, which a later MIGRATED row may have replaced.
   */
  definition: WorkflowDefinition;
  status: WorkflowRow['status'];
  version: number;
  state: string;
  at: Date;
}

/**
 * The version of the machine a workflow was created with: the one its first MIGRATED row
 * migrated from, or, when it was never migrated, the one it is stored with.
 */
export async function creationVersion(db: Knex, workflow: WorkflowRow): Promise<number> {
  const first = await firstAppliedRowOfType(db, workflow.id, migratedType);
  const from = first?.payload.fromVersion;
  return typeof from === 'number' ? from : workflow.machine_version;
}

/**
 * The workflow as it was right after history row `seq`, rebuilt by replaying its applied
 * events from the input recorded on `CREATED`, through the machine of the version it was
 * created with, and from each MIGRATED row on through the machine of the version it reached.
 * A version this server does not keep is refused with `UnknownMachineVersion`.
 */
export async function replayTo(
  db: Knex,
  workflow: WorkflowRow,
  seq: number,
): Promise<Replayed | undefined> {
  const definition = definitionOf(workflow);
  const createdWith = await creationVersion(db, workflow);
  if (!definitionAt(definition, createdWith)) {
    throw new UnknownMachineVersion(workflow.id, workflow.machine, createdWith);
  }
  let replayed: Replayed | undefined;
  for await (const page of historyPages(db, workflow.id, 1000, seq)) {
    for (const row of page) replayed = apply(definition, createdWith, replayed, row);
  }
  return replayed;
}

/** One history row replayed onto the workflow as it stood before it. */
function apply(
  current: WorkflowDefinition,
  createdWith: number,
  before: Replayed | undefined,
  row: HistoryRow,
): Replayed {
  if (before === undefined) {
    const definition = definitionAt(current, createdWith);
    if (!definition) throw new Error(`${current.name} version ${createdWith} is not kept`);
    const [snapshot] = initialTransition(definition.machine, row.payload);
    return {
      snapshot,
      definition,
      status: statusOf(snapshot),
      version: 1,
      state: contractState(snapshot),
      at: row.at,
    };
  }
  if (row.outcome === 'rejected') return before;
  if (row.type === 'PARENT_CANCELLED') {
    return { ...before, status: 'cancelled', version: before.version + 1, at: row.at };
  }
  if (row.type === migratedType) return migrated(current, before, row);
  // Evidence of a consent link is recorded beside the event; the machine never saw it.
  const { evidence: _evidence, ...event } = row.payload;
  const [snapshot] = transition(before.definition.machine, before.snapshot, {
    ...event,
    type: row.type,
  });
  return {
    snapshot,
    definition: before.definition,
    status: statusOf(snapshot),
    version: before.version + 1,
    state: contractState(snapshot),
    at: row.at,
  };
}

/**
 * A MIGRATED row replayed: the snapshot as the database held it then, upgraded as the
 * migration at start upgraded it, and resolved with the machine of the version it reached.
 */
function migrated(current: WorkflowDefinition, before: Replayed, row: HistoryRow): Replayed {
  const { fromVersion, toVersion } = row.payload;
  if (fromVersion !== before.definition.version) {
    throw new Error(
      `it migrates from version ${String(fromVersion)}, but the workflow was at version ${before.definition.version}`,
    );
  }
  const definition = typeof toVersion === 'number' ? definitionAt(current, toVersion) : undefined;
  if (typeof toVersion !== 'number' || !definition || toVersion <= fromVersion) {
    throw new Error(`it migrates to version ${String(toVersion)}, which this server does not keep`);
  }
  const snapshot = migrateSnapshot(
    current,
    persistedForm(before.definition.machine, before.snapshot),
    fromVersion,
    toVersion,
  );
  return {
    snapshot,
    definition,
    status: migratedStatus(before.status, snapshot),
    version: before.version + 1,
    state: contractState(snapshot),
    at: row.at,
  };
}
