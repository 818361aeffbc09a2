/**
 * Every refusal the API can give, each with its HTTP status and problem code (SPEC §3).
 * Thrown anywhere below the HTTP layer; one error handler turns them into problem+json.
 */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
    this.name = new.target.name;
  }

  toProblem(): Problem {
    return {
      type: `https://tiershift.dev/problems/${this.code}`,
      title: this.title,
      status: this.status,
      detail: this.message,
      code: this.code,
      ...this.extra,
    };
  }
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [key: string]: unknown;
}

export interface FieldError {
  path: string;
  message: string;
}

export class MalformedRequest extends ProblemError {
  constructor(detail: string) {
    super(400, 'malformed_request', 'Malformed request', detail);
  }
}

export class Unauthenticated extends ProblemError {
  constructor() {
    super(401, 'unauthenticated', 'Unauthenticated', 'A valid bearer token is required.');
  }
}

export class Forbidden extends ProblemError {
  constructor(detail = 'Your role may not do this.') {
    super(403, 'forbidden', 'Forbidden', detail);
  }
}

export class NotFound extends ProblemError {
  constructor(what = 'resource') {
    super(404, 'not_found', 'Not found', `No such ${what}.`);
  }
}

export class EventNotAllowed extends ProblemError {
  constructor(state: string, eventType: string, nextEvents: readonly unknown[], why?: string) {
    super(
      409,
      'event_not_allowed',
      'Event not allowed',
      `${eventType} does not apply in state ${state}${why ? `: ${why}` : ''}.`,
      { nextEvents },
    );
  }
}

export class Conflict extends ProblemError {
  constructor(
    code:
      | 'transition_exists'
      | 'already_exists'
      | 'consent_request_used'
      | 'last_admin'
      | 'principal_revoked'
      | 'principal_expired'
      | 'secret_not_replayable'
      | 'timer_not_failed'
      | 'history_not_replayable',
    detail: string,
    extra = {},
  ) {
    super(409, code, 'Conflict', detail, extra);
  }
}

export class VersionConflict extends ProblemError {
  constructor(expected: string, actual: number) {
    super(
      412,
      'version_conflict',
      'Version conflict',
      `If-Match ${expected} does not match the current version ${actual}.`,
      { currentVersion: actual },
    );
  }
}

export class PayloadTooLarge extends ProblemError {
  constructor(limit: number) {
    super(413, 'payload_too_large', 'Payload too large', `The body exceeds ${limit} bytes.`);
  }
}

export class ValidationFailed extends ProblemError {
  constructor(errors: readonly FieldError[]) {
    super(
      422,
      'validation_failed',
      'Validation failed',
      errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; '),
      { errors },
    );
  }
}

/** A domain rule refused the request; `reasons` always lists every unmet code. */
export class RequirementUnmet extends ProblemError {
  constructor(reasons: readonly string[], detail?: string, details: Record<string, unknown> = {}) {
    const code = reasons.length === 1 ? (reasons[0] ?? 'requirement_unmet') : 'requirement_unmet';
    super(422, code, 'Requirement unmet', detail ?? `Unmet: ${reasons.join(', ')}.`, {
      ...details,
      reasons: [...reasons],
    });
  }
}

export class IdempotencyKeyReused extends ProblemError {
  constructor() {
    super(
      422,
      'idempotency_key_reused',
      'Idempotency key reused',
      'This Idempotency-Key was already used for a different request.',
    );
  }
}

export class RateLimited extends ProblemError {
  constructor(
    readonly retryAfterSeconds: number,
    detail = 'The request rate for this token is exceeded.',
  ) {
    super(429, 'rate_limited', 'Too many requests', detail);
  }
}

const unavailableDetails = {
  nothing_applied: 'The database cannot be reached; nothing was applied.',
  timed_out: 'The database did not answer in time; nothing was applied. Try again shortly.',
  outcome_unknown:
    'The database connection was lost while committing: the change may or may not be stored. Send the request again with the same Idempotency-Key to learn which.',
  batch_interrupted:
    'The server failed on one workflow and took no more: those in `results` were handled before it stopped, the others were not touched. Send the same request again with the same Idempotency-Key to finish without applying any twice.',
} as const;

export class Unavailable extends ProblemError {
  constructor(
    outcome: keyof typeof unavailableDetails = 'nothing_applied',
    extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(503, 'unavailable', 'Service unavailable', unavailableDetails[outcome], extra);
  }
}

/** The console's script could not be bundled at start; the server's log says why. */
export class ConsoleUnavailable extends ProblemError {
  constructor() {
    super(
      503,
      'console_unavailable',
      'Service unavailable',
      "The console could not be built; the server's log says why.",
    );
  }
}
