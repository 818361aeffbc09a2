import { pino, type Logger } from 'pino';

/** Structured logs; headers that carry secrets are removed before anything is written. */
export function createLogger(level: string): Logger {
  return pino({
    level,
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
  });
}
