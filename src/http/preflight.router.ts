import { Router } from 'express';
import { principalOf } from '../auth/authenticate.ts';
import type { Principal } from '../auth/principal.ts';
import {
  preflightCsvColumns,
  preflightCsvRecords,
  preflightReport,
} from '../engine/preflight-report.ts';
import { Forbidden, NotFound } from '../errors.ts';
import type { Database } from '../store/database.ts';
import { loadPreflight } from '../store/preflight.ts';
import type { WorkflowRow } from '../store/workflows.ts';
import { csvText } from './csv.ts';
import type { ApiCatalog } from './openapi.ts';
import { preflightReport as preflightSchema } from './preflight-schemas.ts';
import { visibleWorkflow } from './visible-workflow.ts';

interface Deps {
  db: Database;
  catalog: ApiCatalog;
  now: () => Date;
}

export function createPreflightRouter({ db, catalog, now }: Deps): Router {
  const router = Router();

  catalog.add({
    method: 'get',
    path: '/v1/transitions/:id/preflight',
    operationId: 'getTransitionPreflight',
    tag: 'Partners and transitions',
    summary: 'Everything that would stop or slow each customer’s transfer, found before it starts',
    roles:
      "the partner's manager and global_admin, the transition's chosen provider, auditor, admin; another provider that may read the transition gets 403",
    description:
      'For every direct-bill customer still to move (neither moved nor excluded) and for the partner, the findings: `blocker` (a transfer would be refused as the data stands), `action` (a step to take by hand) or `info`, each with a plain `detail` and the subscription it is about. Works out the rules from what is stored and from where the customer’s workflows stand, in any state of the transition, final ones included. JSON by default; `Accept: text/csv` gives one row per finding (the partner’s with empty customer cells). A provider is not told a customer’s bill-to country before its bill-to was shared.',
    response: { status: 200, schema: preflightSchema },
    otherResponses: [
      {
        status: 200,
        description: 'One row per finding, with `Accept: text/csv`',
        types: {
          'text/csv': {
            schema: {
              type: 'string',
              description:
                'RFC 4180, with a header line; a cell a spreadsheet would run as a formula starts with a single quote',
            },
            example: `${preflightCsvColumns.join(',')}\n`,
          },
        },
      },
    ],
    errors: [401, 403, 404],
  });
  router.get('/v1/transitions/:id/preflight', async (req, res) => {
    const principal = principalOf(req);
    const transition = await preflightSubject(db, req.params.id, principal);
    const csv = req.accepts(['application/json', 'text/csv']) === 'text/csv';
    const report = preflightReport(
      transition,
      await loadPreflight(db, transition),
      principal,
      now(),
    );
    if (csv) res.type('text/csv').send(csvText(preflightCsvColumns, preflightCsvRecords(report)));
    else res.json(report);
  });

  return router;
}

/**
 * The transition whose preflight the principal may read. Unseen or not a transition: 404, as
 * everywhere. A provider sees it only as the chosen one: the report names every customer,
 * which a provider only asked to partner (or one that declined) has no business knowing.
 */
async function preflightSubject(
  db: Database,
  id: string,
  principal: Principal,
): Promise<WorkflowRow> {
  const row = await visibleWorkflow(db, id, principal);
  if (row.machine !== 'transition') throw new NotFound('transition');
  if (principal.role === 'provider' && row.provider_id !== principal.providerId) {
    throw new Forbidden('Only the provider chosen for this transition reads its preflight.');
  }
  return row;
}
