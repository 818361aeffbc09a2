/** A small HTTP client for the benchmark: JSON in and out, keep-alive through fetch. */
export class Api {
  constructor(readonly base: string) {}

  async call<T = Record<string, unknown>>(
    token: string,
    method: string,
    path: string,
    body?: unknown,
    expected = [200, 201],
  ): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!expected.includes(res.status))
      throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  }

  event(
    token: string,
    id: string,
    event: Record<string, unknown>,
  ): Promise<{ state: string; version: number }> {
    return this.call(token, 'POST', `/v1/workflows/${id}/events`, event);
  }

  /** Every workflow matching a query, following cursors. */
  async all(
    token: string,
    query: string,
  ): Promise<Array<{ id: string; customerId?: string; state: string }>> {
    const out: Array<{ id: string; customerId?: string; state: string }> = [];
    let cursor: string | null = null;
    do {
      const page: { items: typeof out; nextCursor: string | null } = await this.call(
        token,
        'GET',
        `/v1/workflows?${query}&limit=500${cursor ? `&cursor=${cursor}` : ''}`,
      );
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  }
}

/** Runs `work` over `items` with at most `concurrency` at once. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        await work(item);
      }
    }),
  );
}
