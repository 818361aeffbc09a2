import fc from 'fast-check';

/** A JSON Schema as the OpenAPI document and `z.toJSONSchema` write them; read loosely. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** Draws one random value at a time, replayable from fast-check's seed. */
export type Draw = fc.GeneratorValue;

/**
 * A uniform draw in [0, 1). Choices are made from it rather than from `fc.nat`, whose bias
 * towards small values would pick the first item of every list most of the time.
 */
const unit = fc.noBias(fc.integer({ min: 0, max: 999_999 }));
function uniform(g: Draw): number {
  return g(() => unit) / 1_000_000;
}

export function pick<T>(g: Draw, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[Math.floor(uniform(g) * items.length)]!;
}

/** An integer from `min` to `max`, each as likely. */
export function between(g: Draw, min: number, max: number): number {
  return min + Math.floor(uniform(g) * (max - min + 1));
}

/** True with probability `p`. */
export function chance(g: Draw, p: number): boolean {
  return uniform(g) < p;
}

/** One of the choices, each as likely as its weight. */
export function weighted<T>(g: Draw, choices: ReadonlyArray<readonly [number, T]>): T {
  const total = choices.reduce((sum, [w]) => sum + w, 0);
  let roll = uniform(g) * total;
  for (const [weight, value] of choices) {
    if (roll < weight) return value;
    roll -= weight;
  }
  return choices.at(-1)![1];
}

/**
 * Values a property takes in this world, where the schema alone would give a value the
 * domain does not know: a provider id that exists, a subscription of the right customer.
 * Returns undefined to leave the property to its schema.
 */
export type Hints = (property: string, g: Draw) => unknown;

/** A hint's answer for an optional property the request is better without. */
export const omit = Symbol('omit');

/** Strings Postgres would store differently from what was hashed: refused at the door. */
export const unstorable = ['\u0000', '\ud800', 'x\udc00y', '\udbff\ud800'] as const;

const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 .,'-]{0,38}[A-Za-z0-9]$/);

function text(g: Draw, min: number, max: number): string {
  if (max < 1) return '';
  const value = g(() => word);
  if (value.length > max) return value.slice(0, max);
  return value.length >= min ? value : value.padEnd(min, 'x');
}

/** Formats zod writes as patterns too: drawn from readable values rather than the regex. */
const formats: Record<string, (g: Draw) => string> = {
  uuid: (g) => g(fc.uuid, { version: 4 }),
  email: (g) => `${text(g, 1, 12).replace(/[^A-Za-z0-9]/g, 'x')}@fabrikam.example`,
  date: (g) => isoDay(g(fc.integer, { min: -400, max: 400 })),
  'date-time': (g) => new Date(day0 + g(fc.integer, { min: -400, max: 400 }) * dayMs).toISOString(),
};
const dayMs = 24 * 60 * 60 * 1000;
/** The harness clock's first day: dates around it are in the past and in the future. */
const day0 = Date.parse('2026-03-02T09:00:00Z');
const isoDay = (offset: number) => new Date(day0 + offset * dayMs).toISOString().slice(0, 10);

/**
 * Request values read off JSON Schemas: valid ones, ones with a single fault, in the kinds
 * a client gets wrong (a wrong type, out of range, missing, extra, a lone surrogate, far
 * too long, nested too deep).
 */
export class SchemaValues {
  constructor(
    private readonly components: Readonly<Record<string, JsonSchema>>,
    private readonly hints: Hints,
  ) {}

  /** The schema behind a `$ref` to `#/components/schemas/…`. */
  resolve(schema: JsonSchema): JsonSchema {
    const ref = schema.$ref;
    if (typeof ref !== 'string') return schema;
    const found = this.components[ref.replace('#/components/schemas/', '')];
    if (!found) throw new Error(`No component for ${ref}`);
    return this.resolve(found);
  }

  /** A value the schema accepts, with the world's ids where a hint knows better. */
  valid(g: Draw, schema: JsonSchema, property?: string): unknown {
    const s = this.resolve(schema);
    if (property !== undefined && s.const === undefined && chance(g, 0.9)) {
      const hinted = this.hints(property, g);
      if (hinted !== undefined) return hinted;
    }
    if (s.const !== undefined) return s.const;
    if (Array.isArray(s.enum)) return pick(g, s.enum as unknown[]);
    const union = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
    if (union) return this.valid(g, pick(g, union), property);
    const type = Array.isArray(s.type) ? pick(g, s.type as string[]) : s.type;
    switch (type) {
      case 'object':
        return this.#object(g, s);
      case 'array': {
        const min = num(s.minItems) ?? 0;
        const max = Math.min(num(s.maxItems) ?? 3, Math.max(min, 3));
        const length = g(fc.integer, { min, max });
        const items = (s.items ?? {}) as JsonSchema;
        const singular = property?.replace(/s$/, '');
        return Array.from({ length }, () => this.valid(g, items, singular)).filter(
          (item) => item !== omit,
        );
      }
      case 'string':
        return this.#string(g, s);
      case 'integer':
      case 'number': {
        const min = num(s.minimum) ?? -1000;
        const max = num(s.maximum) ?? 1000;
        // The bounds themselves, beside ordinary values: where storage overflows.
        if (chance(g, 0.15)) return pick(g, [min, max]);
        const value = g(fc.integer, { min, max: Math.min(max, min + 1000) });
        return type === 'integer' ? value : value + (chance(g, 0.5) ? 0.5 : 0);
      }
      case 'boolean':
        return g(fc.boolean);
      case 'null':
        return null;
      default:
        return g(fc.jsonValue, { maxDepth: 2 });
    }
  }

  #object(g: Draw, s: JsonSchema): Record<string, unknown> {
    const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((s.required ?? []) as string[]);
    const out: Record<string, unknown> = {};
    for (const [name, schema] of Object.entries(properties)) {
      if (!required.has(name) && !chance(g, 0.5)) continue;
      const value = this.valid(g, schema, name);
      if (value !== omit) out[name] = value;
    }
    const extra = s.additionalProperties;
    if (typeof extra === 'object' && extra !== null) {
      for (let i = g(fc.nat, { max: 2 }); i > 0; i -= 1) {
        out[text(g, 1, 12)] = this.valid(g, extra as JsonSchema);
      }
    }
    return out;
  }

  #string(g: Draw, s: JsonSchema): string {
    const format = typeof s.format === 'string' ? formats[s.format] : undefined;
    if (format) return format(g);
    if (typeof s.pattern === 'string') {
      // A fresh builder each time: `g` would take two patterns for one (as JSON, both are {}).
      const pattern = new RegExp(s.pattern);
      return g(() => fc.stringMatching(pattern));
    }
    return text(g, num(s.minLength) ?? 0, Math.min(num(s.maxLength) ?? 40, 40));
  }

  /** A valid value with one fault in one place, or the whole value replaced by one. */
  nearlyValid(g: Draw, schema: JsonSchema): unknown {
    const value = this.valid(g, schema);
    const spots = this.#spots(value, schema, []);
    const spot = pick(g, spots);
    const faulty = this.#fault(g, spot.value, spot.schema);
    return replaceAt(value, spot.path, faulty);
  }

  /** Every place in a value, with the schema that describes it. */
  #spots(value: unknown, schema: JsonSchema, path: Array<string | number>): Spot[] {
    const s = this.#branchFor(value, this.resolve(schema));
    const here: Spot = { path, value, schema: s };
    if (Array.isArray(value)) {
      const items = (s.items ?? {}) as JsonSchema;
      return [here, ...value.flatMap((v, i) => this.#spots(v, items, [...path, i]))];
    }
    if (isObject(value)) {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      return [
        here,
        ...Object.entries(value).flatMap(([k, v]) =>
          this.#spots(v, properties[k] ?? {}, [...path, k]),
        ),
      ];
    }
    return [here];
  }

  /** The member of a union that the value was drawn from, as near as its shape tells. */
  #branchFor(value: unknown, s: JsonSchema): JsonSchema {
    const union = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
    if (!union) return s;
    const members = union.map((m) => this.resolve(m));
    const kind = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
    const byType = members.filter((m) => {
      const t = m.type === 'integer' ? 'number' : m.type;
      return t === kind || (Array.isArray(t) && t.includes(kind));
    });
    if (isObject(value) && typeof value.type === 'string') {
      const tagged = byType.find(
        (m) => ((m.properties ?? {}) as Record<string, JsonSchema>).type?.const === value.type,
      );
      if (tagged) return tagged;
    }
    return byType[0] ?? s;
  }

  #fault(g: Draw, value: unknown, s: JsonSchema): unknown {
    const kinds: Array<() => unknown> = [
      () => wrongType(g, value),
      // Deep, yet within the 64 levels the door lets through: the schema must refuse it.
      () => deep(between(g, 10, 60)),
    ];
    if (typeof value === 'string') {
      kinds.push(
        () => spliceAt(value, g(fc.nat, { max: value.length }), pick(g, ['\ud800', '\udc00'])),
        () => 'x'.repeat(g(fc.integer, { min: 10_000, max: 200_000 })),
        () => outOfRange(g, value, s),
      );
    }
    if (typeof value === 'number') kinds.push(() => outOfRange(g, value, s));
    if (Array.isArray(value)) kinds.push(() => outOfRange(g, value, s));
    if (isObject(value)) {
      const required = ((s.required ?? []) as string[]).filter((k) => k in value);
      kinds.push(() => ({ ...value, [pick(g, ['unexpected', 'facts', 'Type', 'id'])]: 1 }));
      if (required.length > 0) {
        kinds.push(() => {
          const { [pick(g, required)]: _gone, ...rest } = value;
          return rest;
        });
      }
    }
    return pick(g, kinds)();
  }
}

interface Spot {
  path: Array<string | number>;
  value: unknown;
  schema: JsonSchema;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function spliceAt(value: string, at: number, insert: string): string {
  return value.slice(0, at) + insert + value.slice(at);
}

function wrongType(g: Draw, value: unknown): unknown {
  const others: unknown[] = [42, -1.5, true, null, 'text', {}, [], ['text'], { type: 'x' }];
  return pick(
    g,
    others.filter((o) => typeof o !== typeof value || Array.isArray(o) !== Array.isArray(value)),
  );
}

/** Arrays in arrays, `levels` deep; past 64 the door refuses it before any route. */
export function deep(levels: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < levels; i += 1) value = [value];
  return value;
}

function outOfRange(g: Draw, value: unknown, s: JsonSchema): unknown {
  if (typeof value === 'string') {
    const options: string[] = [];
    const max = num(s.maxLength);
    if (max !== undefined) options.push('y'.repeat(max + 1));
    if ((num(s.minLength) ?? 0) > 0) options.push('', '   ');
    if (typeof s.pattern === 'string' || typeof s.format === 'string') options.push(`${value}!`);
    if (Array.isArray(s.enum)) options.push(`${value}_not`);
    return options.length > 0 ? pick(g, options) : `${value}\u00e9`;
  }
  if (typeof value === 'number') {
    const min = num(s.minimum);
    const max = num(s.maximum);
    return pick(g, [
      ...(min === undefined ? [] : [min - 1]),
      ...(max === undefined ? [] : [max + 1]),
      value + 0.5,
      Number.MAX_SAFE_INTEGER * 4,
    ]);
  }
  if (Array.isArray(value)) {
    const items = value as unknown[];
    const options: unknown[][] = [];
    if ((num(s.minItems) ?? 0) > 0) options.push([]);
    const max = num(s.maxItems);
    if (max !== undefined && max <= 1000) {
      options.push(Array.from({ length: max + 1 }, () => items[0] ?? 'x'));
    }
    return options.length > 0 ? pick(g, options) : [...items, { stray: true }];
  }
  return value;
}

function replaceAt(root: unknown, path: ReadonlyArray<string | number>, value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path;
  if (Array.isArray(root)) {
    return (root as unknown[]).map((item, i) => (i === head ? replaceAt(item, rest, value) : item));
  }
  const object = root as Record<string, unknown>;
  return { ...object, [head!]: replaceAt(object[head!], rest, value) };
}
