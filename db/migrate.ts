import { loadConfig, type Config } from '../src/config.ts';
import { openDatabase } from '../src/service.ts';
import { describeStartError } from '../src/startup-error.ts';
import { migrateToLatest } from '../src/store/database.ts';

/** `npm run migrate`: brings the schema up to date and says what it applied. */
async function migrate(config: Config): Promise<void> {
  const { db, lock } = openDatabase(config);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length === 0) {
      console.log('Nothing to apply: the schema is up to date.');
    } else {
      console.log(`Applied ${applied.length} migration${applied.length === 1 ? '' : 's'}:`);
      for (const name of applied) console.log(`  ${name}`);
    }
  } finally {
    await db.destroy();
    lock?.release();
  }
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
try {
  await migrate(config);
} catch (error) {
  process.stderr.write(`${describeStartError(error, config)}\n`);
  process.exit(1);
}
