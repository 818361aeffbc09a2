import { readFileSync, renameSync, linkSync, unlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';

/** Who holds a data folder: enough for an operator to find the process and stop it. */
export interface LockHolder {
  pid: number;
  hostname: string;
  /** The process's start time as the kernel counts it, so a reused pid is not mistaken for it. */
  processStart: string | null;
  /**
   * The kernel's id of the boot it ran in. After a restart pids and start times begin again,
   * and a container's server often gets the same small pid, at the same tick, as before.
   */
  bootId: string | null;
  command: string;
  startedAt: string;
}

/** A second process on the same embedded database: both would write, and one would lose. */
export class DataDirInUse extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: LockHolder,
  ) {
    super(
      `DATA_DIR ${dataDir} is in use by process ${holder.pid} on ${holder.hostname} ` +
        `(${holder.command}, since ${holder.startedAt}); stop that process or set DATA_DIR to another folder`,
    );
    this.name = 'DataDirInUse';
  }
}

export interface DataDirLock {
  readonly path: string;
  release(): void;
}

const lockName = 'tiershift.lock';

/**
 * Takes the embedded database's folder for this process alone. PGlite keeps no lock of its
 * own, so two servers on one folder both accept writes and one's are lost at the next start.
 * The lock file is created whole by a hard link, so a reader never sees it half written; one
 * left by a process that has died is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const folder = path.resolve(dataDir);
  mkdirSync(folder, { recursive: true });
  const lockPath = path.join(folder, lockName);
  const me = currentHolder();
  const draft = path.join(folder, `${lockName}.${process.pid}.draft`);
  writeFileSync(draft, JSON.stringify(me));
  try {
    for (let attempt = 0; attempt < 3; attempt += 1) {
      if (tryLink(draft, lockPath)) return heldLock(lockPath, me);
      const holder = readHolder(lockPath);
      if (holder && isAlive(holder)) throw new DataDirInUse(dataDir, holder);
      takeOverStale(lockPath, holder);
    }
    const holder = readHolder(lockPath);
    throw new DataDirInUse(dataDir, holder ?? me);
  } finally {
    unlinkQuietly(draft);
  }
}

function heldLock(lockPath: string, me: LockHolder): DataDirLock {
  let released = false;
  return {
    path: lockPath,
    release() {
      if (released) return;
      released = true;
      // Only our own lock is removed: one taken over after we were thought dead stays.
      const holder = readHolder(lockPath);
      if (holder?.pid === me.pid && holder.processStart === me.processStart) {
        unlinkQuietly(lockPath);
      }
    },
  };
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Moves a dead holder's lock aside. The move is atomic, so of two processes taking over at
 * once only one moves the stale file; the other finds the winner's live lock next time round.
 * Should the file moved turn out to be a live holder's (it replaced the stale one in
 * between), it is put back.
 */
function takeOverStale(lockPath: string, seen: LockHolder | undefined): void {
  const aside = `${lockPath}.${process.pid}.stale`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if (codeOf(error) === 'ENOENT') return;
    throw error;
  }
  const moved = readHolder(aside);
  if (moved && seen && moved.pid !== seen.pid && isAlive(moved)) tryLink(aside, lockPath);
  unlinkQuietly(aside);
}

function currentHolder(): LockHolder {
  return {
    pid: process.pid,
    hostname: hostname(),
    processStart: processStartOf(process.pid),
    bootId: currentBootId(),
    command: process.argv
      .slice(1)
      .map((a) => path.relative(process.cwd(), a) || a)
      .join(' ')
      .slice(0, 200),
    startedAt: new Date().toISOString(),
  };
}

function readHolder(lockPath: string): LockHolder | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(lockPath, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const h = parsed as Partial<LockHolder>;
    if (typeof h.pid !== 'number' || typeof h.hostname !== 'string') return undefined;
    return {
      pid: h.pid,
      hostname: h.hostname,
      processStart: typeof h.processStart === 'string' ? h.processStart : null,
      bootId: typeof h.bootId === 'string' ? h.bootId : null,
      command: typeof h.command === 'string' ? h.command : 'unknown command',
      startedAt: typeof h.startedAt === 'string' ? h.startedAt : 'unknown time',
    };
  } catch {
    // Unreadable or gone: treated as no holder, so it is taken over.
    return undefined;
  }
}

/**
 * A holder on another host cannot be checked from here and is taken as alive: a folder shared
 * between hosts is refused rather than risked.
 */
function isAlive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true;
  const boot = currentBootId();
  if (boot !== null && holder.bootId !== null && boot !== holder.bootId) return false;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if (codeOf(error) === 'ESRCH') return false;
  }
  const start = processStartOf(holder.pid);
  return start === null || holder.processStart === null || start === holder.processStart;
}

/** Field 22 of /proc/<pid>/stat, the start time in clock ticks; null where there is no /proc. */
function processStartOf(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count from its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** The kernel's id of this boot; null where there is no /proc. */
function currentBootId(): string | null {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
  } catch {
    return null;
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone.
  }
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null
    ? (error as { code?: unknown }).code
    : undefined;
}
