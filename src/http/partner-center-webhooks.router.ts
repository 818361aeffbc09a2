import express, { Router } from 'express';
import { z } from 'zod';
import { ProblemError, ValidationFailed } from '../errors.ts';
import { newId } from '../ids.ts';
import { reportMessage } from '../partner-center/connected/report-message.ts';
import type { WebhookVerifier } from '../partner-center/webhook-signature.ts';
import type { Database } from '../store/database.ts';
import { insertOutbox } from '../store/outbox.ts';
import { zodFieldErrors } from '../engine/validation.ts';
import { apiSchema } from './api-schema.ts';
import type { ApiCatalog } from './openapi.ts';

export const partnerCenterWebhookPath = '/partner-center/webhooks';

const webhookBody = apiSchema(
  'PartnerCenterWebhook',
  z.object({
    EventName: z.string().min(1).max(200),
    ResourceUri: z.string().min(1).max(2000),
    ResourceName: z.string().max(200).optional(),
    AuditUri: z.string().max(2000).nullable().optional(),
    ResourceChangeUtcDate: z.string().max(100).optional(),
  }),
);

class SignatureRejected extends ProblemError {
  constructor(reason: string) {
    super(
      401,
      'webhook_signature_invalid',
      'Signature not accepted',
      `The webhook is not signed by Partner Center: ${reason.replaceAll('_', ' ')}.`,
    );
  }
}

/**
 * Where Partner Center's webhooks arrive. The signature is checked on the body's exact bytes;
 * a believed webhook is kept in the outbox for the worker to look into, and answered at once.
 * It only says where to look: the worker reads the transfer or the customer from Partner
 * Center itself, so a forged or repeated webhook changes nothing that is not so.
 */
export function createPartnerCenterWebhookRouter(deps: {
  db: Database;
  verifier: WebhookVerifier;
  catalog: ApiCatalog;
  now: () => Date;
  retryForMs: number;
  bodyLimitBytes: number;
}): Router {
  const { db, verifier, catalog, now } = deps;
  const router = Router();
  catalog.add({
    method: 'post',
    path: partnerCenterWebhookPath,
    operationId: 'receivePartnerCenterWebhook',
    tag: 'Partner Center',
    summary: 'Receives a signed Partner Center webhook for a connected transition',
    roles: 'Partner Center (signed; no token)',
    public: true,
    description:
      'Register this address with Partner Center (`/webhooks/v1/registration`). The body is checked against `Authorization: Signature …`, `X-MS-Signature-Algorithm: rsa-sha256` and the certificate at `X-MS-Certificate-Url`, which must be one of `PARTNER_CENTER_WEBHOOK_CERT_URLS`.',
    body: webhookBody,
    response: { status: 202, schema: z.object({ received: z.literal(true) }) },
    errors: [401, 413, 422],
  });
  router.post(
    partnerCenterWebhookPath,
    express.raw({ type: () => true, limit: deps.bodyLimitBytes }),
    async (req, res) => {
      const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const problem = await verifier.verify(raw, {
        authorization: req.get('authorization'),
        certificateUrl: req.get('x-ms-certificate-url'),
        algorithm: req.get('x-ms-signature-algorithm'),
      });
      if (problem) throw new SignatureRejected(problem);
      let json: unknown;
      try {
        json = JSON.parse(raw.toString('utf8'));
      } catch {
        throw new ValidationFailed([{ path: '', message: 'the body is not JSON' }]);
      }
      const parsed = webhookBody.safeParse(json);
      if (!parsed.success) throw new ValidationFailed(zodFieldErrors(parsed.error));
      const at = now();
      await insertOutbox(db, [
        {
          id: newId('msg'),
          kind: 'partner_center.report',
          payload: reportMessage.parse({
            eventName: parsed.data.EventName,
            resourceUri: parsed.data.ResourceUri,
          }),
          next_attempt_at: at,
          give_up_at: new Date(at.getTime() + deps.retryForMs),
          created_at: at,
        },
      ]);
      res.status(202).json({ received: true });
    },
  );
  return router;
}
