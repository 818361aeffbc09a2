// Compiles the service to dist/ when the build is missing or older than its sources, so that
// `npm start` on a fresh clone builds once and then runs plain Node. `--force` always builds.
// Written in JavaScript: it must run before there is anything compiled to run.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const stampFile = path.join(root, 'dist', '.sources.sha256');
const inputs = [
  'src',
  'machines',
  'db',
  'tsconfig.json',
  'tsconfig.build.json',
  'package-lock.json',
];

/** Every input file under `entry`, in a stable order. */
function filesOf(entry) {
  const full = path.join(root, entry);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [entry];
  return readdirSync(full, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => filesOf(path.join(entry, d.name)));
}

/** A digest of the sources' names and contents: a changed, added or removed file changes it. */
function sourcesDigest() {
  const hash = createHash('sha256');
  for (const file of inputs.flatMap(filesOf)) {
    hash
      .update(`${file}\0`)
      .update(readFileSync(path.join(root, file)))
      .update('\0');
  }
  return hash.digest('hex');
}

const digest = sourcesDigest();
const force = process.argv.includes('--force');
if (!force && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest) process.exit(0);

process.stdout.write('Building dist/ from the TypeScript sources…\n');
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});
if (result.status !== 0) {
  process.stderr.write('The build failed; see the errors above.\n');
  process.exit(result.status ?? 1);
}
writeFileSync(stampFile, digest);
