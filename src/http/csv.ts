import { stringify } from 'csv-stringify';

/**
 * An RFC 4180 CSV encoder with the header line even when no row follows. A cell that a
 * spreadsheet would run as a formula (=, +, -, @, tab, carriage return first, or their
 * full-width forms: OWASP's list) is prefixed with a single quote, since names and reasons
 * come from anyone who imports customers or holds a consent link.
 */
export function csvEncoder(columns: readonly string[]) {
  return stringify({ header: true, columns: [...columns], escape_formulas: true });
}
