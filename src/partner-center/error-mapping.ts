import { PartnerCenterError, type CallIds } from './partner-center.ts';

type Problem = PartnerCenterError['problem'];

/** What a refusal said about itself, in whichever of the three shapes it came. */
export interface ErrorDetails {
  code: string | null;
  description: string | null;
}

/** Descriptions are shown to operators and kept in histories: long ones are cut. */
const maxDescription = 1000;

/**
 * Reads an error body: Partner Center's `{code, description, data, source}`, Graph's
 * `{error: {code, message}}`, or Entra's `{error, error_description}`. Anything else (an HTML
 * page from a gateway, nothing at all) yields no details.
 */
export function readErrorBody(text: string): ErrorDetails {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return { code: null, description: null };
  }
  if (typeof body !== 'object' || body === null) return { code: null, description: null };
  const record = body as Record<string, unknown>;
  const graph = record.error;
  if (typeof graph === 'object' && graph !== null) {
    const { code, message } = graph as Record<string, unknown>;
    return { code: textOf(code), description: textOf(message) };
  }
  if (typeof graph === 'string') {
    // Entra's descriptions run on with "Trace ID: … Correlation ID: … Timestamp: …" lines.
    const description = textOf(record.error_description)?.split(/\r?\n/)[0] ?? null;
    return { code: graph, description };
  }
  return { code: textOf(record.code), description: textOf(record.description) };
}

function textOf(value: unknown): string | null {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return null;
}

/** Our problem for a final HTTP status from Partner Center or Graph. */
export function problemForStatus(status: number): { problem: Problem; retryable: boolean } {
  if (status === 401 || status === 403)
    return { problem: 'partner_center_unauthorized', retryable: false };
  if (status === 404) return { problem: 'partner_center_not_found', retryable: false };
  if (status === 429) return { problem: 'partner_center_throttled', retryable: true };
  if (status >= 500) return { problem: 'partner_center_unavailable', retryable: true };
  return { problem: 'partner_center_rejected', retryable: false };
}

/**
 * Takes every credential out of a text that came back from a server: a token endpoint or a
 * gateway may echo what it was sent, and the text ends up in errors, logs and histories.
 */
export function scrub(text: string, secrets: readonly string[]): string {
  let clean = text;
  for (const secret of secrets) {
    if (secret.length >= 4) clean = clean.split(secret).join('[redacted]');
  }
  return clean.length > maxDescription ? `${clean.slice(0, maxDescription)}…` : clean;
}

export interface FailureInput {
  problem: Problem;
  status: number | null;
  code: string | null;
  description: string;
  retryable: boolean;
  ids: CallIds;
  retryAfterMs?: number;
  /** Values that must not appear in the error: the credentials and the token in use. */
  secrets: readonly string[];
}

/** A `PartnerCenterError` whose code and description hold no credential. */
export function failure(input: FailureInput): PartnerCenterError {
  return new PartnerCenterError(
    input.problem,
    input.status,
    input.code === null ? null : scrub(input.code, input.secrets),
    scrub(input.description, input.secrets),
    input.retryable,
    input.ids,
    input.retryAfterMs,
  );
}
