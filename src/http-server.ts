import http from 'node:http';
import type { Express } from 'express';
import type { Config } from './config.ts';

/**
 * Serves the app with time limits on slow clients: a request must arrive whole within
 * REQUEST_TIMEOUT_MS, or the server answers 408 and closes the connection, so a client that
 * trickles bytes cannot hold a socket open for ever.
 */
export async function listen(
  app: Express,
  config: Pick<Config, 'PORT' | 'HOST' | 'REQUEST_TIMEOUT_MS'>,
): Promise<http.Server> {
  const timeout = config.REQUEST_TIMEOUT_MS;
  const server = http.createServer(
    {
      requestTimeout: timeout,
      headersTimeout: timeout,
      // Node looks for expired requests at this pace; by default only every 30 s.
      connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(timeout / 4))),
    },
    app,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
