import { loadConfig, type Config } from '../src/config.ts';
import { findDefinition } from '../machines/registry.ts';
import { systemClock } from '../src/engine/clock.ts';
import { openDatabase, prepareDatabase } from '../src/service.ts';
import { loadSecrets } from '../src/secrets/load.ts';
import { describeStartError } from '../src/startup-error.ts';

/**
 * `npm run migrate`: brings the schema up to date, then every stored workflow to the version
 * of its machine this build runs, as a start would, and says what it did.
 */
async function migrate(config: Config): Promise<void> {
  const { db, lock } = openDatabase(config);
  try {
    const { migrations, workflows, resealed } = await prepareDatabase(db, {
      clock: systemClock,
      secrets: loadSecrets(config, (message) => console.warn(message)),
      onProgress: ({ machine, toVersion, migrated, total, done }) => {
        if (!done)
          console.log(
            `${machine}: ${migrated} of ${total} workflows moved to version ${toVersion} so far…`,
          );
      },
    });
    if (migrations.length === 0) {
      console.log('Nothing to apply: the schema is up to date.');
    } else {
      console.log(`Applied ${migrations.length} migration${migrations.length === 1 ? '' : 's'}:`);
      for (const name of migrations) console.log(`  ${name}`);
    }
    if (resealed > 0) {
      console.log(
        `Sealed ${resealed} stored secret${resealed === 1 ? '' : 's'} under SECRETS_KEY.`,
      );
    }
    // Said only when it happened: most builds change no machine's version.
    for (const [machine, count] of Object.entries(workflows)) {
      const version = findDefinition(machine)?.version;
      console.log(
        `Migrated ${count} ${machine} workflow${count === 1 ? '' : 's'} to version ${version}, each with a MIGRATED history row.`,
      );
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
