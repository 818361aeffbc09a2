import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen } from '../src/http-server.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

/** Sends `head` and then nothing more; resolves with what the server said before it closed. */
function trickle(port: number, head: string): Promise<{ answer: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
    socket.on('close', () => resolve({ answer, ms: performance.now() - started }));
    socket.on('error', reject);
  });
}

describe('request time limits', () => {
  it('when a client sends part of a request and stops, then 408 and the connection is closed', async () => {
    const server = await listen(h.app, { PORT: 0, HOST: '127.0.0.1', REQUEST_TIMEOUT_MS: 500 });
    try {
      const { port } = server.address() as AddressInfo;
      const body = await trickle(
        port,
        'POST /v1/workflows/wf_x/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"type":',
      );
      expect(body.answer).toMatch(/^HTTP\/1\.1 408/);
      expect(body.ms).toBeLessThan(5000);
      const headers = await trickle(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n');
      expect(headers.answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
