import { initialTransition, transition, type AnyMachineSnapshot } from 'xstate';
import type { Knex } from 'knex';
import { historyPages, type HistoryRow } from '../store/history.ts';
import type { WorkflowRow } from '../store/workflows.ts';
import { definitionOf, statusOf } from './engine.ts';
import { hashedContent } from './history-chain.ts';
import { canonicalJson, chainHash, genesisHash, sha256Hex } from './hash.ts';
import { contractState } from './introspection.ts';

export interface ChainVerdict {
  valid: boolean;
  checked: number;
  firstBrokenSeq?: number;
}

/**
 * Recomputes a workflow's hash chain from its first row: every row must follow the one
 * before (seq, prevHash) and hash to what it says; the last must be the head the workflow
 * row points at. The first place it fails is named.
 */
export async function verifyChain(
  db: Knex,
  workflow: Pick<WorkflowRow, 'id' | 'history_length' | 'head_hash'>,
): Promise<ChainVerdict> {
  let prev = genesisHash;
  let expected = 1;
  for await (const page of historyPages(db, workflow.id)) {
    for (const row of page) {
      if (
        row.seq !== expected ||
        row.prev_hash !== prev ||
        chainHash(prev, hashedContent(row)) !== row.hash
      ) {
        return { valid: false, checked: expected - 1, firstBrokenSeq: expected };
      }
      prev = row.hash;
      expected += 1;
    }
  }
  const checked = expected - 1;
  if (checked !== workflow.history_length || prev !== workflow.head_hash) {
    // Rows are missing at the end: the chain stops before the head the workflow records.
    return { valid: false, checked, firstBrokenSeq: checked + 1 };
  }
  return { valid: true, checked };
}

export interface DigestEntry {
  id: string;
  length: number;
  headHash: string;
}

/** One hash over every workflow's head: keep it outside the database to prove history only grew. */
export function digestOf(entries: readonly DigestEntry[]): string {
  return sha256Hex(canonicalJson(entries));
}

export interface Replayed {
  snapshot: AnyMachineSnapshot;
  status: WorkflowRow['status'];
  version: number;
  state: string;
  at: Date;
}

/**
 * The workflow as it was right after history row `seq`, rebuilt by replaying its applied
 * events through the machine from the input recorded on `CREATED`.
 */
export async function replayTo(
  db: Knex,
  workflow: WorkflowRow,
  seq: number,
): Promise<Replayed | undefined> {
  const definition = definitionOf(workflow);
  let replayed: Replayed | undefined;
  for await (const page of historyPages(db, workflow.id, 1000, seq)) {
    for (const row of page) replayed = apply(definition, replayed, row);
  }
  return replayed;
}

function apply(
  definition: ReturnType<typeof definitionOf>,
  before: Replayed | undefined,
  row: HistoryRow,
): Replayed {
  if (before === undefined) {
    const [snapshot] = initialTransition(definition.machine, row.payload);
    return {
      snapshot,
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
  // Evidence of a consent link is recorded beside the event; the machine never saw it.
  const { evidence: _evidence, ...event } = row.payload;
  const [snapshot] = transition(definition.machine, before.snapshot, { ...event, type: row.type });
  return {
    snapshot,
    status: statusOf(snapshot),
    version: before.version + 1,
    state: contractState(snapshot),
    at: row.at,
  };
}
