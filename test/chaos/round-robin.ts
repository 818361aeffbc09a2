import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One answer a backend gave through the balancer. */
export interface Answered {
  method: string;
  path: string;
  backend: string;
  status: number;
}

/**
 * A load balancer in front of several server processes, as one stands in front of Tiershift's
 * instances: each request goes to the next backend in turn. A backend that refuses the
 * connection (it is down) is passed over and the request sent to the next, since it never
 * reached anyone; one that dies with the request inside it cuts the client's connection, so
 * the client learns nothing of its fate, as behind a real balancer. Every answer is noted.
 */
export class RoundRobin {
  readonly answers: Answered[] = [];
  #next = 0;

  private constructor(
    private readonly server: http.Server,
    private readonly backends: string[],
  ) {}

  static async start(backends: readonly string[]): Promise<RoundRobin> {
    const server = http.createServer();
    const balancer = new RoundRobin(server, [...backends]);
    server.on('request', (req, res) => balancer.#forward(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return balancer;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Puts a new instance into the rotation. */
  add(backend: string): void {
    this.backends.push(backend);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  #forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => this.#send(req, res, Buffer.concat(chunks), this.backends.length));
  }

  #send(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    body: Buffer,
    triesLeft: number,
  ): void {
    const backend = this.backends[this.#next++ % this.backends.length]!;
    const target = new URL(backend);
    // A connection of its own per request: a kept-alive one to a killed backend would fail
    // the next request sent on it, which a balancer's health check would have spared it.
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, connection: 'close' },
        agent: false,
      },
      (answer) => {
        const status = answer.statusCode ?? 0;
        this.answers.push({ method: req.method ?? '', path: req.url ?? '', backend, status });
        res.writeHead(status, answer.headers);
        answer.pipe(res);
        // The backend died half way through its answer.
        answer.on('close', () => {
          if (!answer.complete) res.destroy();
        });
      },
    );
    upstream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED' && triesLeft > 1 && !res.headersSent) {
        this.#send(req, res, body, triesLeft - 1);
        return;
      }
      res.destroy();
    });
    upstream.end(body);
  }
}
