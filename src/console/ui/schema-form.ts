/**
 * An event's payload form, read from the JSON Schema `GET /v1/machines/{name}` gives for it:
 * which fields to ask for, and how to turn what was typed back into the event's body. Pure:
 * no DOM here, so the rules can be tested on their own; `event-form.ts` draws the fields.
 *
 * What was typed is sent as typed: the server validates every event, and its refusal names
 * each field, so the form repeats none of those rules and cannot disagree with them.
 */

export type JsonSchema = { readonly [key: string]: unknown };

interface Common {
  /** The property's name in its object. */
  name: string;
  /** Dotted, as the API's `errors[].path` names it: `securityContact.email`. */
  path: string;
  required: boolean;
  description?: string;
}

export type Field =
  | (Common & { kind: 'text'; input: 'text' | 'email' | 'date' | 'number'; maxLength?: number })
  /** One of an enum's values, or of the records a field names; `labels` words them. */
  | (Common & { kind: 'choice'; options: string[]; labels?: Readonly<Record<string, string>> })
  /** A boolean the event must carry: checked or not. */
  | (Common & { kind: 'flag' })
  /** A boolean the event may leave out: left as it is, yes, or no. */
  | (Common & { kind: 'yesNo' })
  /** A list of strings, one per line. */
  | (Common & { kind: 'lines' })
  /** An object of its own fields; `nullable` when null is a value it takes. */
  | (Common & { kind: 'group'; nullable: boolean; fields: Field[] })
  /** Anything else, written as JSON. */
  | (Common & { kind: 'json' });

/** What the form holds, by field path: the text typed or chosen, or a checkbox's state. */
export type FormValues = ReadonlyMap<string, string | boolean>;

const isObject = (value: unknown): value is JsonSchema =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The schema without a `null` alternative, and whether it had one. */
function withoutNull(schema: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives)) {
    const others = alternatives.filter(isObject).filter((s) => s.type !== 'null');
    const [only] = others;
    if (others.length === 1 && only && others.length < alternatives.length) {
      return { schema: only, nullable: true };
    }
  }
  if (Array.isArray(schema.type) && schema.type.includes('null')) {
    const types = schema.type.filter((t) => t !== 'null');
    if (types.length === 1) return { schema: { ...schema, type: types[0] }, nullable: true };
  }
  return { schema, nullable: false };
}

function fieldOf(name: string, path: string, given: JsonSchema, required: boolean): Field {
  const { schema, nullable } = withoutNull(given);
  const description = typeof schema.description === 'string' ? schema.description : undefined;
  const common: Common = { name, path, required, ...(description ? { description } : {}) };
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) {
    return { ...common, kind: 'choice', options: schema.enum };
  }
  switch (schema.type) {
    case 'string': {
      const input =
        schema.format === 'email' ? 'email' : schema.format === 'date' ? 'date' : 'text';
      const maxLength = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
      return { ...common, kind: 'text', input, ...(maxLength ? { maxLength } : {}) };
    }
    case 'integer':
    case 'number':
      return { ...common, kind: 'text', input: 'number' };
    case 'boolean':
      return { ...common, kind: required ? 'flag' : 'yesNo' };
    case 'array':
      return isObject(schema.items) && schema.items.type === 'string'
        ? { ...common, kind: 'lines' }
        : { ...common, kind: 'json' };
    case 'object':
      return isObject(schema.properties)
        ? { ...common, kind: 'group', nullable, fields: fieldsOf(schema, `${path}.`) }
        : { ...common, kind: 'json' };
    default:
      return { ...common, kind: 'json' };
  }
}

/** The fields of an event's schema, in its order, without `type` (the event's name). */
export function fieldsOf(schema: JsonSchema, prefix = ''): Field[] {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  return Object.entries(properties)
    .filter(([name]) => !(prefix === '' && name === 'type'))
    .filter((entry): entry is [string, JsonSchema] => isObject(entry[1]))
    .map(([name, property]) => fieldOf(name, `${prefix}${name}`, property, required.has(name)));
}

export interface Choice {
  value: string;
  label: string;
}

/**
 * The fields with each text field called `name`, at any depth, turned into a choice among
 * `choices`: a field that takes a record's id (a provider's) offers the records by name
 * instead of asking for an id typed out.
 */
export function withChoices(
  fields: readonly Field[],
  name: string,
  choices: readonly Choice[],
): Field[] {
  return fields.map((field) => {
    if (field.kind === 'group') {
      return { ...field, fields: withChoices(field.fields, name, choices) };
    }
    if (field.kind !== 'text' || field.name !== name) return field;
    const { input: _input, maxLength: _maxLength, ...common } = field;
    return {
      ...common,
      kind: 'choice',
      options: choices.map((c) => c.value),
      labels: Object.fromEntries(choices.map((c) => [c.value, c.label])),
    };
  });
}

/** Whether a field called `name` is among the fields, at any depth. */
export function hasField(fields: readonly Field[], name: string): boolean {
  return fields.some((f) => f.name === name || (f.kind === 'group' && hasField(f.fields, name)));
}

/** A value, and whether the person gave it (typed, chose, ticked) or left the field alone. */
interface Read {
  value: unknown;
  given: boolean;
}

function read(field: Field, values: FormValues): Read {
  const raw = values.get(field.path);
  const text = typeof raw === 'string' ? raw : '';
  switch (field.kind) {
    case 'flag':
      return { value: raw === true, given: raw === true };
    case 'yesNo':
      return { value: text === 'yes', given: text === 'yes' || text === 'no' };
    case 'lines': {
      const lines = text
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
      return { value: lines, given: lines.length > 0 };
    }
    case 'json': {
      if (text.trim() === '') return { value: undefined, given: false };
      try {
        return { value: JSON.parse(text) as unknown, given: true };
      } catch {
        // Sent as written: the server's refusal says what the field must be.
        return { value: text, given: true };
      }
    }
    case 'text':
      if (text === '') return { value: undefined, given: false };
      return {
        value: field.input === 'number' && /^-?\d+$/.test(text) ? Number(text) : text,
        given: true,
      };
    case 'choice':
      return { value: text, given: text !== '' };
    case 'group': {
      const object = objectOf(field.fields, values);
      const given = Object.keys(object).length > 0;
      return { value: given ? object : field.nullable ? null : undefined, given };
    }
  }
}

/**
 * The fields' values as an object. A field left alone is left out: an optional one keeps what
 * the workflow holds (`UPDATE_PROFILE` changes only what is given), a required one is named
 * by the server's refusal. A group nothing was given in counts as left alone, unless it is
 * required and takes null, which is then what "nothing" means. `whole` is the event itself,
 * which the person did fill in by sending it.
 */
function objectOf(
  fields: readonly Field[],
  values: FormValues,
  whole = false,
): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const reads = fields.map((field) => [field, read(field, values)] as const);
  const filledIn = whole || reads.some(([, r]) => r.given);
  for (const [field, { value, given }] of reads) {
    if (given) object[field.name] = value;
    // An unticked box of the event, or of a part the person filled in, is a "no".
    else if (field.kind === 'flag' && filledIn) object[field.name] = false;
    else if (field.kind === 'group' && field.required && field.nullable) object[field.name] = null;
  }
  return object;
}

/** The event's body: its type and every field given. */
export function payloadOf(
  type: string,
  fields: readonly Field[],
  values: FormValues,
): Record<string, unknown> {
  return { type, ...objectOf(fields, values, true) };
}
