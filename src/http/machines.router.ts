import { Router } from 'express';
import { z } from 'zod';
import { definitions, findDefinition } from '../../machines/registry.ts';
import { principalOf } from '../auth/authenticate.ts';
import { describeMachine } from '../engine/introspection.ts';
import { NotFound } from '../errors.ts';
import { jsonSchema, type ApiCatalog } from './openapi.ts';

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
    summary: 'Every workflow definition: states, events, transitions, roles',
    roles: 'any authenticated principal',
    response: { status: 200, schema: z.object({ items: z.array(z.unknown()) }) },
    errors: [401],
  });
  router.get('/v1/machines', (req, res) => {
    principalOf(req);
    res.json({ items: [...described.values()] });
  });

  catalog.add({
    method: 'get',
    path: '/v1/machines/:name',
    summary: 'One workflow definition',
    roles: 'any authenticated principal',
    response: { status: 200, schema: z.unknown() },
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
