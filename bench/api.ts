import http from 'node:http';
import { createTiershiftClient, type TiershiftClient } from '../src/client/index.ts';

/**
 * A small HTTP client for the benchmark and the chaos tests: JSON in and out over keep-alive sockets. It uses
 * `node:http` rather than `fetch` because the load generator shares the machine's cores with
 * the server and the database, and fetch spends several times more CPU per request: with it
 * the benchmark measured its own client as much as the server.
 */
export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export class Api {
  // A socket idle for 5 s is closed by the server (Node's keep-alive timeout); one reused at
  // that moment breaks with ECONNRESET. The agent lets its idle sockets go a second before.
  readonly #agent = new http.Agent({ keepAlive: true, maxSockets: 256, timeout: 4000 });
  readonly #url: URL;

  constructor(readonly base: string) {
    this.#url = new URL(base);
  }

  /**
   * The typed client generated from the OpenAPI document, acting with `token`, over these
   * same keep-alive sockets: the scenario's set-up goes through it, so every run exercises
   * the document the server serves.
   */
  client(token: string): TiershiftClient {
    return createTiershiftClient(this.base, token, { fetch: this.#fetch });
  }

  readonly #fetch = async (input: string | URL | Request): Promise<Response> => {
    // The typed client always hands over a whole Request.
    const request = input instanceof Request ? input : new Request(input);
    const url = new URL(request.url);
    const answer = await this.request(request.method, `${url.pathname}${url.search}`, {
      text: request.body === null ? undefined : await request.text(),
      headers: Object.fromEntries(request.headers),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(answer.headers)) {
      for (const one of Array.isArray(value) ? value : [value ?? '']) headers.append(name, one);
    }
    const empty = answer.status === 204 || answer.status === 304;
    return new Response(empty ? null : answer.text, { status: answer.status, headers });
  };

  /** One request with its raw answer; rejects only when no answer came (a broken socket). */
  request(
    method: string,
    path: string,
    options: {
      token?: string;
      body?: unknown;
      /** A body already encoded, sent as it is. */
      text?: string;
      headers?: Record<string, string>;
      /**
       * Give up on a connection not made within this time (the kernel otherwise retries for two
       * minutes when the server's backlog is full), failing with ETIMEDOUT.
       */
      connectTimeoutMs?: number;
    } = {},
  ): Promise<RawResponse> {
    const data =
      options.text ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: this.#url.hostname,
          port: this.#url.port,
          path,
          method,
          agent: this.#agent,
          headers: {
            ...(options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` }),
            ...(data === undefined
              ? {}
              : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) }),
            ...options.headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              text: Buffer.concat(chunks).toString('utf8'),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      const limit = options.connectTimeoutMs;
      if (limit !== undefined) {
        req.once('socket', (socket) => {
          if (!socket.connecting) return;
          const timer = setTimeout(() => {
            req.destroy(
              Object.assign(new Error(`no connection within ${limit} ms`), { code: 'ETIMEDOUT' }),
            );
          }, limit);
          socket.once('connect', () => clearTimeout(timer));
          socket.once('close', () => clearTimeout(timer));
        });
      }
      req.end(data);
    });
  }

  /** A JSON call that must answer one of `expected`; anything else throws with the answer. */
  async call<T = Record<string, unknown>>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    expected = [200, 201],
  ): Promise<T> {
    const { status, text } = await this.request(method, path, { token, body });
    if (!expected.includes(status))
      throw new Error(`${method} ${path} → ${status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  /** Lets the process exit: idle keep-alive sockets would hold it open. */
  close(): void {
    this.#agent.destroy();
  }

  event(
    token: string,
    id: string,
    event: Record<string, unknown>,
  ): Promise<{ state: string; version: number }> {
    return this.call(token, 'POST', `/v1/workflows/${id}/events`, event);
  }

  /** Every workflow matching a query, following cursors. */
  async all(
    token: string,
    query: string,
  ): Promise<Array<{ id: string; customerId?: string; state: string }>> {
    const out: Array<{ id: string; customerId?: string; state: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { items: typeof out; nextCursor: string | null } = await this.call(
        token,
        'GET',
        `/v1/workflows?${query}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
}

/** The data of a typed client's answer; a problem throws with its status and body. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || result.data === undefined) {
    const { method, url } = result.response as Response & { method?: string };
    throw new Error(
      `${method ?? ''} ${url} → ${result.response.status} ${JSON.stringify(result.error).slice(0, 300)}`,
    );
  }
  return result.data;
}

/** Runs `work` over `items` with at most `concurrency` at once. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await work(item);
      }
    }),
  );
}
