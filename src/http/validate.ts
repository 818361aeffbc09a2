import type { z } from 'zod';
import { MalformedRequest, ValidationFailed } from '../errors.ts';
import { zodFieldErrors } from '../engine/validation.ts';

/**
 * A JSON body checked against its schema: 400 when there is no JSON object at all,
 * 422 `validation_failed` listing every field otherwise.
 */
export function parseBody<T extends z.ZodType>(
  schema: T,
  body: unknown,
  allowArray = false,
): z.infer<T> {
  const isObject =
    typeof body === 'object' && body !== null && (allowArray || !Array.isArray(body));
  if (!isObject)
    throw new MalformedRequest(
      allowArray ? 'The body must be a JSON object or array.' : 'The body must be a JSON object.',
    );
  return parseWith(schema, body);
}

/** Query strings and path parameters, refused with 422 like a body field. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ValidationFailed(zodFieldErrors(parsed.error));
  return parsed.data;
}
