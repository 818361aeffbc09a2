import { z } from 'zod';
import { ValidationFailed } from '../errors.ts';

/** Opaque page cursors: base64url JSON, so clients pass them back without reading them. */
export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(
  schema: T,
  cursor: string | undefined,
): z.infer<T> | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through to the same answer as a well-formed but foreign cursor
  }
  throw new ValidationFailed([{ path: 'cursor', message: 'not a cursor this API returned' }]);
}

export const limitParam = z.coerce.number().int().min(1).max(500).default(50);
