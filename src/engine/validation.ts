import type { z } from 'zod';
import type { FieldError } from '../errors.ts';

/** Zod issues as `{path, message}` pairs with dotted paths, for `validation_failed`. */
export function zodFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const base = issue.path.map(String).join('.');
    if (keys.length > 0) {
      return {
        path: base,
        message: `unknown field${keys.length > 1 ? 's' : ''}: ${keys.join(', ')}`,
      };
    }
    return { path: base, message: issue.message };
  });
}
