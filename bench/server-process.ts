import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { generateKey } from '../src/secrets/key.ts';

const runSecretsKey = generateKey();

export interface ServerProcessOptions {
  /** A Postgres URL; without it the server uses the embedded database in `dataDir`. */
  databaseUrl?: string | undefined;
  dataDir?: string;
  adminToken: string;
  /**
   * What runs: the TypeScript sources through tsx (the default, for the tests and the
   * benchmark), the compiled build, or `npm start` as an operator types it.
   */
  run?: 'source' | 'build' | 'npm-start';
  /** Return once the process is spawned, without waiting for `/readyz`. */
  noWait?: boolean;
  /** Settings on top of the defaults below (quiet logs, no rate limit to speak of). */
  env?: Record<string, string>;
  /** Reuse a port, as a restarted server would. */
  port?: number;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** The real server, `src/server.ts`, in a process of its own: what the benchmark and the chaos tests drive. */
export class ServerProcess {
  #output = '';
  readonly #exited: Promise<number | null>;

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
  ) {
    const keep = (chunk: Buffer) => {
      this.#output = (this.#output + chunk.toString('utf8')).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  get base(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error('The server process did not start');
    return this.child.pid;
  }

  /** The end of what the server wrote (its log and errors), for a failure message. */
  get output(): string {
    return this.#output;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** The exit code once the process is gone (null when a signal ended it). */
  exited(): Promise<number | null> {
    return this.#exited;
  }

  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    const port = options.port ?? (await freePort());
    const [command, args] = {
      source: [process.execPath, ['--import', 'tsx', 'src/server.ts']] as const,
      build: [process.execPath, ['dist/src/server.js']] as const,
      'npm-start': ['npm', ['start', '--silent']] as const,
    }[options.run ?? 'source'];
    const child = spawn(command, args, {
      env: {
        ...process.env,
        // Empty means unset: without a URL the embedded database is used.
        DATABASE_URL: options.databaseUrl ?? '',
        DATA_DIR: options.dataDir ?? './data',
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_TOKEN: options.adminToken,
        LOG_LEVEL: 'warn',
        RATE_LIMIT_PER_MIN: '100000000',
        RATE_LIMIT_PER_IP_PER_MIN: '100000000',
        TIMER_INTERVAL_MS: '600000',
        // One key for every server this process starts: on one Postgres they read each
        // other's sealed secrets.
        SECRETS_KEY: process.env.SECRETS_KEY || runSecretsKey,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child, port);
    if (!options.noWait) await server.waitReady();
    return server;
  }

  /** Waits until `/readyz` says yes; fails with the server's own words if it never does. */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      if (!this.running) throw new Error(`The server exited while starting:\n${this.#output}`);
      const ready = await fetch(`${this.base}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    this.child.kill('SIGKILL');
    throw new Error(`The server did not become ready:\n${this.#output}`);
  }

  /** Sends `signal` and waits for the process to be gone. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.running) this.child.kill(signal);
    await this.#exited;
  }
}
