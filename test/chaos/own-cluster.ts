import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../bench/server-process.ts';

const run = promisify(execFile);

/** The newest installed Postgres's programs (Debian keeps them per version). */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions[0]) throw new Error('No Postgres server programs under /usr/lib/postgresql');
  return path.join(root, versions[0], 'bin');
}

/**
 * A Postgres cluster this test owns: its own data folder and port, never the machine's
 * shared server, so stopping it under load harms nobody else. Postgres refuses to run as
 * root, so as root it runs as the `postgres` user.
 */
export class OwnCluster {
  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  static async create(): Promise<OwnCluster> {
    const dir = mkdtempSync(path.join(tmpdir(), 'tiershift-pg-'));
    if (process.getuid?.() === 0) chownSync(dir, postgresUid(), postgresGid());
    const cluster = new OwnCluster(dir, await freePort(), binDir());
    await cluster.#as('initdb', [
      '-D',
      path.join(dir, 'data'),
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
    ]);
    await cluster.start();
    return cluster;
  }

  async start(): Promise<void> {
    await this.#as('pg_ctl', [
      '-D',
      path.join(this.dir, 'data'),
      '-l',
      path.join(this.dir, 'log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-w',
      'start',
    ]);
  }

  /** Stops at once: connections are cut as a crash or a failover would cut them. */
  async stop(): Promise<void> {
    await this.#as('pg_ctl', ['-D', path.join(this.dir, 'data'), '-m', 'immediate', '-w', 'stop']);
  }

  async destroy(): Promise<void> {
    await this.stop().catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #as(program: string, args: string[]): Promise<void> {
    const file = path.join(this.bin, program);
    if (process.getuid?.() === 0) await run('runuser', ['-u', 'postgres', '--', file, ...args]);
    else await run(file, args);
  }
}

function postgresUid(): number {
  return idOf('-u');
}

function postgresGid(): number {
  return idOf('-g');
}

function idOf(flag: '-u' | '-g'): number {
  return Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
}
