// As a namespace, zod leaves its unused parts (its locales) out of the console's bundle.
import * as z from 'zod';

/**
 * Integers that reach a column, bounded by what the column stores. Past an `integer` (int4)
 * column Postgres refuses the whole query, which could only answer 400 for the request; a
 * `bigint` (int8) one holds more than a JavaScript number does exactly, so there the bound is
 * 2^53 - 1, which zod 4's `int()` already keeps. Checked with the other fields, an integer out
 * of range answers 422 `validation_failed` naming the field.
 */
export const int4Max = 2_147_483_647;
const int4Min = -2_147_483_648;
const int4Message = { message: `at most ${int4Max}, the largest integer stored` };
const int4LowMessage = { message: `at least ${int4Min}, the smallest integer stored` };

/** An integer for an `integer` (int4) column; narrow it further with `.min()`. */
export const dbInt = z.number().int().min(int4Min, int4LowMessage).max(int4Max, int4Message);

/** The same, from a path segment or a query string. */
export const dbIntParam = z.coerce
  .number()
  .int()
  .min(int4Min, int4LowMessage)
  .max(int4Max, int4Message);

/** An integer for a `bigint` column, kept to the integers a JavaScript number holds exactly. */
export const dbBigInt = z.number().int();
