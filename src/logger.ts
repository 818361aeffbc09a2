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

/** Structured logs; headers that carry secrets are removed before anything is written. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    mixin: traceFields,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'token',
        '*.token',
        'headers.authorization',
      ],
      remove: true,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}
