import { z } from 'zod';
import { apiSchemaNames } from './api-schema.ts';
import {
  commonResponseHeaders,
  headerComponents,
  parameterComponents,
  problemResponseComponents,
  problemResponseName,
  tags,
  type Tag,
} from './openapi-parts.ts';
import { problem } from './schemas.ts';

export type JsonSchema = Record<string, unknown>;

/**
 * A body described in JSON Schema that refers to named components by
 * `#/components/schemas/<name>`: the zod schemas of `parts`, and unions over them written
 * directly in `composed` (the event body: a `oneOf` per machine, discriminated on `type`).
 */
export interface ComposedSchema {
  schema: JsonSchema;
  parts: ReadonlyMap<string, z.ZodType>;
  composed: Readonly<Record<string, JsonSchema>>;
  /** Descriptions for the components of `parts`, by name. */
  descriptions?: Readonly<Record<string, string>>;
}

/** A response that is not JSON: an export, a page, metrics. */
export interface OtherContent {
  status: number;
  description: string;
  types: Record<string, { schema: JsonSchema; example?: string }>;
}

export interface Operation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Express-style path, `:id` parameters. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  /** Who may call it, in words; `public` operations need no token. */
  roles: string;
  description?: string;
  public?: boolean;
  /** Path parameters that are not plain strings. */
  params?: Record<string, z.ZodType>;
  query?: z.ZodObject;
  body?: z.ZodType | ComposedSchema;
  /** A form post (the consent page), instead of a JSON body. */
  form?: z.ZodType;
  /** Examples of the body, by name, taken from the README's walkthrough. */
  examples?: Record<string, { summary: string; value: unknown }>;
  response?: {
    status: number;
    schema: z.ZodType;
    description?: string;
    headers?: ReadonlyArray<'ETag' | 'Location'>;
  };
  /** Answers that are not JSON (a page, an export); a status may also answer a problem. */
  otherResponses?: readonly OtherContent[];
  errors?: readonly number[];
  /** Takes an `Idempotency-Key` header, with the rules of `idempotentCreate`. */
  idempotent?: boolean;
  /** Takes an `If-Match` header: the workflow's version, as its ETag gives it. */
  ifMatch?: boolean;
}

/** An outgoing notification: its event type and the body it carries. */
export interface WebhookOperation {
  name: string;
  summary: string;
  description: string;
  body: z.ZodType;
  /** The component name of its body. */
  bodyName: string;
}

/** The Standard Webhooks headers every notification carries. */
const webhookHeaders = [
  {
    name: 'webhook-id',
    in: 'header',
    required: true,
    description: 'The event id, the same on every attempt: deduplicate on it.',
    schema: { type: 'string' },
  },
  {
    name: 'webhook-timestamp',
    in: 'header',
    required: true,
    description: 'When this attempt was signed, in seconds since the epoch.',
    schema: { type: 'string' },
  },
  {
    name: 'webhook-signature',
    in: 'header',
    required: true,
    description:
      'Space-separated `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per secret in use (two while a rotation overlaps).',
    schema: { type: 'string' },
  },
];

/**
 * Problems any route can answer, whatever it does: a body that is not JSON (parsed before
 * routing), a body over the limit, a client over its rate, the database out of reach.
 */
export const commonErrors = [400, 413, 429, 503] as const;

/**
 * An Express path as the document writes it: `:id` becomes `{id}`, and a colon Express needs
 * escaped as literal (`events\\:batch`) is just a colon.
 */
export function documentPath(expressPath: string): string {
  return expressPath.replace(/(?<!\\):(\w+)/g, '{$1}').replaceAll('\\:', ':');
}

const componentRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Collects the operations the routers serve, so the OpenAPI document cannot drift from them. */
export class ApiCatalog {
  readonly operations: Operation[] = [];
  readonly webhooks: WebhookOperation[] = [];

  add(operation: Operation): void {
    if (this.operations.some((o) => o.operationId === operation.operationId)) {
      throw new Error(`Two operations with the id ${operation.operationId}`);
    }
    this.operations.push(operation);
  }

  /** A notification this server sends, for the document's `webhooks` section. */
  addWebhook(webhook: WebhookOperation): void {
    this.webhooks.push(webhook);
  }

  /** The OpenAPI 3.1 document of every operation added, served from `serverUrl`. */
  document(serverUrl: string): JsonSchema {
    const schemas = new SchemaCollector();
    schemas.output(problem, 'Problem');
    const composed: Record<string, JsonSchema> = {};
    const descriptions: Record<string, string> = {};
    const paths: Record<string, Record<string, unknown>> = {};
    for (const op of this.operations) {
      const path = documentPath(op.path);
      let requestBody: unknown;
      if (op.body instanceof z.ZodType) {
        requestBody = jsonBody(schemas.input(op.body, `${pascal(op.operationId)}Request`), op);
      } else if (op.body) {
        for (const [name, part] of op.body.parts) schemas.input(part, name);
        Object.assign(composed, op.body.composed);
        Object.assign(descriptions, op.body.descriptions);
        requestBody = jsonBody(op.body.schema, op);
      }
      if (op.form) {
        requestBody = {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: schemas.input(op.form, `${pascal(op.operationId)}Form`),
            },
          },
        };
      }
      paths[path] ??= {};
      paths[path][op.method] = {
        operationId: op.operationId,
        tags: [op.tag],
        summary: op.summary,
        description: [op.description, `Who: ${op.roles}.`].filter(Boolean).join('\n\n'),
        ...(op.public ? { security: [] } : {}),
        ...parametersOf(op),
        ...(requestBody ? { requestBody } : {}),
        responses: responsesOf(op, schemas),
      };
    }
    const webhooks: Record<string, unknown> = {};
    for (const hook of this.webhooks) {
      webhooks[hook.name] = {
        post: {
          operationId: `webhook_${hook.name.replaceAll('.', '_')}`,
          tags: ['Webhooks'],
          summary: hook.summary,
          description: hook.description,
          security: [],
          parameters: webhookHeaders,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: schemas.output(hook.body, hook.bodyName) } },
          },
          responses: {
            '2XX': {
              description: 'Received; any other answer, or none within the time-out, is retried',
            },
          },
        },
      };
    }
    const converted = schemas.convert();
    for (const [name, description] of Object.entries(descriptions)) {
      const component = converted.schemas[converted.inputName(name)];
      if (component) component.description = description;
    }
    const resolvedPaths = resolveInputRefs(paths, converted.inputName) as typeof paths;
    const all = {
      ...converted.schemas,
      ...(resolveInputRefs(composed, converted.inputName) as Record<string, JsonSchema>),
    };
    const problems = problemResponseComponents(componentRef('Problem'));
    const components = {
      schemas: reachableSchemas(all, [resolvedPaths, webhooks, problems]),
      responses: problems,
      parameters: parameterComponents,
      headers: headerComponents,
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An API token, as `POST /v1/principals` shows it once.',
        },
      },
    };
    return {
      openapi: '3.1.0',
      info: {
        title: 'Tiershift',
        version: '1',
        description:
          'Moves a CSP partner from direct bill to the indirect reseller model: the transition, ' +
          'its enrollment, MCA re-acceptance, reseller relationships and subscription transfers, ' +
          'with consent checkpoints and a verifiable history.',
        license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      },
      servers: [{ url: serverUrl, description: 'This deployment' }],
      tags,
      security: [{ bearer: [] }],
      paths: resolvedPaths,
      webhooks,
      components,
    };
  }
}

function jsonBody(schema: JsonSchema, op: Operation): JsonSchema {
  return {
    required: true,
    content: {
      'application/json': { schema, ...(op.examples ? { examples: op.examples } : {}) },
    },
  };
}

function parametersOf(op: Operation): { parameters?: unknown[] } {
  const path = [...op.path.matchAll(/(?<!\\):(\w+)/g)].map(([, name = '']) => ({
    name,
    in: 'path',
    required: true,
    schema: op.params?.[name] ? jsonSchema(op.params[name], 'input') : { type: 'string' },
  }));
  const query = op.query
    ? Object.entries(op.query.shape).map(([name, schema]) => {
        const zod = schema as z.ZodType;
        const json = jsonSchema(zod, 'input') as JsonSchema;
        const { description, ...rest } = json;
        return {
          name,
          in: 'query',
          required: !zod.safeParse(undefined).success,
          ...(typeof description === 'string' ? { description } : {}),
          schema: rest,
        };
      })
    : [];
  const headers = [
    ...(op.ifMatch ? [{ $ref: '#/components/parameters/IfMatch' }] : []),
    ...(op.idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
  ];
  const all = [...path, ...query, ...headers];
  return all.length > 0 ? { parameters: all } : {};
}

function responsesOf(op: Operation, schemas: SchemaCollector): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  const headers = (extra: readonly string[]) =>
    Object.fromEntries(
      [...commonResponseHeaders, ...extra].map((h) => [h, { $ref: `#/components/headers/${h}` }]),
    );
  const replay = op.idempotent ? ['Idempotent-Replayed'] : [];
  if (op.response) {
    const name = `${pascal(op.operationId)}Response`;
    responses[String(op.response.status)] = {
      description: op.response.description ?? 'Success',
      headers: headers([...(op.response.headers ?? []), ...replay]),
      content: { 'application/json': { schema: schemas.output(op.response.schema, name) } },
    };
  }
  // A public operation lists 401 only when it refuses something else than a token (a webhook's
  // signature): then the answer is its own, and documented.
  const statuses = [...new Set([...(op.errors ?? []), ...commonErrors])].sort((a, b) => a - b);
  for (const { status, description, types } of op.otherResponses ?? []) {
    const content: Record<string, unknown> = Object.fromEntries(
      Object.entries(types).map(([type, { schema, example }]) => [
        type,
        { schema, ...(example === undefined ? {} : { example }) },
      ]),
    );
    // A page's route answers its own pages, and problems from what runs before it.
    if (statuses.includes(status)) {
      content['application/problem+json'] = { schema: componentRef('Problem') };
    }
    // A route that answers JSON too (an export as JSON or CSV) lists both types.
    const json = responses[String(status)] as { content?: Record<string, unknown> } | undefined;
    if (json?.content) {
      Object.assign(json.content, content);
      continue;
    }
    // An answer with no body (204) lists no content at all.
    responses[String(status)] = {
      description,
      headers: headers([]),
      ...(Object.keys(content).length > 0 ? { content } : {}),
    };
  }
  for (const status of statuses) {
    responses[String(status)] ??= {
      $ref: `#/components/responses/${problemResponseName(status)}`,
    };
  }
  return responses;
}

/** A reference to a request-side component, resolved once every schema is converted. */
export function inputRef(name: string): JsonSchema {
  return { [inputMarker]: name };
}
const inputMarker = 'x-tiershift-input-ref';

/**
 * The zod schemas of a document, named, converted in two passes (request bodies as zod
 * parses them, responses as the API writes them). A named schema whose two forms differ gets
 * its request form under `<name>Input`.
 */
class SchemaCollector {
  readonly #inputs = new Map<z.ZodType, string>();
  readonly #outputs = new Map<z.ZodType, string>();

  input(schema: z.ZodType, fallbackName: string): JsonSchema {
    return inputRef(this.#use(this.#inputs, schema, fallbackName));
  }

  output(schema: z.ZodType, fallbackName: string): JsonSchema {
    return componentRef(this.#use(this.#outputs, schema, fallbackName));
  }

  #use(used: Map<z.ZodType, string>, schema: z.ZodType, fallbackName: string): string {
    const name = apiSchemaNames().get(schema) ?? used.get(schema) ?? fallbackName;
    used.set(schema, name);
    return name;
  }

  /** Every component, and the name under which each request-side one ended up. */
  convert(): { schemas: Record<string, JsonSchema>; inputName: (name: string) => string } {
    const output = convertAll(this.#outputs, 'output', (id) => `#/components/schemas/${id}`);
    // Every named schema is converted both ways; only the forms some answer uses count.
    const outputUsed = reachableFrom(output, [...this.#outputs.values()], (id) => id);
    const suffixed = new Set<string>();
    const inputName = (id: string) => (suffixed.has(id) ? `${id}Input` : id);
    let input: Record<string, JsonSchema> = {};
    // Suffixing one request form changes the references of those that use it: repeat until
    // nothing changes.
    for (let round = 0; round < 20; round++) {
      input = convertAll(this.#inputs, 'input', (id) => `#/components/schemas/${inputName(id)}`);
      const inputUsed = reachableFrom(input, [...this.#inputs.values()], inputName);
      input = Object.fromEntries(Object.entries(input).filter(([id]) => inputUsed.has(id)));
      const differing = Object.keys(input).filter(
        (id) =>
          !suffixed.has(id) &&
          outputUsed.has(id) &&
          JSON.stringify(output[id]) !== JSON.stringify(input[id]),
      );
      if (differing.length === 0) break;
      for (const id of differing) suffixed.add(id);
    }
    const schemas: Record<string, JsonSchema> = { ...output };
    for (const [id, schema] of Object.entries(input)) {
      const name = inputName(id);
      if (name !== id && name in output) throw new Error(`Two schemas would be named ${name}`);
      schemas[name] = schema;
    }
    return { schemas, inputName };
  }
}

function convertAll(
  used: ReadonlyMap<z.ZodType, string>,
  io: 'input' | 'output',
  uri: (id: string) => string,
): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  // Named schemas nested in those used become references too.
  for (const [schema, id] of apiSchemaNames()) registry.add(schema, { id });
  for (const [schema, id] of used) if (!registry.has(schema)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    uri,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  const out: Record<string, JsonSchema> = {};
  for (const [id, schema] of Object.entries(schemas)) {
    const { $schema: _schema, $id: _id, ...rest } = schema as JsonSchema;
    out[id] = rest;
  }
  return out;
}

/**
 * The ids of the converted schemas that `roots` reach, following references (written with
 * `nameOf(id)`, as the conversion's uri wrote them).
 */
function reachableFrom(
  converted: Record<string, JsonSchema>,
  roots: readonly string[],
  nameOf: (id: string) => string,
): Set<string> {
  const idOf = new Map(Object.keys(converted).map((id) => [nameOf(id), id]));
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const id = queue.pop() as string;
    if (seen.has(id) || !converted[id]) continue;
    seen.add(id);
    for (const name of schemaRefsIn(converted[id])) queue.push(idOf.get(name) ?? name);
  }
  return seen;
}

/** A copy of `value` with every request-side reference resolved to its component. */
function resolveInputRefs(value: unknown, inputName: (name: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveInputRefs(v, inputName));
  if (typeof value !== 'object' || value === null) return value;
  const record = value as JsonSchema;
  const marked = record[inputMarker];
  if (typeof marked === 'string') return componentRef(inputName(marked));
  return Object.fromEntries(
    Object.entries(record).map(([k, v]) => [k, resolveInputRefs(v, inputName)]),
  );
}

/** The names of the schema components `value` refers to, directly. */
function schemaRefsIn(value: unknown, found: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) schemaRefsIn(v, found);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
        found.add(v.slice('#/components/schemas/'.length));
      } else schemaRefsIn(v, found);
    }
  }
  return found;
}

/** Only the schemas reachable from `roots`: the other forms of a named schema are not kept. */
function reachableSchemas(
  schemas: Record<string, JsonSchema>,
  roots: unknown[],
): Record<string, JsonSchema> {
  const seen = new Set<string>();
  const queue = [...schemaRefsIn(roots)];
  while (queue.length > 0) {
    const name = queue.pop() as string;
    if (seen.has(name)) continue;
    seen.add(name);
    const schema = schemas[name];
    if (!schema) throw new Error(`The document refers to a schema it lacks: ${name}`);
    queue.push(...schemaRefsIn(schema));
  }
  return Object.fromEntries(
    Object.entries(schemas)
      .filter(([name]) => seen.has(name))
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  return z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' });
}

function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}
