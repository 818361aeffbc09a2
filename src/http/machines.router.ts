import { Router } from 'express';
import { z } from 'zod';
import { roles } from '../../machines/common.ts';
import { definitions, findDefinition } from '../../machines/registry.ts';
import { principalOf } from '../auth/authenticate.ts';
import { describeMachine } from '../engine/introspection.ts';
import { NotFound } from '../errors.ts';
import { apiSchema } from './api-schema.ts';
import { jsonSchema, type ApiCatalog } from './openapi.ts';

const machineState = apiSchema(
  'MachineState',
  z.object({
    name: z.string().describe('dotted path; the root is ""'),
    description: z.string().nullable(),
    final: z.boolean(),
    initial: z.string().nullable().describe('the child state entered first, if any'),
    transitions: z.array(z.object({ event: z.string(), targets: z.array(z.string()) })),
    get states(): z.ZodArray<typeof machineState> {
      return z.array(machineState);
    },
  }),
);

const machineDescription = apiSchema(
  'Machine',
  z.object({
    name: z.string(),
    version: z.number().int(),
    description: z.string(),
    initial: z.string().nullable(),
    states: z.array(machineState),
    events: z.array(
      z.object({
        type: z.string(),
        roles: z.array(z.enum(roles)),
        description: z.string(),
        schema: z.record(z.string(), z.unknown()).describe('JSON Schema of the event'),
      }),
    ),
  }),
);

export function createMachineRouter({ catalog }: { catalog: ApiCatalog }): Router {
  const router = Router();
  const describe = (name: string) => {
    const definition = findDefinition(name);
    if (!definition) throw new NotFound('machine');
    return describeMachine(definition, (schema) => jsonSchema(schema, 'input'));
  };
  // Definitions never change while the process runs: describe them once.
  const described = new Map([...definitions.keys()].map((name) => [name, describe(name)]));

  catalog.add({
    method: 'get',
    path: '/v1/machines',
    operationId: 'listMachines',
    tag: 'Workflows and events',
    summary: 'Every workflow definition: states, events, transitions, roles',
    roles: 'any authenticated principal',
    response: { status: 200, schema: z.object({ items: z.array(machineDescription) }) },
    errors: [401],
  });
  router.get('/v1/machines', (req, res) => {
    principalOf(req);
    res.json({ items: [...described.values()] });
  });

  catalog.add({
    method: 'get',
    path: '/v1/machines/:name',
    operationId: 'getMachine',
    tag: 'Workflows and events',
    summary: 'One workflow definition',
    roles: 'any authenticated principal',
    response: { status: 200, schema: machineDescription },
    errors: [401, 404],
  });
  router.get('/v1/machines/:name', (req, res) => {
    principalOf(req);
    const found = described.get(req.params.name);
    if (!found) throw new NotFound('machine');
    res.json(found);
  });
  return router;
}
