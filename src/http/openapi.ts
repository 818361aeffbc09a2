import { z } from 'zod';
import { problem } from './schemas.ts';

export interface Operation {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express-style path, `:id` parameters. */
  path: string;
  summary: string;
  roles: string;
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: { status: number; schema: z.ZodType };
  errors?: number[];
  /** Takes an `Idempotency-Key` header, with the rules of `idempotentCreate`. */
  idempotent?: boolean;
}

const idempotencyKeyHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'Up to 200 characters, scoped to the caller: the same key with the same request gets the ' +
    'first answer again (with `Idempotent-Replayed: true`); with another request, 422 ' +
    '`idempotency_key_reused`.',
  schema: { type: 'string', minLength: 1, maxLength: 200 },
};

/**
 * Problems any route can answer, whatever it does: a body that is not JSON (parsed before
 * routing), a body over the limit, a token over its rate, the database out of reach.
 */
export const commonErrors = [400, 413, 429, 503] as const;

/** Collects the operations the routers serve, so the OpenAPI document cannot drift from them. */
export class ApiCatalog {
  readonly operations: Operation[] = [];

  add(operation: Operation): void {
    this.operations.push(operation);
  }

  document(): Record<string, unknown> {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const op of this.operations) {
      const path = op.path.replace(/:(\w+)/g, '{$1}');
      const params = [...op.path.matchAll(/:(\w+)/g)].map((m) => ({
        name: m[1],
        in: 'path',
        required: true,
        schema: { type: 'string' },
      }));
      const queryParams = op.query
        ? Object.entries(op.query.shape).map(([name, schema]) => ({
            name,
            in: 'query',
            required: !(schema as z.ZodType).safeParse(undefined).success,
            schema: jsonSchema(schema as z.ZodType, 'input'),
          }))
        : [];
      const headerParams = op.idempotent ? [idempotencyKeyHeader] : [];
      const responses: Record<string, unknown> = {};
      if (op.response) {
        responses[String(op.response.status)] = {
          description: 'Success',
          content: { 'application/json': { schema: jsonSchema(op.response.schema, 'output') } },
        };
      }
      for (const status of new Set([...(op.errors ?? []), ...commonErrors])) {
        responses[String(status)] = {
          description: 'Problem',
          content: { 'application/problem+json': { schema: jsonSchema(problem, 'output') } },
        };
      }
      paths[path] ??= {};
      paths[path][op.method] = {
        summary: op.summary,
        description: `Who: ${op.roles}.`,
        ...(params.length + queryParams.length + headerParams.length > 0
          ? { parameters: [...params, ...queryParams, ...headerParams] }
          : {}),
        ...(op.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: jsonSchema(op.body, 'input') } },
              },
            }
          : {}),
        responses,
      };
    }
    return {
      openapi: '3.1.0',
      info: {
        title: 'Tiershift',
        version: '1',
        description: 'Moves a CSP partner from direct bill to the indirect reseller model.',
      },
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      },
      security: [{ bearer: [] }],
      paths,
    };
  }
}

export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}
