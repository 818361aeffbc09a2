/** One event written to a workflow's history, as a committed fact. */
export interface RecordedEvent {
  machine: string;
  type: string;
  outcome: 'applied' | 'rejected';
  /** The problem code of a refusal; null when applied. */
  code: string | null;
}

/**
 * What the engine tells whoever watches it (the metrics), told only once the transaction
 * that wrote it has committed: a rolled-back attempt that is retried is counted once.
 */
export interface EngineObserver {
  eventRecorded(event: RecordedEvent): void;
}
