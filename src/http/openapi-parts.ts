/** The parts of the OpenAPI document that every operation shares: tags, headers, problems. */

export const tags = [
  {
    name: 'Partners and transitions',
    description:
      'For onboarding managers and Global admins: partners, their customers, and the transition that moves them.',
  },
  {
    name: 'Workflows and events',
    description:
      'Every workflow (the transition and its children), its history, and the events that move it; the machines that define them.',
  },
  {
    name: 'Consent',
    description:
      "Consent links for a customer's reseller relationship, the customer's own page, and the record of decisions.",
  },
  {
    name: 'Providers',
    description: 'Indirect providers (distributors) the partners move to.',
  },
  {
    name: 'Audit',
    description: 'For auditors: hash-chain verification, digests, replays and exports.',
  },
  {
    name: 'Partner Center connections',
    description:
      "The App+User credentials Tiershift calls Partner Center with on a partner's or a provider's behalf: registered by their owner, stored sealed, never shown back.",
  },
  {
    name: 'Webhooks',
    description:
      'Subscriptions to signed notifications (Standard Webhooks), their secrets, and the log of every delivery.',
  },
  {
    name: 'Partner Center',
    description:
      "Connected mode: which of a transition's steps Partner Center carries out, and the signed webhooks by which it reports back.",
  },
  {
    name: 'Administration',
    description: 'Principals and their tokens, timers, health, readiness, metrics.',
  },
] as const;

export type Tag = (typeof tags)[number]['name'];

/** Headers on every answer (see `responsesOf`). */
export const commonResponseHeaders = ['X-Request-Id', 'RateLimit', 'RateLimit-Policy'] as const;

export const headerComponents = {
  'X-Request-Id': {
    description:
      'The request id: the one the client sent when it was 1–128 characters of `A-Za-z0-9._:-`, otherwise a new one. It is logged and kept in the history.',
    schema: { type: 'string' },
  },
  RateLimit: {
    description:
      'What is left of the current window, as `"<policy>";r=<remaining>;t=<seconds to reset>` (IETF draft 8).',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': {
    description: 'The limits applied, as `"<policy>";q=<quota>;w=<window seconds>` (IETF draft 8).',
    schema: { type: 'string' },
  },
  'Retry-After': {
    description: 'Seconds to wait before trying again.',
    schema: { type: 'integer', minimum: 1 },
  },
  ETag: {
    description: 'The workflow\'s version, quoted, as `If-Match` takes it back: `"7"`.',
    schema: { type: 'string' },
  },
  Location: {
    description: 'Where the new resource is read.',
    schema: { type: 'string' },
  },
  'Idempotent-Replayed': {
    description: 'Present when the answer is the stored one of an earlier request with this key.',
    schema: { type: 'string', enum: ['true'] },
  },
} as const;

export const parameterComponents = {
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'The version the client last saw (its ETag). When the workflow has moved on since, the event is refused with 412 `version_conflict` and nothing changes.',
    schema: { type: 'string' },
  },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Up to 200 characters, scoped to the caller: the same key with the same request gets the first answer again (with `Idempotent-Replayed: true`); with another request, 422 `idempotency_key_reused`. Keys are kept for 24 hours.',
    schema: { type: 'string', minLength: 1, maxLength: 200 },
  },
} as const;

const problems: Record<number, { name: string; description: string; retry?: boolean }> = {
  400: {
    name: 'BadRequest',
    description: 'The request could not be read: `malformed_request` (not JSON, not an object).',
  },
  401: {
    name: 'Unauthorized',
    description:
      "`unauthenticated`: no bearer token, or one that is unknown, revoked or expired; `webhook_signature_invalid`: a Partner Center webhook whose signature is not Partner Center's.",
  },
  403: { name: 'Forbidden', description: '`forbidden`: the role may not do this.' },
  404: {
    name: 'NotFound',
    description: '`not_found`: no such resource, or none the caller may see.',
  },
  409: {
    name: 'Conflict',
    description:
      'The state forbids it: `event_not_allowed` (with `nextEvents`), `transition_exists`, `already_exists`, `consent_request_used`, `last_admin`, `principal_revoked`, `principal_expired`, `secret_not_replayable`, `timer_not_failed`, `machine_version_unsupported` (the workflow was stored by a machine version this server does not run).',
  },
  412: {
    name: 'PreconditionFailed',
    description: '`version_conflict`: `If-Match` names another version (see `currentVersion`).',
  },
  413: { name: 'PayloadTooLarge', description: '`payload_too_large`: the body is over the limit.' },
  422: {
    name: 'UnprocessableContent',
    description:
      '`validation_failed` (each field in `errors`), a domain rule unmet (its code, every unmet one in `reasons`), or `idempotency_key_reused`.',
  },
  429: {
    name: 'TooManyRequests',
    description: '`rate_limited`: over the rate of the client address or of the token.',
    retry: true,
  },
  503: {
    name: 'ServiceUnavailable',
    description:
      '`unavailable`: the database is out of reach or did not answer in time; the detail says whether anything may have been applied.',
    retry: true,
  },
};

export function problemResponseName(status: number): string {
  const found = problems[status];
  if (!found) throw new Error(`No problem response for ${status}`);
  return found.name;
}

/** One response component per problem status, each a problem+json body. */
export function problemResponseComponents(problemSchema: unknown): Record<string, unknown> {
  return Object.fromEntries(
    Object.values(problems).map(({ name, description, retry }) => [
      name,
      problemResponse(description, problemSchema, retry),
    ]),
  );
}

function problemResponse(
  description: string,
  problemSchema: unknown,
  retry = false,
): Record<string, unknown> {
  const headers = [...commonResponseHeaders, ...(retry ? ['Retry-After'] : [])];
  return {
    description,
    headers: Object.fromEntries(headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])),
    content: { 'application/problem+json': { schema: problemSchema } },
  };
}
