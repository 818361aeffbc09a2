/**
 * `npm run bench:startup`: how long the server takes from spawn to a ready `/readyz`, and how
 * much memory it holds once ready, run as production runs it (the compiled build under plain
 * Node) and as development runs it (the sources through tsx). On a real Postgres, in a
 * migrated database of its own, so that only the start is measured.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import knexFactory from 'knex';
import { createDatabase, migrateToLatest } from '../src/store/database.ts';
import { ServerProcess } from './server-process.ts';
import { percentile } from './stats.ts';

const runs = 5;

function residentMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024);
}

async function measure(databaseUrl: string, run: 'build' | 'source') {
  const seconds: number[] = [];
  const memory: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    const server = await ServerProcess.start({ databaseUrl, adminToken: '', run });
    seconds.push((performance.now() - started) / 1000);
    memory.push(residentMiB(server.pid));
    await server.kill('SIGTERM');
  }
  seconds.sort((a, b) => a - b);
  memory.sort((a, b) => a - b);
  return { startSeconds: percentile(seconds, 50), residentMiB: percentile(memory, 50) };
}

async function main(): Promise<void> {
  execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'inherit' });
  const baseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `tiershift_bench_start_${Date.now()}`;
  const admin = knexFactory({ client: 'pg', connection: baseUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`CREATE DATABASE ${name}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  try {
    const db = createDatabase({ databaseUrl: url.toString() });
    await migrateToLatest(db);
    await db.destroy();
    const build = await measure(url.toString(), 'build');
    const source = await measure(url.toString(), 'source');
    process.stdout.write(
      [
        `Start to ready on Postgres, median of ${runs}:`,
        `  compiled build (npm start):  ${build.startSeconds.toFixed(2)} s, ${build.residentMiB} MiB resident`,
        `  sources through tsx (dev):   ${source.startSeconds.toFixed(2)} s, ${source.residentMiB} MiB resident`,
        '',
      ].join('\n'),
    );
  } finally {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  }
}

await main();
