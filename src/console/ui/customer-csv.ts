import { parse } from 'csv-parse/browser/esm/sync';
import type { z } from 'zod';
import { customerInput, maxImport, type CustomerInputBody } from '../../http/customer-schemas.ts';

/**
 * Customers from CSV files, for `POST /v1/partners/{id}/customers`: a customers file, whose
 * rows may also be subscriptions (a `record` column says which), and an optional subscriptions
 * file keyed by the customer's tenant ID. Every bad row is reported with the row a
 * spreadsheet shows it on (the header is row 1), its column and what is wrong, checked by the
 * same schema the server applies. No DOM here: the console page and the tests share it.
 */

export type CsvFile = 'customers' | 'subscriptions';

/** A row of a file as a spreadsheet numbers it: the header is row 1. */
export interface RowRef {
  file: CsvFile;
  row: number;
}

export interface RowError extends RowRef {
  /** The column as the CSV format names it; absent when the whole row (or file) is wrong. */
  column?: string;
  message: string;
}

export interface CustomerRows {
  customer: RowRef;
  subscriptions: RowRef[];
}

export interface ConvertedImport {
  /** The import's body, in file order; sent only when `errors` is empty. */
  customers: CustomerInputBody[];
  /** Where each customer and each of its subscriptions came from, index for index. */
  rows: CustomerRows[];
  subscriptionCount: number;
  errors: RowError[];
}

export interface CsvTexts {
  customers: string;
  subscriptions?: string;
}

/** The columns of the format, as the README lists them, with what each holds. */
export const customerColumns = [
  'name',
  'tenantId',
  'acquiredAs',
  'mcaAcceptance',
  'billTo.companyName',
  'billTo.email',
  'billTo.country',
  'billTo.address',
  'providerNeedsAdmin',
] as const;
export const subscriptionColumns = [
  'tenantId',
  'subscriptionId',
  'offer',
  'kind',
  'quantity',
  'baseSubscriptionId',
  'status',
  'termEndDate',
  'billingCycle',
  'transferEligible',
] as const;
type Column = (typeof customerColumns)[number] | (typeof subscriptionColumns)[number] | 'record';

const requiredOfCustomer: readonly Column[] = [
  'name',
  'tenantId',
  'acquiredAs',
  'mcaAcceptance',
  'billTo.companyName',
  'billTo.email',
  'billTo.country',
];
const requiredOfSubscription: readonly Column[] = [
  'tenantId',
  'subscriptionId',
  'offer',
  'kind',
  'quantity',
];
/** Cells only a customer row fills, and only a subscription row: the other kind leaves them empty. */
const customerOnly = customerColumns.filter((c) => c !== 'tenantId');
const subscriptionOnly = subscriptionColumns.filter((c) => c !== 'tenantId');

/** `Bill to email`, `BILLTO_EMAIL` and `billTo.email` name the same column. */
const squeezed = (header: string) => header.toLowerCase().replace(/[\s._-]+/g, '');
const columnsByKey = new Map<string, Column>(
  [...customerColumns, ...subscriptionColumns, 'record' as const].map((c) => [squeezed(c), c]),
);

/** Choices the server takes as codes; the file may write them in any case, with spaces. */
const asCode = (value: string) => value.toLowerCase().replace(/[\s-]+/g, '_');

/** Progress of a conversion: rows handled so far, of all the rows to handle. */
export interface Progress {
  done: number;
  total: number;
}

const quoteProblems: Record<string, string> = {
  INVALID_OPENING_QUOTE:
    'a cell has a quote (") inside it: put the whole cell in quotes and double each quote inside ("")',
  CSV_INVALID_CLOSING_QUOTE:
    'a quoted cell goes on after its closing quote: double each quote inside a quoted cell ("")',
  CSV_QUOTE_NOT_CLOSED:
    'a quote opened on this row is never closed, so the rest of the file would be one cell',
};

/** The records of a CSV text, or where and why it is not CSV. */
function records(text: string, file: CsvFile): string[][] | RowError {
  try {
    return parse(text, {
      bom: true,
      relax_column_count: true,
      // Spreadsheets write \r\n, editors \n; a file mixing them is still read row by row.
      record_delimiter: ['\r\n', '\n', '\r'],
    });
  } catch (error) {
    const { code, records: before } = error as { code?: string; records?: number };
    const reason = (code && quoteProblems[code]) ?? (error as Error).message;
    return { file, row: (before ?? 0) + 1, message: `The file is not valid CSV here: ${reason}.` };
  }
}

interface Header {
  columns: Array<Column | undefined>;
  has: (column: Column) => boolean;
}

/** The header's columns, or every reason it is refused. */
function readHeader(cells: string[], file: CsvFile): Header | RowError[] {
  const allowed: readonly Column[] =
    file === 'customers'
      ? ['record', ...customerColumns, ...subscriptionOnly]
      : subscriptionColumns;
  const errors: RowError[] = [];
  const columns = cells.map((cell) => {
    const header = cell.trim();
    const column = columnsByKey.get(squeezed(header));
    if (header === '') return undefined;
    if (column === undefined || !allowed.includes(column)) {
      errors.push({
        file,
        row: 1,
        column: header,
        message: `unknown column "${header}"; the ${file} file's columns are ${allowed.join(', ')}`,
      });
      return undefined;
    }
    return column;
  });
  const seen = new Set<Column>();
  for (const column of columns) {
    if (column === undefined) continue;
    if (seen.has(column))
      errors.push({ file, row: 1, column, message: 'this column appears twice' });
    seen.add(column);
  }
  const has = (column: Column) => seen.has(column);
  if (file === 'customers' && !has('name') && has('subscriptionId') && !has('record')) {
    errors.push({
      file,
      row: 1,
      message: 'this looks like a subscriptions file: choose it as the subscriptions file',
    });
    return errors;
  }
  for (const column of requiredOfCustomer.filter(() => file === 'customers')) {
    if (!has(column)) errors.push({ file, row: 1, column, message: 'this column is missing' });
  }
  if (file === 'subscriptions') {
    for (const column of requiredOfSubscription) {
      if (!has(column)) errors.push({ file, row: 1, column, message: 'this column is missing' });
    }
  }
  if (file === 'customers' && !has('record') && subscriptionOnly.some(has)) {
    errors.push({
      file,
      row: 1,
      column: 'record',
      message:
        'subscription columns need a record column saying which rows are customers and which subscriptions',
    });
  }
  return errors.length > 0 ? errors : { columns, has };
}

/** One data row's cells by column, trimmed; empty cells are absent. */
type Cells = Map<Column, string>;

interface PendingSubscription {
  tenantKey: string;
  subscription: Record<string, unknown>;
  at: RowRef;
}

/** What the rows make, before the schema checks it. */
class Collector {
  readonly customers: CustomerInputBody[] = [];
  readonly rows: CustomerRows[] = [];
  readonly pending: PendingSubscription[] = [];
  readonly errors: RowError[] = [];
  /** Cells already reported, so the schema's check does not report them again. */
  readonly reported = new Set<string>();
  readonly tenantRows = new Map<string, { index: number; at: RowRef }>();

  fail(at: RowRef, column: Column | undefined, message: string): void {
    this.errors.push({ ...at, ...(column ? { column } : {}), message });
    this.reported.add(cellKey(at, column));
  }
}

const cellKey = (at: RowRef, column: string | undefined) => `${at.file}:${at.row}:${column ?? ''}`;

/** Checks that the row fills what its kind needs and leaves the other kind's cells empty. */
function checkShape(
  cells: Cells,
  at: RowRef,
  required: readonly Column[],
  foreign: readonly Column[],
  out: Collector,
): void {
  for (const column of required) {
    if (!cells.has(column)) out.fail(at, column, 'is empty; a value is required');
  }
  for (const column of foreign) {
    if (cells.has(column)) {
      out.fail(
        at,
        column,
        required === requiredOfCustomer
          ? 'a customer row leaves the subscription columns empty: put each subscription on a row of its own'
          : 'a subscription row leaves the customer columns empty, apart from its tenantId',
      );
    }
  }
}

function booleanCell(
  value: string | undefined,
  column: Column,
  at: RowRef,
  out: Collector,
): boolean | undefined {
  if (value === undefined) return undefined;
  const answer = {
    yes: true,
    y: true,
    true: true,
    1: true,
    no: false,
    n: false,
    false: false,
    0: false,
  }[value.toLowerCase()];
  if (answer === undefined) out.fail(at, column, 'must be yes or no (or empty)');
  return answer;
}

function integerCell(value: string | undefined, at: RowRef, out: Collector): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[+-]?\d+$/.test(value)) {
    out.fail(at, 'quantity', 'must be a whole number such as 25');
    return undefined;
  }
  return Number(value);
}

function addCustomer(cells: Cells, at: RowRef, out: Collector): void {
  checkShape(cells, at, requiredOfCustomer, subscriptionOnly, out);
  const get = (column: Column) => cells.get(column);
  const code = (column: Column) => {
    const value = get(column);
    return value === undefined ? undefined : asCode(value);
  };
  const address = get('billTo.address');
  const providerNeedsAdmin = booleanCell(get('providerNeedsAdmin'), 'providerNeedsAdmin', at, out);
  // Built from cells that may be missing or wrong: the schema's check reports what remains.
  const customer = {
    name: get('name'),
    tenantId: get('tenantId'),
    acquiredAs: code('acquiredAs'),
    mcaAcceptance: code('mcaAcceptance'),
    billTo: {
      companyName: get('billTo.companyName'),
      email: get('billTo.email'),
      country: get('billTo.country'),
      ...(address === undefined ? {} : { address }),
    },
    ...(providerNeedsAdmin === undefined ? {} : { providerNeedsAdmin }),
    subscriptions: [],
  } as unknown as CustomerInputBody;
  const tenantId = get('tenantId');
  if (tenantId !== undefined) {
    const key = tenantId.toLowerCase();
    const first = out.tenantRows.get(key);
    if (first) {
      out.fail(at, 'tenantId', `repeats the tenantId of ${place(first.at)}`);
    } else {
      out.tenantRows.set(key, { index: out.customers.length, at });
    }
  }
  out.customers.push(customer);
  out.rows.push({ customer: at, subscriptions: [] });
}

function addSubscription(cells: Cells, at: RowRef, out: Collector): void {
  checkShape(cells, at, requiredOfSubscription, customerOnly, out);
  const code = (column: Column) => {
    const value = cells.get(column);
    return value === undefined ? undefined : asCode(value);
  };
  // Cells left empty are left out, so that the server's defaults apply (active, not eligible).
  const optional = (field: string, value: unknown) =>
    value === undefined ? {} : { [field]: value };
  out.pending.push({
    tenantKey: (cells.get('tenantId') ?? '').toLowerCase(),
    subscription: {
      id: cells.get('subscriptionId'),
      offer: cells.get('offer'),
      kind: code('kind'),
      quantity: integerCell(cells.get('quantity'), at, out),
      ...optional('baseSubscriptionId', cells.get('baseSubscriptionId')),
      ...optional('status', code('status')),
      ...optional('termEndDate', cells.get('termEndDate')),
      ...optional('billingCycle', code('billingCycle')),
      ...optional(
        'transferEligible',
        booleanCell(cells.get('transferEligible'), 'transferEligible', at, out),
      ),
    },
    at,
  });
}

/** "row 7" in the same file, "row 7 of the subscriptions file" across files. */
function place(at: RowRef): string {
  return at.file === 'customers' ? `row ${at.row}` : `row ${at.row} of the subscriptions file`;
}

/** The rows of one file, a step at a time: yields after every `step` rows. */
function* readFile(
  text: string,
  file: CsvFile,
  out: Collector,
  progress: Progress,
): Generator<Progress, void> {
  const parsed = records(text, file);
  if (!Array.isArray(parsed)) {
    out.errors.push(parsed);
    return;
  }
  const [headerCells, ...data] = parsed;
  if (!headerCells || (headerCells.length === 1 && headerCells[0]?.trim() === '')) {
    out.errors.push({
      file,
      row: 1,
      message: 'the file is empty: the first row names the columns',
    });
    return;
  }
  const header = readHeader(headerCells, file);
  if (Array.isArray(header)) {
    out.errors.push(...header);
    return;
  }
  progress.total += data.length;
  for (const [i, record] of data.entries()) {
    const at: RowRef = { file, row: i + 2 };
    const cells: Cells = new Map();
    record.forEach((raw, j) => {
      const column = header.columns[j];
      const value = raw.trim();
      if (value === '') return;
      if (column === undefined) {
        out.fail(
          at,
          undefined,
          j >= header.columns.length
            ? `has ${record.length} cells but the header names ${header.columns.length} columns`
            : `has a value under an empty header (column ${j + 1})`,
        );
      } else {
        cells.set(column, value);
      }
    });
    progress.done += 1;
    // A blank row (a spreadsheet's empty line) is left out but keeps the rows' numbering.
    if (cells.size === 0) continue;
    const kind = header.has('record') ? cells.get('record')?.toLowerCase() : undefined;
    if (file === 'subscriptions' || kind === 'subscription') addSubscription(cells, at, out);
    else if (!header.has('record') || kind === 'customer') addCustomer(cells, at, out);
    else out.fail(at, 'record', 'must be customer or subscription');
    if (progress.done % 500 === 0) yield progress;
  }
}

/** Gives each subscription to its customer, by tenant ID, in file order. */
function attachSubscriptions(out: Collector): number {
  const subscriptionRows = new Map<string, RowRef>();
  let attached = 0;
  for (const { tenantKey, subscription, at } of out.pending) {
    const id = subscription.id;
    if (typeof id === 'string') {
      const first = subscriptionRows.get(id);
      if (first) out.fail(at, 'subscriptionId', `repeats the subscriptionId of ${place(first)}`);
      else subscriptionRows.set(id, at);
    }
    if (tenantKey === '') continue;
    const owner = out.tenantRows.get(tenantKey);
    if (!owner) {
      out.fail(at, 'tenantId', 'no customer row has this tenantId');
      continue;
    }
    const customer = out.customers[owner.index] as { subscriptions: unknown[] };
    customer.subscriptions.push(subscription);
    out.rows[owner.index]?.subscriptions.push(at);
    attached += 1;
  }
  return attached;
}

/** An add-on names a base subscription of the same customer, as the server requires. */
function checkAddOns(out: Collector): void {
  out.customers.forEach((customer, i) => {
    const subscriptions = customer.subscriptions ?? [];
    const ids = new Set(subscriptions.map((s) => s.id));
    subscriptions.forEach((s, j) => {
      const base = s.baseSubscriptionId;
      const at = out.rows[i]?.subscriptions[j];
      if (base === undefined || !at) return;
      if (base === s.id || !ids.has(base)) {
        out.fail(at, 'baseSubscriptionId', 'must name another subscription of the same customer');
      }
    });
  });
}

/** The row and column a path of the import body names (`3.billTo.email`, `3.subscriptions.1.id`). */
export function locate(
  rows: readonly CustomerRows[],
  path: ReadonlyArray<string | number>,
): { at: RowRef; column?: string } | undefined {
  const [index, field, sub, subField] = path;
  const customer = rows[Number(index)];
  if (!customer) return undefined;
  if (field === 'subscriptions' && sub !== undefined) {
    const at = customer.subscriptions[Number(sub)];
    if (!at) return { at: customer.customer };
    if (subField === undefined) return { at };
    return { at, column: subField === 'id' ? 'subscriptionId' : String(subField) };
  }
  if (field === undefined || field === 'subscriptions') return { at: customer.customer };
  if (field === 'billTo') {
    return { at: customer.customer, ...(sub === undefined ? {} : { column: `billTo.${sub}` }) };
  }
  return { at: customer.customer, column: String(field) };
}

/** A schema's refusal of one value, in plain words. */
export function plainMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'invalid_format':
      if (issue.format === 'uuid' || issue.format === 'guid')
        return 'must be a tenant ID such as 1b0c7a52-3f7e-4c1d-9e55-2a9e2c0d7a10';
      if (issue.format === 'email') return 'must be an email address such as ap@fabrikam.example';
      if (issue.format === 'date') return 'must be a date written YYYY-MM-DD, such as 2027-01-31';
      // The schemas give their patterns a message naming what is expected.
      return issue.format === 'regex' ? `must be ${issue.message}` : issue.message;
    case 'too_small':
      if (issue.origin === 'string') return 'is empty; a value is required';
      return `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      if (issue.origin === 'string')
        return `is longer than ${String(issue.maximum)} characters, the most stored`;
      if (issue.origin === 'array')
        return `has more than ${String(issue.maximum)} subscriptions, the most a customer takes`;
      return `must be at most ${String(issue.maximum)}`;
    default:
      return issue.message;
  }
}

/** Checks each customer with the server's schema and reports what the rows did not already. */
function* checkCustomers(out: Collector, progress: Progress): Generator<Progress, void> {
  for (const [i, customer] of out.customers.entries()) {
    const checked = customerInput.safeParse(customer);
    progress.done += 1;
    // Sent as the schema reads it (trimmed, the country upper-case): what the server stores.
    if (checked.success) out.customers[i] = checked.data;
    else {
      for (const issue of checked.error.issues) {
        const where = locate(out.rows, [i, ...issue.path.map((p) => p as string | number)]);
        if (!where || out.reported.has(cellKey(where.at, where.column))) continue;
        out.fail(where.at, where.column as Column | undefined, plainMessage(issue));
      }
    }
    if (progress.done % 500 === 0) yield progress;
  }
}

/**
 * Converts the files, yielding its progress every few hundred rows so that a caller may let
 * the page draw in between; returns the import and every error found.
 */
export function* convertInSteps(texts: CsvTexts): Generator<Progress, ConvertedImport> {
  const out = new Collector();
  const progress: Progress = { done: 0, total: 0 };
  yield* readFile(texts.customers, 'customers', out, progress);
  if (texts.subscriptions !== undefined) {
    yield* readFile(texts.subscriptions, 'subscriptions', out, progress);
  }
  const subscriptionCount = attachSubscriptions(out);
  checkAddOns(out);
  progress.total += out.customers.length;
  yield* checkCustomers(out, progress);
  if (out.customers.length === 0 && out.errors.length === 0) {
    out.errors.push({ file: 'customers', row: 2, message: 'the file has no customer rows' });
  }
  const over = out.rows[maxImport];
  if (over) {
    out.fail(
      over.customer,
      undefined,
      `is customer ${maxImport + 1}: an import takes at most ${maxImport.toLocaleString('en')} customers; split the file`,
    );
  }
  out.errors.sort((a, b) => a.file.localeCompare(b.file) || a.row - b.row);
  return {
    customers: out.customers,
    rows: out.rows,
    subscriptionCount,
    errors: out.errors,
  };
}

/** Converts the files at once. */
export function convertCustomerCsv(texts: CsvTexts): ConvertedImport {
  const steps = convertInSteps(texts);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}
