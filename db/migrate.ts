import { loadConfig } from '../src/config.ts';
import { createDatabase, migrateToLatest } from '../src/store/database.ts';

const config = loadConfig();
const db = createDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  await migrateToLatest(db);
  console.log('Migrations are up to date.');
} finally {
  await db.destroy();
}
