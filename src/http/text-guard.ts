import type { Request } from 'express';

/** Deeper JSON than any payload of ours needs; past it a body is refused before it costs more. */
export const maxDepth = 64;

/** Headers whose values are stored or hashed (consent evidence, idempotency, preconditions). */
const storedHeaders = ['user-agent', 'idempotency-key', 'if-match'] as const;

/**
 * Why a request's address, stored headers or body cannot be taken as given, or undefined when
 * they can. Postgres cannot store U+0000, and stores a lone UTF-16 surrogate as U+FFFD: a
 * history row hashed over the text as sent would then never verify again. Such text, and JSON
 * nested deeper than `maxDepth`, are refused at the door, before authentication and before
 * any code that walks a value recursively.
 */
export function unstorableInput(req: Request): string | undefined {
  return addressProblem(req.originalUrl) ?? headerProblem(req) ?? valueProblem(req.body as unknown);
}

/**
 * Node's HTTP/1 parser already refuses NUL in a header and reads other bytes as Latin-1, which
 * cannot form a surrogate; checked anyway, so a header reaching storage obeys the same rule
 * whatever transport hands it in.
 */
function headerProblem(req: Request): string | undefined {
  for (const name of storedHeaders) {
    const value = req.get(name);
    const problem = value === undefined ? undefined : textProblem(value);
    if (problem) return `Header ${name}: ${problem}`;
  }
  return undefined;
}

function addressProblem(url: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(url);
  } catch {
    // Malformed escapes, and escapes of surrogates, which are not UTF-8 at all.
    return 'The address is not valid percent-encoded UTF-8.';
  }
  return textProblem(decoded);
}

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'Text may not contain the NUL character.';
  if (!text.isWellFormed()) return 'Text may not contain a lone UTF-16 surrogate.';
  return undefined;
}

/** One walk over a parsed body, without recursion, so no depth can overflow the stack. */
function valueProblem(body: unknown): string | undefined {
  const pending: Array<{ value: unknown; depth: number }> = [{ value: body, depth: 0 }];
  for (let item = pending.pop(); item !== undefined; item = pending.pop()) {
    const { value, depth } = item;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) return problem;
    } else if (typeof value === 'object' && value !== null) {
      if (depth >= maxDepth) return `JSON may be nested at most ${maxDepth} levels deep.`;
      for (const [key, child] of Object.entries(value)) {
        const problem = textProblem(key);
        if (problem) return problem;
        pending.push({ value: child, depth: depth + 1 });
      }
    }
  }
  return undefined;
}
