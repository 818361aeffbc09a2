import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

export interface ConsoleAssets {
  /** The UI and the typed client it calls the API with, bundled into one ES module. */
  script: string;
  style: string;
}

/**
 * Where the UI's TypeScript sources are. Run from `src/` (tsx, the tests) they sit beside this
 * file; the compiled server runs from `dist/src/console/`, and tsc does not compile browser
 * code, so it reads them from the project's `src/` (the image copies them there too).
 */
export function uiDirectory(): string {
  const beside = path.join(import.meta.dirname, 'ui');
  if (existsSync(path.join(beside, 'main.ts'))) return beside;
  return path.resolve(import.meta.dirname, '../../../src/console/ui');
}

async function bundle(dir: string): Promise<ConsoleAssets> {
  const [result, style] = await Promise.all([
    build({
      entryPoints: [path.join(dir, 'main.ts')],
      tsconfig: path.join(dir, 'tsconfig.json'),
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    }),
    readFile(path.join(dir, 'console.css'), 'utf8'),
  ]);
  const [output] = result.outputFiles;
  if (!output) throw new Error('esbuild produced no output for the console');
  return { script: output.text, style };
}

let assets: Promise<ConsoleAssets> | undefined;

/**
 * The console's script and stylesheet, built in memory the first time they are asked for and
 * kept for the life of the process: the sources do not change while it runs, and nothing is
 * written to disk, so `npm start` needs no build step of its own for them.
 */
export function consoleAssets(): Promise<ConsoleAssets> {
  assets ??= bundle(uiDirectory());
  return assets;
}
