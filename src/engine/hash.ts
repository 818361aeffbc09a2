import { createHash } from 'node:crypto';

/** The hash that starts every workflow's chain. */
export const genesisHash = '0'.repeat(64);

/**
 * JSON with object keys sorted at every level and no whitespace, so the same row always
 * serialises to the same bytes whatever order its fields were built in.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** sha256(prevHash ‖ canonical JSON of the row), hex. */
export function chainHash(prevHash: string, row: unknown): string {
  return createHash('sha256').update(prevHash).update(canonicalJson(row)).digest('hex');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
