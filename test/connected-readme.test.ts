import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { startReconciliation } from '../src/partner-center/connected/reconciliation.ts';
import { ConnectedRig } from './connected-rig.ts';
import { startHarness, type Harness } from './harness.ts';

let h: Harness;
let rig: ConnectedRig;

beforeAll(async () => {
  h = await startHarness();
  rig = await ConnectedRig.start(h);
});
afterAll(async () => {
  await rig?.close();
  await h?.close();
});

describe("the README's connected move", () => {
  it('runs as written, and ends with the transition completed', async () => {
    rig.startWorker();
    const reconciliation = startReconciliation(
      () => rig.connected.reconcile(),
      200,
      createLogger('silent'),
    );
    try {
      const child = spawn(process.execPath, ['examples/connected-move.mjs'], {
        env: { ...process.env, API: rig.tiershiftUrl, SIM: rig.simUrl, ADMIN: h.adminToken },
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(code, output).toBe(0);
      expect(output).toContain('Mode: connected');
      expect(output).toContain('Transition: completed');
      expect(output).toMatch(/TRANSFER_SUBMITTED by partner_center \(MS-RequestId [0-9a-f-]{36}\)/);
    } finally {
      await reconciliation.stop();
    }
  }, 120_000);
});
