import { X509Certificate } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { agreementRoutes } from './agreements.ts';
import { createSigningIdentity } from './certificate.ts';
import { controlRoutes } from './control.ts';
import { certificatePath, type Core } from './core.ts';
import { fail, partnerCenterErrorBody, SimulatedFailure } from './failures.ts';
import { gdapRoutes } from './gdap.ts';
import { migrationRoutes } from './migrations.ts';
import { resolveOptions, type SimulatorOptions } from './options.ts';
import { relationshipRoutes } from './relationships.ts';
import { SimulatorState } from './state.ts';
import { SlidingWindows } from './throttle.ts';
import { tokenRoutes } from './token.ts';
import { transferRoutes } from './transfers.ts';
import { webhookRegistrationRoutes } from './webhook-registration.ts';
import { WebhookDispatcher } from './webhooks.ts';
import { WorkQueue } from './work.ts';

export interface RunningSimulator {
  url: string;
  close: () => Promise<void>;
}

export interface Simulator {
  app: Express;
  state: SimulatorState;
  core: Core;
  /** Carries out, now, every piece of pending work that need not wait for its time. */
  runPendingWork(): number;
  /** Resolves once the webhooks under way were delivered or given up on. */
  settleWebhooks(): Promise<void>;
  reset(): Promise<void>;
  listen(port?: number, host?: string): Promise<RunningSimulator>;
}

/**
 * A Partner Center simulator: Partner Center's REST API, Graph's GDAP relationships and Entra's
 * token endpoint, with Partner Center's paths, bodies and refusals, in memory. Tiershift's
 * client talks to it exactly as to Partner Center, pointed at another URL; tests drive what
 * only Microsoft or the customer could do through the control API under `/_sim/`.
 */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  const resolved = resolveOptions(options);
  let baseUrl = resolved.publicUrl ?? 'http://127.0.0.1';
  const state = new SimulatorState();
  const identity = createSigningIdentity(resolved.clock.now());
  const core: Core = {
    state,
    options: resolved,
    work: new WorkQueue(resolved.clock),
    windows: new SlidingWindows(resolved.clock),
    identity,
    webhooks: new WebhookDispatcher({
      state,
      options: resolved,
      privateKey: identity.privateKey,
      certificateUrl: () => `${baseUrl}${certificatePath}`,
    }),
    baseUrl: () => baseUrl,
    now: () => resolved.clock.now(),
  };

  const reset = async () => {
    await core.webhooks.stop();
    state.reset();
    core.work.clear();
    core.windows.clear();
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.get(certificatePath, (_req, res) => {
    res.type('application/pkix-cert').send(identity.certificate);
  });
  app.get(certificatePath.replace(/\.cer$/, '.pem'), (_req, res) => {
    res.type('application/x-pem-file').send(new X509Certificate(identity.certificate).toString());
  });

  controlRoutes(app, core, reset);
  tokenRoutes(app, core);

  const api = express.Router();
  api.use(express.json({ limit: '256kb' }));
  transferRoutes(api, core);
  agreementRoutes(api, core);
  relationshipRoutes(api, core);
  migrationRoutes(api, core);
  webhookRegistrationRoutes(api, core);
  gdapRoutes(api, core);
  app.use(api);

  app.use((_req: Request, res: Response) => {
    res.status(404).json(partnerCenterErrorBody(fail.notFound('This resource')));
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(error);
    if (status === 400 || status === 413) {
      const failure = new SimulatedFailure(
        status,
        '3000',
        status === 413 ? 'The request body is too large.' : 'The request body is not valid JSON.',
      );
      res.status(status).json(partnerCenterErrorBody(failure));
      return;
    }
    process.stderr.write(
      `Partner Center simulator: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    res
      .status(500)
      .json(partnerCenterErrorBody(new SimulatedFailure(500, '500', 'The simulator failed.')));
  });

  return {
    app,
    state,
    core,
    runPendingWork: () => core.work.runAll(),
    settleWebhooks: () => core.webhooks.settle(),
    reset,
    listen: (port = 0, host = '127.0.0.1') =>
      new Promise<RunningSimulator>((resolve, reject) => {
        const server: Server = app.listen(port, host, (error?: Error) => {
          if (error) {
            reject(error);
            return;
          }
          const address = server.address() as AddressInfo;
          const url = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
          if (!resolved.publicUrl) baseUrl = url;
          // Work comes due with nobody calling; a tick carries it out and sends its webhooks.
          const tick = setInterval(() => core.work.runDue(), resolved.workIntervalMs);
          tick.unref();
          resolve({
            url,
            close: async () => {
              clearInterval(tick);
              await core.webhooks.stop();
              server.closeAllConnections();
              await new Promise<void>((done, failed) =>
                server.close((e) => (e ? failed(e) : done())),
              );
            },
          });
        });
      }),
  };
}

function httpStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  return typeof error.status === 'number' ? error.status : undefined;
}
