import http from 'node:http';
import type { Socket } from 'node:net';
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
  trackConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** Requests in flight on each open connection, and whether the server is stopping. */
interface ConnectionState {
  inFlight: Map<Socket, number>;
  closing: boolean;
}

const states = new WeakMap<http.Server, ConnectionState>();

/**
 * Counts the requests in flight on each connection, so that a stop can end a connection the
 * moment it has nothing left to answer. `closeIdleConnections` is no help: it destroys a
 * socket whose response is finished but still being flushed, and a large answer is cut.
 */
function trackConnections(server: http.Server): void {
  const state: ConnectionState = { inFlight: new Map(), closing: false };
  states.set(server, state);
  server.on('connection', (socket: Socket) => {
    state.inFlight.set(socket, 0);
    socket.once('close', () => state.inFlight.delete(socket));
  });
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    const { socket } = req;
    state.inFlight.set(socket, (state.inFlight.get(socket) ?? 0) + 1);
    res.once('close', () => {
      const left = (state.inFlight.get(socket) ?? 1) - 1;
      state.inFlight.set(socket, left);
      // end() sends what is still buffered before it closes; destroy() would not.
      if (state.closing && left === 0) socket.end();
    });
  });
}

/**
 * Stops taking connections and lets the requests in flight finish and be answered; each
 * connection closes once it has nothing left to answer. Whatever is still open after
 * `graceMs` is cut. Resolves once the server is closed: true when the grace ran out.
 */
export async function closeGracefully(server: http.Server, graceMs: number): Promise<boolean> {
  const state = states.get(server);
  let forced = false;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  if (state) {
    state.closing = true;
    for (const [socket, inFlight] of state.inFlight) if (inFlight === 0) socket.end();
  }
  const deadline = setTimeout(() => {
    forced = true;
    server.closeAllConnections();
  }, graceMs);
  try {
    await closed;
  } finally {
    clearTimeout(deadline);
  }
  return forced;
}
