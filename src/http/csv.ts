import { stringify } from 'csv-stringify';
import { stringify as stringifyAll } from 'csv-stringify/sync';

/**
 * RFC 4180 CSV with the header line even when no row follows. A cell that a spreadsheet
 * would run as a formula (=, +, -, @, tab, carriage return first, or their full-width
 * forms: OWASP's list) is prefixed with a single quote, since names and reasons come from
 * anyone who imports customers or holds a consent link.
 */
const options = (columns: readonly string[]) => ({
  header: true,
  columns: [...columns],
  escape_formulas: true,
});

/** An encoder for rows read page by page, as the client takes them. */
export function csvEncoder(columns: readonly string[]) {
  return stringify(options(columns));
}

/** The whole text at once, for rows already in memory: a stream costs more per row. */
export function csvText(columns: readonly string[], records: Iterable<string[]>): string {
  return stringifyAll([...records], options(columns));
}
