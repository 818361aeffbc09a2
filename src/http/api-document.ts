import { createApp } from '../app.ts';
import { Engine } from '../engine/engine.ts';
import { createLogger } from '../logger.ts';
import { ephemeralSecrets } from '../secrets/secrets.ts';
import { createDatabase } from '../store/database.ts';
import { ApiCatalog, type JsonSchema } from './openapi.ts';

/**
 * The OpenAPI document of the whole app, as `/openapi.json` serves it, without serving: for
 * the lint, the client generator and the tests. No query reaches the database it is given.
 */
export async function describeApi(publicUrl = 'http://127.0.0.1:3000'): Promise<JsonSchema> {
  const db = createDatabase({ dataDir: 'memory://' });
  try {
    const catalog = new ApiCatalog();
    createApp({
      db,
      engine: new Engine({ db, clock: { now: () => new Date() } }),
      logger: createLogger('silent'),
      secrets: ephemeralSecrets(),
      catalog,
      config: { BODY_LIMIT_BYTES: 1024 * 1024, RATE_LIMIT_PER_MIN: 600, PUBLIC_URL: publicUrl },
    });
    return catalog.document(publicUrl);
  } finally {
    await db.destroy();
  }
}
