import type { z } from 'zod';
import { isClientRole } from '../../machines/common.ts';
import { definitions } from '../../machines/registry.ts';
import { inputRef, type ComposedSchema, type JsonSchema } from './openapi.ts';

/** `CONFIRM_PROFILE` → `ConfirmProfile`; `mcaReacceptance` → `McaReacceptance`. */
const pascal = (name: string) =>
  name
    .split('_')
    .map((w) => (name.includes('_') || name === name.toUpperCase() ? w.toLowerCase() : w))
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/**
 * The body of `POST /v1/workflows/{id}/events`: for each machine a `oneOf` of the events a
 * client may send it, discriminated on `type`, each event a component with what it carries
 * and who may send it. Events only the engine sends (child reports, timers) are left out.
 * The route takes any machine's events, so the body is any of those unions.
 */
export function eventRequestBody(): ComposedSchema {
  const parts = new Map<string, z.ZodType>();
  const composed: Record<string, JsonSchema> = {};
  const unions: JsonSchema[] = [];
  const descriptions: Record<string, string> = {};
  const nameOf = new Map<z.ZodType, string>();
  for (const definition of definitions.values()) {
    const machine = pascal(definition.name);
    const mapping: Record<string, string> = {};
    const members: JsonSchema[] = [];
    for (const [type, spec] of Object.entries(definition.events)) {
      const roles = spec.roles.filter(isClientRole);
      if (roles.length === 0) continue;
      // A schema shared by two machines is one component, named after the first.
      const name = nameOf.get(spec.schema) ?? `${machine}${pascal(type)}Event`;
      nameOf.set(spec.schema, name);
      parts.set(name, spec.schema);
      descriptions[name] ??= `${spec.description} Sent by: ${roles.join(', ')}.`;
      mapping[type] = `#/components/schemas/${name}`;
      members.push(inputRef(name));
    }
    composed[`${machine}Event`] = {
      description: `An event a client may send to a ${definition.name} workflow.`,
      oneOf: members,
      discriminator: { propertyName: 'type', mapping },
    };
    unions.push({ $ref: `#/components/schemas/${machine}Event` });
  }
  return {
    schema: { description: 'An event for the workflow’s machine.', anyOf: unions },
    parts,
    composed,
    descriptions,
  };
}
