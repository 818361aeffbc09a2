import { locate, type ConvertedImport, type RowError } from './customer-csv.ts';

/**
 * The server's refusal of an import, put back on the rows of the CSV files it came from: a
 * field it refused (`17.billTo.email`) on that customer's or subscription's row and column, a
 * tenant or subscription it already holds on the row that names it.
 */

export interface FieldRefusal {
  path: string;
  message: string;
}

/** `17.subscriptions.2.id`, or `[17].subscriptions[2].id`, as its parts. */
function pathParts(path: string): Array<string | number> {
  return path
    .split(/[.[\]]+/)
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Each field the server refused, on its row; a refusal of no row stands for the whole file. */
export function placeFieldErrors(
  converted: ConvertedImport,
  errors: readonly FieldRefusal[],
): RowError[] {
  return errors.map(({ path, message }) => {
    const where = locate(converted.rows, pathParts(path));
    if (!where)
      return { file: 'customers', row: 1, message: path ? `${path}: ${message}` : message };
    return { ...where.at, ...(where.column ? { column: where.column } : {}), message };
  });
}

/** The rows naming a tenant or subscription the partner already has (409 `already_exists`). */
export function placeRepeats(
  converted: ConvertedImport,
  repeats: { tenantIds?: readonly string[]; subscriptionIds?: readonly string[] },
): RowError[] {
  const tenants = new Set((repeats.tenantIds ?? []).map((t) => t.toLowerCase()));
  const subscriptions = new Set(repeats.subscriptionIds ?? []);
  const errors: RowError[] = [];
  converted.customers.forEach((customer, i) => {
    const rows = converted.rows[i];
    if (!rows) return;
    if (tenants.has(customer.tenantId.toLowerCase())) {
      errors.push({
        ...rows.customer,
        column: 'tenantId',
        message: 'the partner already has a customer with this tenantId',
      });
    }
    (customer.subscriptions ?? []).forEach((s, j) => {
      const at = rows.subscriptions[j];
      if (at && subscriptions.has(s.id)) {
        errors.push({
          ...at,
          column: 'subscriptionId',
          message: 'the partner already has a subscription with this id',
        });
      }
    });
  });
  return errors.sort((a, b) => a.file.localeCompare(b.file) || a.row - b.row);
}
