import http from 'node:http';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { Webhook } from 'standardwebhooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { postWebhook, type PostRequest } from '../src/webhooks/post.ts';
import { newSigningSecret, signatureHeaders } from '../src/webhooks/signature.ts';
import type { Resolve } from '../src/webhooks/target.ts';

interface Received {
  method: string | undefined;
  url: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: string;
}

interface Receiver {
  port: number;
  received: Received[];
  connections: number;
}

const servers: Array<http.Server | tls.Server> = [];

afterEach(async () => {
  vi.restoreAllMocks();
  for (const server of servers.splice(0)) {
    if (server instanceof http.Server) server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A receiver on 127.0.0.1 that records each request once its body has arrived. */
async function receiver(answer: (res: http.ServerResponse) => void): Promise<Receiver> {
  const state: Receiver = { port: 0, received: [], connections: 0 };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      state.received.push({ method: req.method, url: req.url, headers: req.headers, body });
      answer(res);
    });
  });
  server.on('connection', () => (state.connections += 1));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

function request(url: string, overrides: Partial<PostRequest> = {}): PostRequest {
  return {
    url,
    headers: {},
    body: '{"type":"test"}',
    timeoutMs: 2_000,
    policy: { allowInsecure: true },
    ...overrides,
  };
}

const answersLoopback: Resolve = () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]);

describe('postWebhook', () => {
  it('when the receiver answers 204, then the headers and body arrive intact, the signature verifies and the attempt is ok', async () => {
    const server = await receiver((res) => res.writeHead(204).end());
    const secret = newSigningSecret();
    const body = JSON.stringify({ type: 'move.completed', data: { name: 'Zoë “quoted” ✓' } });
    const headers = signatureHeaders('msg_01', new Date(), body, [secret]);

    const result = await postWebhook(
      request(`http://127.0.0.1:${server.port}/hooks/in?x=1`, { headers, body }),
    );

    expect(result).toEqual({ ok: true, status: 204 });
    expect(server.received).toHaveLength(1);
    const [arrived] = server.received;
    expect(arrived!.method).toBe('POST');
    expect(arrived!.url).toBe('/hooks/in?x=1');
    expect(arrived!.body).toBe(body);
    expect(arrived!.headers['content-type']).toBe('application/json');
    expect(arrived!.headers['user-agent']).toBe('Tiershift-Webhooks/1');
    expect(arrived!.headers['webhook-id']).toBe(headers['webhook-id']);
    expect(arrived!.headers['webhook-timestamp']).toBe(headers['webhook-timestamp']);
    expect(arrived!.headers['webhook-signature']).toBe(headers['webhook-signature']);
    expect(
      new Webhook(secret).verify(arrived!.body, arrived!.headers as Record<string, string>),
    ).toEqual(JSON.parse(body));
  });

  it('when the receiver answers 500, then the attempt fails with that status', async () => {
    const server = await receiver((res) => res.writeHead(500).end('boom'));
    await expect(postWebhook(request(`http://127.0.0.1:${server.port}/`))).resolves.toEqual({
      ok: false,
      status: 500,
      error: 'HTTP 500',
    });
  });

  it('when the receiver redirects, then the redirect is not followed and the attempt fails', async () => {
    const elsewhere = await receiver((res) => res.writeHead(200).end());
    const server = await receiver((res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${elsewhere.port}/` }).end(),
    );

    const result = await postWebhook(request(`http://127.0.0.1:${server.port}/`));

    expect(result).toMatchObject({ ok: false, status: 302 });
    expect(result.ok ? '' : result.error).toContain('redirects are not followed');
    expect(elsewhere.connections).toBe(0);
  });

  it('when the receiver accepts the connection and never answers, then the attempt fails within the deadline', async () => {
    const server = await receiver(() => undefined);
    const started = Date.now();

    const result = await postWebhook(
      request(`http://127.0.0.1:${server.port}/`, { timeoutMs: 300 }),
    );

    const elapsed = Date.now() - started;
    expect(result).toEqual({ ok: false, status: null, error: 'no answer within 300 ms' });
    expect(server.received).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(1_000);
  });

  it('when the receiver sends its headers and then stalls the body, then the attempt fails within the deadline', async () => {
    const server = await receiver((res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"partial":');
    });
    const started = Date.now();

    const result = await postWebhook(
      request(`http://127.0.0.1:${server.port}/`, { timeoutMs: 300 }),
    );

    expect(result).toEqual({ ok: false, status: null, error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('when the receiver dribbles its answer a byte at a time, then the deadline still ends it', async () => {
    const dribbles: NodeJS.Timeout[] = [];
    const server = await receiver((res) => {
      res.writeHead(200);
      dribbles.push(setInterval(() => res.write('.'), 20));
    });
    const started = Date.now();

    const result = await postWebhook(
      request(`http://127.0.0.1:${server.port}/`, { timeoutMs: 300 }),
    );

    dribbles.forEach(clearInterval);
    expect(result).toEqual({ ok: false, status: null, error: 'no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('when the connection drops halfway through a 200, then the attempt is not taken as delivered', async () => {
    const server = await receiver((res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"partial":', () => res.socket?.destroy());
    });

    await expect(postWebhook(request(`http://127.0.0.1:${server.port}/`))).resolves.toEqual({
      ok: false,
      status: null,
      error: 'the answer was cut off',
    });
  });

  it('when the receiver answers with an endless body, then no more than the limit is read and the status counts', async () => {
    let written = 0;
    let hungUp = false;
    const chunk = Buffer.alloc(16 * 1024, 'x');
    const server = await receiver((res) => {
      res.on('close', () => (hungUp = true));
      res.writeHead(200);
      const pour = () => {
        while (!res.destroyed && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once('drain', pour);
      };
      pour();
    });
    const started = Date.now();

    const result = await postWebhook(
      request(`http://127.0.0.1:${server.port}/`, { timeoutMs: 5_000 }),
    );

    // Back long before the deadline: the answer was cut off at the limit, not waited out.
    expect(result).toEqual({ ok: true, status: 200 });
    expect(Date.now() - started).toBeLessThan(2_000);
    await vi.waitFor(() => expect(hungUp).toBe(true));
    // What the server managed to write is bounded by socket buffers, not by the answer.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  });

  it('when a name resolves to 10.0.0.5, then it is refused without any connection attempt', async () => {
    const connect = vi.spyOn(http, 'request');
    const answersPrivate: Resolve = () => Promise.resolve([{ address: '10.0.0.5', family: 4 }]);

    const result = await postWebhook(
      request('http://hooks.example.test/hook', { resolve: answersPrivate }),
    );

    expect(result).toEqual({
      ok: false,
      status: null,
      error: 'refused: hooks.example.test resolves to 10.0.0.5, not a public address',
    });
    expect(connect).not.toHaveBeenCalled();
  });

  it('when a made-up name resolves to 127.0.0.1 through the given resolver, then the request reaches the local server by that address', async () => {
    const server = await receiver((res) => res.writeHead(200).end('ok'));
    const connect = vi.spyOn(http, 'request');

    const result = await postWebhook(
      request(`http://hooks.example.test:${server.port}/hook`, { resolve: answersLoopback }),
    );

    expect(result).toEqual({ ok: true, status: 200 });
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.headers.host).toBe(`hooks.example.test:${server.port}`);
    expect(connect).toHaveBeenCalledTimes(1);
  });

  it('when loopback is answered but insecure targets are not allowed, then nothing is sent', async () => {
    const server = await receiver((res) => res.writeHead(200).end());

    const result = await postWebhook(
      request(`https://hooks.example.test:${server.port}/hook`, {
        resolve: answersLoopback,
        policy: { allowInsecure: false },
      }),
    );

    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.ok ? '' : result.error).toMatch(/^refused: .*loopback/);
    expect(server.connections).toBe(0);
  });

  it('when https goes to a pinned address, then TLS still names the host (SNI), so the certificate is checked by name', async () => {
    const names: string[] = [];
    const server = tls.createServer({
      SNICallback: (servername, callback) => {
        names.push(servername);
        callback(new Error('no certificate here'));
      },
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;

    const result = await postWebhook(
      request(`https://hooks.example.test:${port}/hook`, { resolve: answersLoopback }),
    );

    expect(names).toEqual(['hooks.example.test']);
    expect(result).toMatchObject({ ok: false, status: null });
  });

  it('when nothing listens or the name does not resolve, then a short reason comes back, never a throw or a stack', async () => {
    const closed = await receiver(() => undefined);
    const port = closed.port;
    const server = servers.pop() as http.Server;
    await new Promise<void>((resolve) => server.close(() => resolve()));

    const refusedConnection = await postWebhook(request(`http://127.0.0.1:${port}/`));
    const unresolved = await postWebhook(
      request('http://nowhere.example.test/', { resolve: () => Promise.reject(new Error('x')) }),
    );
    const notAUrl = await postWebhook(request('not a url'));

    expect(refusedConnection).toMatchObject({ ok: false, status: null });
    expect(refusedConnection.ok ? '' : refusedConnection.error).toMatch(/^ECONNREFUSED/);
    expect(unresolved).toEqual({
      ok: false,
      status: null,
      error: 'refused: nowhere.example.test does not resolve',
    });
    expect(notAUrl).toEqual({ ok: false, status: null, error: 'the URL is not valid' });
    for (const result of [refusedConnection, unresolved, notAUrl]) {
      const error = result.ok ? '' : result.error;
      expect(error.length).toBeLessThan(300);
      expect(error).not.toMatch(/\n\s+at /);
    }
  });

  it('when the resolver itself hangs, then the deadline covers it too', async () => {
    const hangs: Resolve = () => new Promise(() => undefined);
    const started = Date.now();

    const result = await postWebhook(
      request('http://hooks.example.test/', { resolve: hangs, timeoutMs: 200 }),
    );

    expect(result).toEqual({ ok: false, status: null, error: 'no answer within 200 ms' });
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
