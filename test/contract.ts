import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

/** One answer the app gave in this process, as the client received it. */
export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

type JsonObject = Record<string, unknown>;

interface Route {
  method: string;
  pattern: RegExp;
  /** Literal segments first: `/v1/audit/digest/verify` before `/v1/workflows/{id}/…`. */
  literals: number;
  /** JSON pointer of the operation in the document. */
  pointer: string;
  operation: JsonObject;
}

const jsonTypes = new Set(['application/json', 'application/problem+json']);

/**
 * Holds answers to the OpenAPI document: the route is documented, the status is listed for
 * it, the content type is one it lists, and a JSON body matches the schema given for it.
 * Answers to paths the document does not describe (static assets, unknown routes) pass.
 */
export class ContractChecker {
  readonly #routes: Route[];
  readonly #ajv: Ajv2020;
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #document: JsonObject;

  constructor(document: JsonObject) {
    this.#document = document;
    this.#ajv = new Ajv2020({ strict: false, allErrors: false, validateFormats: true });
    addFormats.default(this.#ajv);
    this.#ajv.addSchema(document, 'openapi.json');
    const paths = document.paths as Record<string, Record<string, JsonObject>>;
    this.#routes = Object.entries(paths)
      .flatMap(([path, operations]) =>
        Object.entries(operations).map(([method, operation]) => ({
          method: method.toUpperCase(),
          pattern: new RegExp(
            `^${path
              .split(/\{[^}]+\}/)
              .map(escapeRegExp)
              .join('[^/]+')}$`,
          ),
          literals: path.split('/').filter((s) => s && !s.startsWith('{')).length,
          pointer: `#/paths/${pointerSegment(path)}/${method}`,
          operation,
        })),
      )
      .sort((a, b) => b.literals - a.literals);
  }

  /** What is wrong with the answer, or undefined when it keeps the document. */
  check(response: RecordedResponse): string | undefined {
    const pathname = response.url.split('?')[0] ?? '';
    const route = this.#routes.find(
      (r) => r.method === response.method && r.pattern.test(pathname),
    );
    if (!route) return undefined;
    const where = `${response.method} ${pathname} → ${response.status}`;
    const responses = route.operation.responses as Record<string, JsonObject>;
    const listed = responses[String(response.status)];
    if (!listed) {
      const listedStatuses = Object.keys(responses).join(', ');
      return `${where}: status not listed (listed: ${listedStatuses}); body ${truncate(response.body.toString('utf8'))}`;
    }
    const [answer, pointer] = this.#resolve(
      listed,
      `${route.pointer}/responses/${response.status}`,
    );
    const content = answer.content as Record<string, JsonObject> | undefined;
    if (!content) {
      return response.body.length === 0 ? undefined : `${where}: a body where none is listed`;
    }
    const type = response.contentType?.split(';')[0]?.trim().toLowerCase();
    if (!type || !content[type]) {
      return `${where}: content type ${type ?? '(none)'} not listed (listed: ${Object.keys(content).join(', ')})`;
    }
    if (!jsonTypes.has(type)) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(response.body.toString('utf8'));
    } catch {
      return `${where}: ${type} that is not JSON`;
    }
    const validate = this.#validator(`${pointer}/content/${pointerSegment(type)}/schema`);
    if (validate(body)) return undefined;
    const errors = (validate.errors ?? [])
      .slice(0, 3)
      .map((e) => `${e.instancePath || '/'} ${e.message ?? ''} (${e.schemaPath})`)
      .join('; ');
    return `${where}: body does not match its schema: ${errors}; body ${truncate(JSON.stringify(body))}`;
  }

  /** A response object, following a `$ref` to `components.responses`. */
  #resolve(answer: JsonObject, pointer: string): [JsonObject, string] {
    const ref = answer.$ref;
    if (typeof ref !== 'string') return [answer, pointer];
    const name = ref.slice('#/components/responses/'.length);
    const components = this.#document.components as { responses: Record<string, JsonObject> };
    const found = components.responses[name];
    if (!found) throw new Error(`The document lacks ${ref}`);
    return [found, `#/components/responses/${pointerSegment(name)}`];
  }

  #validator(pointer: string): ValidateFunction {
    let validate = this.#validators.get(pointer);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: `openapi.json${pointer}` });
      this.#validators.set(pointer, validate);
    }
    return validate;
  }
}

function pointerSegment(value: string): string {
  return value.replaceAll('~', '~0').replaceAll('/', '~1');
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function truncate(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
