import { MigrationFailed, StoredVersionsUnsupported } from './engine/machine-migration.ts';
import { SecretsKeyMissing } from './secrets/load.ts';
import { StoredSecretsUnreadable } from './secrets/reseal.ts';
import { DataDirInUse } from './store/data-dir-lock.ts';

/** The settings a failed start can be blamed on. */
export interface StartSettings {
  HOST: string;
  PORT: number;
  DATABASE_URL?: string | undefined;
  DATA_DIR: string;
}

/**
 * One line that says which setting to fix, for the failures an operator meets at start: the
 * database unreachable or refusing, the port taken, the data folder not writable. Anything
 * else is reported by its message alone; the stack helps no one reading a start-up log.
 */
export function describeStartError(error: unknown, settings: StartSettings): string {
  // These name the workflows and what to do: they say all there is to say.
  if (
    error instanceof DataDirInUse ||
    error instanceof StoredVersionsUnsupported ||
    error instanceof MigrationFailed ||
    error instanceof SecretsKeyMissing ||
    error instanceof StoredSecretsUnreadable
  ) {
    return error.message;
  }
  const code = codeOf(error);
  const syscall = fieldOf(error, 'syscall');

  if (syscall === 'listen' || code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL') {
    const where = `${settings.HOST}:${settings.PORT}`;
    if (code === 'EADDRINUSE')
      return `PORT ${settings.PORT} is already in use on ${settings.HOST}; stop what holds it or set PORT to a free port`;
    if (code === 'EACCES')
      return `PORT ${settings.PORT} needs privileges this process lacks on ${settings.HOST}; set PORT to 1024 or above`;
    if (code === 'EADDRNOTAVAIL')
      return `HOST ${settings.HOST} is not an address of this machine; set HOST to one of its addresses or 0.0.0.0`;
    return `Cannot listen on ${where} (${code ?? 'error'}); check HOST and PORT`;
  }

  if (settings.DATABASE_URL) {
    const target = describeUrl(settings.DATABASE_URL);
    switch (code) {
      case 'ECONNREFUSED':
        return `DATABASE_URL: connection refused by ${target}; is Postgres running there?`;
      case 'ENOTFOUND':
      case 'EAI_AGAIN':
        return `DATABASE_URL: the host of ${target} could not be resolved`;
      case 'ETIMEDOUT':
      case 'EHOSTUNREACH':
      case 'ENETUNREACH':
        return `DATABASE_URL: ${target} cannot be reached (${code})`;
      case '28P01':
      case '28000':
        return `DATABASE_URL: ${target} refused the user or password (${messageOf(error)})`;
      case '3D000':
        return `DATABASE_URL: ${messageOf(error)} on ${target}; create it or name another`;
      case '42501':
        return `DATABASE_URL: the user lacks a privilege on ${target} (${messageOf(error)})`;
    }
    if (fieldOf(error, 'name') === 'KnexTimeoutError')
      return `DATABASE_URL: no connection to ${target} within 10 s; check the address and the network`;
  } else if (
    typeof code === 'string' &&
    ['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'ENOSPC', 'EEXIST'].includes(code)
  ) {
    return `DATA_DIR ${settings.DATA_DIR} cannot be used: ${messageOf(error)}; make it a folder this user can write`;
  }
  return `Tiershift could not start: ${messageOf(error)}`;
}

/** The address without its password, which must never reach a log. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const user = parsed.username ? `${decodeURIComponent(parsed.username)}@` : '';
    return `postgres://${user}${parsed.host}${parsed.pathname}`;
  } catch {
    return 'the database';
  }
}

/** A connection error's code, also when Node tried several addresses and gathered the errors. */
function codeOf(error: unknown): string | undefined {
  const code = fieldOf(error, 'code');
  if (typeof code === 'string' && code !== '') return code;
  const inner = fieldOf(error, 'errors');
  if (Array.isArray(inner) && inner.length > 0) return codeOf(inner[0]);
  return undefined;
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split('\n')[0] ?? '';
  return firstLine || 'unknown error';
}

function fieldOf(error: unknown, field: string): unknown {
  return typeof error === 'object' && error !== null
    ? (error as Record<string, unknown>)[field]
    : undefined;
}
