import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { seedAccount, seedCustomer, seedFileSchema } from './control.ts';
import { describeIssues } from './failures.ts';
import { createSimulator } from './simulator.ts';

/**
 * `npm run simulator`: the Partner Center simulator as a process of its own, configured from
 * the environment. It is not Partner Center; it answers as Partner Center does.
 */
const wholeNumber = (fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a whole number, in digits')
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1),
    )
    .default(fallback);

const envSchema = z.object({
  SIMULATOR_PORT: wholeNumber(4010).pipe(z.number().max(65535)),
  SIMULATOR_HOST: z.string().trim().min(1).default('127.0.0.1'),
  SIMULATOR_PUBLIC_URL: z.url().optional(),
  SIMULATOR_TRANSFER_DELAY_MS: wholeNumber(5000),
  SIMULATOR_MIGRATION_DELAY_MS: wholeNumber(5000),
  SIMULATOR_GDAP_ACTIVATION_MS: wholeNumber(2000),
  /** Partner Center's time sped up: throttling windows and delays divided by it. */
  SIMULATOR_TIME_SCALE: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'expected a positive number, such as 10')
    .transform(Number)
    .pipe(z.number().positive().max(100_000))
    .default(1),
  SIMULATOR_ALLOW_INSECURE_WEBHOOKS: z.enum(['true', 'false']).default('false'),
  /** A JSON file of `{accounts, customers}` seeded at start, as the control API takes them. */
  SIMULATOR_SEED_FILE: z.string().trim().min(1).optional(),
});

function fatal(message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}

const parsed = envSchema.safeParse(process.env);
if (!parsed.success) fatal(`Partner Center simulator: ${describeIssues(parsed.error)}`);
const env = parsed.data;

const simulator = createSimulator({
  publicUrl: env.SIMULATOR_PUBLIC_URL,
  transferCompletionDelayMs: env.SIMULATOR_TRANSFER_DELAY_MS,
  migrationDelayMs: env.SIMULATOR_MIGRATION_DELAY_MS,
  gdapActivationDelayMs: env.SIMULATOR_GDAP_ACTIVATION_MS,
  allowInsecureWebhooks: env.SIMULATOR_ALLOW_INSECURE_WEBHOOKS === 'true',
  timeScale: env.SIMULATOR_TIME_SCALE,
});

if (env.SIMULATOR_SEED_FILE) {
  let seed;
  try {
    seed = seedFileSchema.safeParse(JSON.parse(readFileSync(env.SIMULATOR_SEED_FILE, 'utf8')));
  } catch (error) {
    fatal(
      `SIMULATOR_SEED_FILE ${env.SIMULATOR_SEED_FILE}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!seed.success)
    fatal(`SIMULATOR_SEED_FILE ${env.SIMULATOR_SEED_FILE}: ${describeIssues(seed.error)}`);
  for (const account of seed.data.accounts) seedAccount(simulator.core, account);
  for (const customer of seed.data.customers) seedCustomer(simulator.core, customer);
}

let running;
try {
  running = await simulator.listen(env.SIMULATOR_PORT, env.SIMULATOR_HOST);
} catch (error) {
  const code = (error as NodeJS.ErrnoException).code;
  fatal(
    code === 'EADDRINUSE'
      ? `SIMULATOR_PORT ${env.SIMULATOR_PORT} is already in use on ${env.SIMULATOR_HOST}; stop what holds it or choose another port`
      : `Partner Center simulator could not listen: ${error instanceof Error ? error.message : String(error)}`,
  );
}
const { url, close } = running;
process.stdout.write(
  `Partner Center simulator (not Partner Center) listening on ${url}\n` +
    `  Partner Center: ${url}/v1   Graph: ${url}/graph/v1.0   Entra: ${url}/{tenant}/oauth2/v2.0/token\n` +
    `  control API: ${url}/_sim\n` +
    (env.SIMULATOR_TIME_SCALE === 1
      ? ''
      : `  time runs ${env.SIMULATOR_TIME_SCALE} times as fast as Partner Center's\n`),
);

const stop = () => {
  close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
