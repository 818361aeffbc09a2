import type { z } from 'zod';

const names = new Map<z.ZodType, string>();

/**
 * Names a schema as a component of the OpenAPI document, so that every operation using it
 * refers to one definition and generated clients get one type for it. Returns the schema
 * itself, to wrap a definition where it is made.
 */
export function apiSchema<T extends z.ZodType>(name: string, schema: T): T {
  const given = names.get(schema);
  if (given !== undefined && given !== name) {
    throw new Error(`Schema already named ${given}, not ${name}`);
  }
  for (const [other, otherName] of names) {
    if (otherName === name && other !== schema) throw new Error(`Two schemas named ${name}`);
  }
  names.set(schema, name);
  return schema;
}

/** Every named schema, by schema. */
export function apiSchemaNames(): ReadonlyMap<z.ZodType, string> {
  return names;
}
