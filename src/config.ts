import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
  RATE_LIMIT_PER_MIN: z.coerce.number().int().positive().default(6000),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  TIMER_INTERVAL_MS: z.coerce.number().int().positive().default(5000),
  /** How long a client may take to send a whole request; then 408 and the connection closes. */
  REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /** How long one database statement may run (lock waits included); then it is cancelled. */
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Base URL of consent links; by default the address the request came to. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export type Config = Readonly<z.infer<typeof configSchema>>;

/** Parses the environment once; an invalid setting is reported by name and stops the start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(emptyAsUnset(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze(parsed.data);
}

/** `FOO=` in a shell or compose file means "not set", not "set to nothing". */
function emptyAsUnset(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
}
