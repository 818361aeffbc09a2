/** How often each route answered each status: what a run of generated requests reached. */
export class Histogram {
  readonly #counts = new Map<string, Map<number, number>>();

  add(route: string, status: number): void {
    const row = this.#counts.get(route) ?? new Map<number, number>();
    this.#counts.set(route, row);
    row.set(status, (row.get(status) ?? 0) + 1);
  }

  count(route: string, status: number): number {
    return this.#counts.get(route)?.get(status) ?? 0;
  }

  /** `route → status` for every expected status the run never saw. */
  missing(expected: ReadonlyMap<string, readonly number[]>): string[] {
    return [...expected].flatMap(([route, statuses]) =>
      statuses.filter((s) => this.count(route, s) === 0).map((s) => `${route} → ${s}`),
    );
  }

  /** One line per route, one column per status seen anywhere; `.` where none. */
  table(): string {
    const routes = [...this.#counts.keys()].sort();
    const statuses = [...new Set([...this.#counts.values()].flatMap((r) => [...r.keys()]))].sort(
      (a, b) => a - b,
    );
    const width = Math.max(...routes.map((r) => r.length), 5);
    const cell = (n: number | string) => String(n).padStart(5);
    const lines = [`${'route'.padEnd(width)} ${statuses.map(cell).join('')}`];
    for (const route of routes) {
      const row = this.#counts.get(route)!;
      lines.push(`${route.padEnd(width)} ${statuses.map((s) => cell(row.get(s) ?? '.')).join('')}`);
    }
    return lines.join('\n');
  }
}
