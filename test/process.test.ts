import { execFile } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { Api } from '../bench/api.ts';
import { createPartnerTeam } from '../bench/scenario.ts';
import { freePort, ServerProcess } from '../bench/server-process.ts';
import supertest from 'supertest';
import { createApp } from '../src/app.ts';
import { Lifecycle } from '../src/lifecycle.ts';
import { createLogger } from '../src/logger.ts';
import { buildCustomer } from './factories.ts';
import { startHarness } from './harness.ts';
import { testSecrets } from './secrets.ts';

/**
 * The server as operators run it: the compiled build in a process of its own, stopped by
 * signals, started beside another, or started wrong. On the run's Postgres when the suite has
 * one, otherwise on an embedded database in a folder of the test's own.
 */
const databaseUrl = inject('databaseUrl');
const adminToken = `process-admin-${crypto.randomUUID()}`;
const folders: string[] = [];
const servers: ServerProcess[] = [];

function freshFolder(): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'tiershift-process-'));
  folders.push(folder);
  return folder;
}

async function start(
  options: Partial<Parameters<typeof ServerProcess.start>[0]> = {},
): Promise<ServerProcess> {
  const server = await ServerProcess.start({
    databaseUrl: databaseUrl ?? undefined,
    dataDir: freshFolder(),
    adminToken,
    run: 'build',
    ...options,
    // The run's key: on Postgres the database holds other files' sealed secrets.
    env: { SECRETS_KEY: inject('secretsKey'), ...options.env },
  });
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.kill('SIGKILL')));
});
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** Runs the compiled entry point to its end, with the environment the test gives. */
async function runToEnd(
  script: string,
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [script], {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

describe('graceful shutdown', () => {
  it('when SIGTERM arrives during a large import, then the client still gets its 201, the customers are stored and the process exits 0', async () => {
    const dataDir = freshFolder();
    const server = await start({
      dataDir,
      env: { LOG_LEVEL: 'info', BODY_LIMIT_BYTES: String(16 * 1024 * 1024) },
    });
    const api = new Api(server.base);
    const team = await createPartnerTeam(api, adminToken);
    const body = Buffer.from(JSON.stringify(Array.from({ length: 10_000 }, () => buildCustomer())));

    // Half the body is sent, then the signal, then the rest: the request is in flight for
    // certain when the stop begins, and the import itself runs during the stop.
    const answer = sendInTwoParts(
      server.port,
      `/v1/partners/${team.id}/customers`,
      team.manager,
      body,
      async () => {
        server.child.kill('SIGTERM');
        await waitFor(() => server.output.includes('"msg":"shutting down"'));
      },
    );
    const response = await answer;
    expect(response.status).toBe(201);
    expect((JSON.parse(response.text) as { items: unknown[] }).items).toHaveLength(10_000);
    expect(await server.exited()).toBe(0);
    api.close();

    const again = await start({ dataDir });
    const check = new Api(again.base);
    let stored = 0;
    let cursor: string | null = null;
    do {
      const page: { items: unknown[]; nextCursor: string | null } = await check.call(
        team.manager,
        'GET',
        `/v1/partners/${team.id}/customers?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      stored += page.items.length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(stored).toBe(10_000);
    check.close();
  });

  it('when a stop has begun, then the readiness probe answers 503 and each answer closes its connection', async () => {
    const harness = await startHarness();
    try {
      const lifecycle = new Lifecycle();
      const app = createApp({
        db: harness.db,
        engine: harness.engine,
        logger: createLogger('silent'),
        secrets: testSecrets(),
        config: { BODY_LIMIT_BYTES: 1024, RATE_LIMIT_PER_MIN: 1000, PUBLIC_URL: 'http://x.test' },
        lifecycle,
      });
      expect((await supertest(app).get('/readyz')).status).toBe(200);
      lifecycle.drain();
      const after = await supertest(app).get('/readyz');
      expect(after.status).toBe(503);
      expect(after.body).toEqual({ ready: false, database: 'not checked', draining: true });
      expect(after.headers.connection).toBe('close');
      const other = await supertest(app).get('/healthz');
      expect(other.status).toBe(200);
      expect(other.headers.connection).toBe('close');
    } finally {
      await harness.close();
    }
  });

  it('when SIGTERM is sent to the `npm start` process, then it reaches the server, which stops cleanly', async () => {
    const dataDir = freshFolder();
    const server = await start({ run: 'npm-start', dataDir, env: { LOG_LEVEL: 'info' } });
    server.child.kill('SIGTERM');
    expect(await server.exited()).toBe(0);
    expect(server.output).toContain('"msg":"stopped"');
    const answer = await fetch(`${server.base}/healthz`).catch(() => 'refused');
    expect(answer).toBe('refused');
    // The embedded database's lock went with the server.
    if (!databaseUrl) expect(existsSync(path.join(dataDir, 'tiershift.lock'))).toBe(false);
  });
});

describe('one embedded database, one process', () => {
  it('when a second server or `npm run migrate` opens a DATA_DIR in use, then it exits 1 naming DATA_DIR and the process holding it', async () => {
    const dataDir = freshFolder();
    const first = await start({ databaseUrl: undefined, dataDir });
    const port = await freePort();
    const second = await runToEnd('dist/src/server.js', { DATA_DIR: dataDir, PORT: String(port) });
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain(`DATA_DIR ${dataDir} is in use by process ${first.pid}`);
    expect(await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => 'refused')).toBe('refused');

    const migrate = await runToEnd('dist/db/migrate.js', { DATA_DIR: dataDir });
    expect(migrate.code).toBe(1);
    expect(migrate.stderr).toContain(`DATA_DIR ${dataDir} is in use by process ${first.pid}`);
  });

  it('when the process holding a DATA_DIR died without stopping, then the next one takes its lock over', async () => {
    const dataDir = freshFolder();
    const first = await start({ databaseUrl: undefined, dataDir });
    await first.kill('SIGKILL');
    expect(existsSync(path.join(dataDir, 'tiershift.lock'))).toBe(true);
    const second = await start({ databaseUrl: undefined, dataDir });
    expect((await fetch(`${second.base}/readyz`)).status).toBe(200);
  });
});

describe('start-up errors name what to fix', () => {
  it('when PORT is taken, then one line names PORT, without a stack', async () => {
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const run = await runToEnd('dist/src/server.js', {
        DATA_DIR: freshFolder(),
        PORT: String(port),
      });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toBe(
        `PORT ${port} is already in use on 127.0.0.1; stop what holds it or set PORT to a free port`,
      );
    } finally {
      blocker.close();
    }
  });

  it('when DATABASE_URL refuses connections or names no database, then one line names DATABASE_URL', async () => {
    const closedPort = await freePort();
    const refused = await runToEnd('dist/src/server.js', {
      DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${closedPort}/tiershift`,
      SECRETS_KEY: inject('secretsKey'),
      PORT: String(await freePort()),
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toBe(
      `DATABASE_URL: connection refused by postgres://postgres@127.0.0.1:${closedPort}/tiershift; is Postgres running there?`,
    );
    expect(refused.stderr).not.toContain('secret');

    if (databaseUrl) {
      const missing = new URL(databaseUrl);
      missing.pathname = '/tiershift_no_such_database';
      const run = await runToEnd('dist/src/server.js', {
        DATABASE_URL: missing.toString(),
        SECRETS_KEY: inject('secretsKey'),
        PORT: String(await freePort()),
      });
      expect(run.code).toBe(1);
      expect(run.stderr.trim()).toMatch(
        /^DATABASE_URL: database "tiershift_no_such_database" does not exist on postgres:\/\/\S+; create it or name another$/,
      );
    }
  });

  it('when DATABASE_URL is set without SECRETS_KEY, or SECRETS_KEY is no key, then the start stops naming SECRETS_KEY', async () => {
    const missing = await runToEnd('dist/src/server.js', {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/tiershift',
      SECRETS_KEY: '',
      PORT: String(await freePort()),
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toMatch(
      /^SECRETS_KEY is required with DATABASE_URL: .*openssl rand -base64 32/,
    );

    const short = await runToEnd('dist/src/server.js', {
      SECRETS_KEY: 'correct horse battery staple',
      PORT: String(await freePort()),
    });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain('SECRETS_KEY: expected 32 random bytes');
    expect(short.stderr).not.toContain('correct horse');
  });

  it('when DATA_DIR cannot be a folder, then one line names DATA_DIR', async () => {
    const file = path.join(freshFolder(), 'a-file');
    writeFileSync(file, 'not a folder');
    const run = await runToEnd('dist/src/server.js', {
      DATA_DIR: path.join(file, 'data'),
      PORT: String(await freePort()),
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^DATA_DIR \S+ cannot be used: .*ENOTDIR/);
  });
});

describe('npm run migrate', () => {
  it('when run on a new database and again, then it lists the migrations it applied, then says there was nothing to apply', async () => {
    const dataDir = freshFolder();
    const first = await runToEnd('dist/db/migrate.js', { DATA_DIR: dataDir });
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Applied \d+ migrations:$/);
    expect(lines.slice(1).every((l) => /^ {2}\d{14}_[a-z_]+$/.test(l))).toBe(true);
    expect(lines).toContain('  20261122190000_initial_schema');

    const second = await runToEnd('dist/db/migrate.js', { DATA_DIR: dataDir });
    expect(second.code).toBe(0);
    expect(second.stdout.trim()).toBe('Nothing to apply: the schema is up to date.');
  });
});

/** A POST whose body is sent in two halves, with `between` run after the first. */
function sendInTwoParts(
  port: number,
  path: string,
  token: string,
  body: Buffer,
  between: () => Promise<void>,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          'Content-Type': 'application/json',
          'Content-Length': body.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    const half = Math.floor(body.length / 2);
    req.write(body.subarray(0, half));
    setTimeout(() => {
      between().then(() => req.end(body.subarray(half)), reject);
    }, 100);
  });
}

async function waitFor(done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('waited in vain');
    await new Promise((r) => setTimeout(r, 20));
  }
}
