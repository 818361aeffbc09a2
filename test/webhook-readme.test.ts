import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { startWebhookWorker } from '../src/webhooks/webhook-worker.ts';
import { as, startHarness, type Harness } from './harness.ts';
import { Move } from './move.ts';
import { eventually, quickWorkerConfig } from './webhook-receiver.ts';
import { testSecrets } from './secrets.ts';

/** The receiver the README shows, exactly as written there. */
function readmeReceiver(): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('**Verifying a notification.**'));
  const block = /```js\n([\s\S]*?)```/.exec(section);
  if (!block?.[1]) throw new Error('The README has no receiver snippet');
  return block[1];
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let h: Harness;
let dir: string;
let child: ChildProcess | undefined;

beforeAll(async () => {
  h = await startHarness({ ownDatabase: true });
  dir = mkdtempSync(path.join(tmpdir(), 'tiershift-readme-receiver-'));
  // The snippet imports express and standardwebhooks: this project's copies serve.
  symlinkSync(path.resolve('node_modules'), path.join(dir, 'node_modules'));
  writeFileSync(path.join(dir, 'receiver.mjs'), readmeReceiver());
});

afterAll(async () => {
  child?.kill();
  rmSync(dir, { recursive: true, force: true });
  await h?.close();
});

describe("the README's receiver", () => {
  it('when it runs as written, then it verifies a real notification and logs the event once, however often it comes', async () => {
    const move = await Move.start(h.app, h.adminToken);
    const port = await freePort();
    const created = await as(h.app, move.team.manager).post('/v1/webhooks', {
      url: `http://127.0.0.1:${port}/tiershift`,
      events: ['workflow.state_changed'],
    });
    expect(created.status).toBe(201);
    const { id, secret } = created.body as { id: string; secret: string };

    let output = '';
    child = spawn(process.execPath, ['receiver.mjs'], {
      cwd: dir,
      env: { ...process.env, PORT: String(port), TIERSHIFT_WEBHOOK_SECRET: secret },
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await eventually(async () => {
      try {
        await fetch(`http://127.0.0.1:${port}/`);
        return true;
      } catch {
        return false;
      }
    }, 'the receiver listening');

    const worker = startWebhookWorker({
      db: h.db,
      config: quickWorkerConfig,
      logger: createLogger('silent'),
      secrets: testSecrets(),
      now: () => new Date(),
    });
    try {
      await move.send(move.team.manager, move.transitionId, { type: 'CONFIRM_PROFILE' });
      const line = `workflow.state_changed ${move.transitionId} awaitingNewTenant`;
      await eventually(() => output.includes(line), 'the receiver to log the event');
      // The receiver may print before the worker has recorded its answer: wait for the record.
      const delivery = await eventually(async () => {
        const log = await as(h.app, move.team.manager).get(`/v1/webhooks/${id}/deliveries`);
        const [first] = (log.body as { items: Array<{ id: string; status: string }> }).items;
        return first?.status === 'delivered' && first;
      }, 'the delivery recorded as delivered');
      expect(delivery).toMatchObject({ status: 'delivered' });

      // Replayed: the same event id, which the receiver recognises.
      await as(h.app, move.team.manager).post(
        `/v1/webhooks/${id}/deliveries/${delivery.id}/redeliver`,
      );
      await eventually(async () => {
        const again = await as(h.app, move.team.manager).get(`/v1/webhooks/${id}/deliveries`);
        const [item] = (again.body as { items: Array<{ status: string; attempts: number }> }).items;
        return item?.status === 'delivered' && item.attempts === 2;
      }, 'the redelivery acknowledged');
      expect(output.split(line).length - 1).toBe(1);
    } finally {
      await worker.stop();
    }
  });
});
