import { pino, type DestinationStream, type Logger } from 'pino';

/** Structured logs; headers that carry secrets are removed before anything is written. */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
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
  };
  return destination ? pino(options, destination) : pino(options);
}
