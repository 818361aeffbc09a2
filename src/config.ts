import { BlockList, isIP } from 'node:net';
import { z } from 'zod';
import { partnerCenterDefaults } from './partner-center/defaults.ts';
import { keyFormatHelp, parseKey } from './secrets/key.ts';

/** Shared with apps built without a full configuration, such as tests'. */
export const defaultRateLimitPerIpPerMin = 6000;

/**
 * Express's `trust proxy`: `false` (the peer is the client), a number of proxy hops, or the
 * addresses and subnets of trusted proxies. `true` (trust every hop) is accepted but lets any
 * client choose its address, and so its rate limit.
 */
export type TrustProxy = boolean | number | string[];

const proxyNames = ['loopback', 'linklocal', 'uniquelocal'];

function parseTrustProxy(value: string, ctx: z.RefinementCtx): TrustProxy {
  const text = value.trim().toLowerCase();
  if (text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d{1,3}$/.test(text)) return Number(text);
  const entries = value.split(',').map((e) => e.trim());
  const bad = entries.filter((e) => !proxyNames.includes(e) && !isAddressOrSubnet(e));
  if (bad.length === 0 && entries.length > 0) return entries;
  ctx.addIssue({
    code: 'custom',
    message: `expected false, true, a number of hops, or a comma-separated list of addresses, subnets (10.0.0.0/8) or loopback, linklocal, uniquelocal; not understood: ${bad.join(', ')}`,
  });
  return z.NEVER;
}

function isAddressOrSubnet(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * A whole number written in digits. `z.coerce.number()` reads a blank value as 0 (PORT=" "
 * would listen on a random port, SHUTDOWN_GRACE_MS=" " cut every request at once) and takes
 * 0x10 or 1e3 as numbers.
 */
function wholeNumber(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, 'expected a whole number, in digits')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

/** Node's timers take at most 2^31 - 1 ms, and run anything longer after 1 ms. */
const maxTimerMs = 2 ** 31 - 1;
const milliseconds = (min = 1) => wholeNumber(min, maxTimerMs);
const port = () => wholeNumber(0, 65535);
const positive = () => wholeNumber(1, Number.MAX_SAFE_INTEGER);

const secretsKey = () =>
  z.string().refine((value) => parseKey(value) !== undefined, { message: keyFormatHelp });

const configSchema = z.object({
  PORT: port().default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  ADMIN_TOKEN: z.string().min(16, 'ADMIN_TOKEN must be at least 16 characters').optional(),
  /** Requests per minute per principal, counted after authentication. */
  RATE_LIMIT_PER_MIN: positive().default(6000),
  /** Requests per minute per client address (an IPv6 /56), counted before authentication. */
  RATE_LIMIT_PER_IP_PER_MIN: positive().default(defaultRateLimitPerIpPerMin),
  /** Which proxies in front may name the client in X-Forwarded-For (express `trust proxy`). */
  TRUST_PROXY: z.string().default('false').transform(parseTrustProxy),
  BODY_LIMIT_BYTES: positive().default(1024 * 1024),
  LOG_LEVEL: z.enum(logLevels).default('info'),
  TIMER_INTERVAL_MS: milliseconds().default(5000),
  /** Failed attempts after which a timer is given up until an admin retries it. */
  TIMER_MAX_ATTEMPTS: wholeNumber(1, 100).default(8),
  /** Wait after a timer's first failure; it doubles with each further one (with jitter). */
  TIMER_RETRY_BASE_MS: milliseconds().default(5000),
  /** The longest wait between two attempts of a failing timer. */
  TIMER_RETRY_MAX_MS: milliseconds().default(60 * 60 * 1000),
  /** A second listener serving only /metrics, without a token; off when unset. */
  METRICS_PORT: port().optional(),
  /** Where traces go (OTLP over HTTP, e.g. http://collector:4318); tracing is off when unset. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  /** The service name traces carry. */
  OTEL_SERVICE_NAME: z.string().min(1).default('tiershift'),
  /** How long a client may take to send a whole request; then 408 and the connection closes. */
  REQUEST_TIMEOUT_MS: milliseconds().default(30_000),
  /** How long one database statement may run (lock waits included); then it is cancelled. */
  STATEMENT_TIMEOUT_MS: milliseconds().default(10_000),
  /** Connections each instance may hold on Postgres; two at least (migrations take turns on one). */
  DATABASE_POOL_MAX: wholeNumber(2, 1000).default(10),
  /** How long a stopping server lets requests in flight finish before it closes them. */
  SHUTDOWN_GRACE_MS: milliseconds(0).default(25_000),
  /** Lets webhooks go to http and loopback targets: for local use and tests, never production. */
  WEBHOOK_ALLOW_INSECURE: z
    .enum(['true', 'false'], { message: 'expected true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  /** How long one webhook call may take, connecting and answering included. */
  WEBHOOK_TIMEOUT_MS: milliseconds().default(10_000),
  /** How long a message is tried before it is given up as failed. */
  WEBHOOK_RETRY_FOR_MS: milliseconds().default(24 * 60 * 60 * 1000),
  /** Wait after a message's first failed attempt; it doubles with each further one (with jitter). */
  WEBHOOK_RETRY_BASE_MS: milliseconds().default(10_000),
  /** The longest wait between two attempts at a message. */
  WEBHOOK_RETRY_MAX_MS: milliseconds().default(60 * 60 * 1000),
  /** Messages given up in a row after which a subscription is disabled. */
  WEBHOOK_DISABLE_AFTER: wholeNumber(1, 10_000).default(10),
  /** How often the outbox is polled when it had nothing due. */
  OUTBOX_INTERVAL_MS: milliseconds().default(1000),
  /** Outbox messages each instance carries out at once. */
  OUTBOX_CONCURRENCY: wholeNumber(1, 256).default(8),
  /**
   * Where Partner Center's webhook certificates may be fetched from: comma-separated address
   * prefixes. A webhook naming a certificate anywhere else is refused.
   */
  PARTNER_CENTER_WEBHOOK_CERT_URLS: z
    .string()
    .default('https://api.partnercenter.microsoft.com/')
    .transform((value, ctx) => {
      const prefixes = value
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      for (const prefix of prefixes) {
        if (!URL.canParse(prefix) || !/^https?:$/.test(new URL(prefix).protocol)) {
          ctx.addIssue({ code: 'custom', message: `not an http(s) address: ${prefix}` });
          return z.NEVER;
        }
      }
      return prefixes;
    }),
  /** How often connected transitions are read back from Partner Center, for what a lost webhook missed. */
  PARTNER_CENTER_POLL_MS: milliseconds().default(5 * 60 * 1000),
  /**
   * The key stored secrets are sealed with (AES-256-GCM). Required with DATABASE_URL; the
   * embedded database generates one into DATA_DIR when it is unset.
   */
  SECRETS_KEY: secretsKey().optional(),
  /** The key before SECRETS_KEY: values sealed under it are read, and sealed again at start. */
  SECRETS_KEY_PREVIOUS: secretsKey().optional(),
  /** Partner Center's REST API; the simulator's address for trials and tests. */
  PARTNER_CENTER_URL: z.url({ protocol: /^https?$/ }).default(partnerCenterDefaults.baseUrl),
  /** Microsoft Graph, where GDAP relationships are requested. */
  PARTNER_CENTER_GRAPH_URL: z.url({ protocol: /^https?$/ }).default(partnerCenterDefaults.graphUrl),
  /** Entra's sign-in authority, where refresh tokens are exchanged for access tokens. */
  PARTNER_CENTER_AUTHORITY: z
    .url({ protocol: /^https?$/ })
    .default(partnerCenterDefaults.authority),
  /** How long one call to Partner Center may take, connecting and reading the answer included. */
  PARTNER_CENTER_TIMEOUT_MS: milliseconds().default(partnerCenterDefaults.timeoutMs),
  /** Attempts per call (the first included) when Partner Center throttles or fails for a while. */
  PARTNER_CENTER_MAX_ATTEMPTS: wholeNumber(1, 20).default(partnerCenterDefaults.maxAttempts),
  /** Base URL of consent links; required unless HOST is a loopback address. */
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export type Config = Readonly<
  Omit<z.infer<typeof configSchema>, 'PUBLIC_URL'> & { PUBLIC_URL: string }
>;

/** Parses the environment once; an invalid setting is reported by name and stops the start. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(emptyAsUnset(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return Object.freeze({ ...parsed.data, PUBLIC_URL: publicUrl(parsed.data) });
}

/**
 * Where customers reach the server: consent links are built from it and never from a
 * request's Host header, which any caller chooses. Only a server listening on loopback can
 * name its own address; any other must be told.
 */
function publicUrl(config: z.infer<typeof configSchema>): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL;
  if (!isLoopback(config.HOST)) {
    throw missingPublicUrl(`HOST (${config.HOST}) is not a loopback address`);
  }
  // Port 0 is chosen by the system at start: a link built from it would lead nowhere.
  if (config.PORT === 0) throw missingPublicUrl('PORT is 0');
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return `http://${host}:${config.PORT}`;
}

function missingPublicUrl(why: string): Error {
  return new Error(
    `Invalid configuration:\n  PUBLIC_URL: required when ${why}; set it to the address customers reach, e.g. https://tiershift.example.com`,
  );
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
// IPv4-mapped addresses (::ffff:127.0.0.1) are matched by the IPv4 subnet too.
loopback.addAddress('::1', 'ipv6');

function isLoopback(host: string): boolean {
  const version = isIP(host);
  if (version === 0) return host === 'localhost';
  return loopback.check(host, version === 6 ? 'ipv6' : 'ipv4');
}

/** `FOO=` in a shell or compose file means "not set", not "set to nothing". */
function emptyAsUnset(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ''),
  );
}
