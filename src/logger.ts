import { trace } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger } from 'pino';

/**
 * The trace a line was written in, so that a log line leads to its trace and back. Without
 * tracing there is no active span, and nothing is added.
 */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/**
 * Fields that hold credentials, wherever a log line might carry them: at the top, one level
 * down, or in a logged request's body (pino's request serializer leaves the body out, but a
 * line written by hand may not).
 */
const secretFields = [
  'token',
  'clientSecret',
  'refreshToken',
  'client_secret',
  'refresh_token',
  'accessToken',
  'access_token',
];

/** Structured logs; headers and fields that carry secrets are removed before anything is written. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    mixin: traceFields,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'headers.authorization',
        ...secretFields.flatMap((f) => [f, `*.${f}`, `req.body.${f}`, `*.req.body.${f}`]),
      ],
      remove: true,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
