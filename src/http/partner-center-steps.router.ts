import { Router } from 'express';
import { z } from 'zod';
import { principalOf } from '../auth/authenticate.ts';
import { transitionSteps } from '../engine/automation.ts';
import { NotFound } from '../errors.ts';
import { customerMachines } from '../store/customer-table.ts';
import type { Database } from '../store/database.ts';
import { connectedSides } from '../store/partner-center-links.ts';
import { apiSchema } from './api-schema.ts';
import type { ApiCatalog } from './openapi.ts';
import { visibleWorkflow } from './visible-workflow.ts';

export const partnerCenterStep = apiSchema(
  'PartnerCenterStep',
  z
    .object({
      machine: z.enum(customerMachines),
      event: z.string(),
      description: z.string(),
      automated: z
        .boolean()
        .describe('Partner Center carries it out or reports it: nobody needs to send it'),
      how: z
        .enum(['call', 'report', 'hand'])
        .describe(
          '`call`: Tiershift calls Partner Center and records its answer; `report`: Partner Center reports it when it happens; `hand`: someone sends it',
        ),
      alsoRecordedInPartnerCenter: z
        .boolean()
        .describe('sent by hand, and then written to Partner Center as well'),
    })
    .describe("One event of a customer's workflows, and who brings it about."),
);

export const transitionPartnerCenter = apiSchema(
  'TransitionPartnerCenter',
  z
    .object({
      mode: z
        .enum(['connected', 'by_hand'])
        .describe('`connected` once the partner and the chosen provider are both connected'),
      partner: z.object({ connected: z.boolean() }),
      provider: z
        .object({ id: z.string(), connected: z.boolean() })
        .nullable()
        .describe('the chosen provider; null before one accepted'),
      steps: z.array(partnerCenterStep),
    })
    .describe("Which of a transition's customer steps Partner Center takes, and which people do."),
);

interface Deps {
  db: Database;
  catalog: ApiCatalog;
}

export function createPartnerCenterStepsRouter({ db, catalog }: Deps): Router {
  const router = Router();

  catalog.add({
    method: 'get',
    path: '/v1/transitions/:id/partner-center',
    operationId: 'getTransitionPartnerCenter',
    tag: 'Partner Center',
    summary: "Which of a transition's customer steps Partner Center carries out",
    roles: 'any, scoped: whoever may read the transition',
    description:
      "Every event of a customer's reseller relationship, MCA re-acceptance and subscription transfer that a person or Partner Center sends, and how it comes about for this transition. Connected (the partner and the chosen provider both registered their Partner Center credentials), Tiershift makes some steps itself in Partner Center and records the answer (`call`), Partner Center reports others (`report`), and the rest are sent by hand. Not connected, every step is sent by hand; a request lapsing, which only its timer then sends, is left out. Another workflow than a transition answers 404.",
    response: { status: 200, schema: transitionPartnerCenter },
    errors: [401, 404],
  });
  router.get('/v1/transitions/:id/partner-center', async (req, res) => {
    const row = await visibleWorkflow(db, req.params.id, principalOf(req));
    if (row.machine !== 'transition') throw new NotFound('transition');
    const sides = await connectedSides(db, row);
    const connected = sides.partner && sides.provider;
    res.json({
      mode: connected ? 'connected' : 'by_hand',
      partner: { connected: sides.partner },
      provider:
        row.provider_id === null ? null : { id: row.provider_id, connected: sides.provider },
      steps: transitionSteps(connected),
    } satisfies z.infer<typeof transitionPartnerCenter>);
  });

  return router;
}
